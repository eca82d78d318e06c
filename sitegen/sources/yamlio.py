"""Read YAML with the C loader, report errors with line and column, and locate key paths."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import Problem, Problems
from sitegen.i18n import _

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as strings, so one parser gives one set of messages."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def parse(text: str, path: Path | str, line_offset: int = 0) -> tuple[Any, yaml.Node | None]:
    """Return the data and the node tree of `text`, or raise Problems."""
    loader = Loader(text)
    try:
        # one parse: the data is constructed from the node tree that also locates keys
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise Problems(_problem_from_yaml_error(exc, path, line_offset)) from None
    finally:
        loader.dispose()
    # without an alias ('*name') a document holds fewer values than it has characters
    if ("*" in text or len(text) > MAX_NODES) and _expanded(node, {}) > MAX_NODES:
        raise Problems(Problem(_("the file repeats its own parts (YAML anchors '&' and aliases '*') into more than {count} "
                                 "values").format(count=f"{MAX_NODES:,}"), path,
                               hint=_("write the values out instead of repeating them with aliases")))
    repeated = list(_repeated_keys(node, path, line_offset, set()))
    if repeated:
        raise Problems(repeated)
    return data, node


MAX_NODES = 100_000  # far beyond any real settings or front matter; an alias 'bomb' expands to billions


def _expanded(node: yaml.Node | None, sizes: dict[int, int]) -> int:
    """Return how many values the document holds once every alias is written out (each node counted once)."""
    if node is None:
        return 0
    found = sizes.get(id(node))
    if found is None:
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair] \
            if isinstance(node, yaml.MappingNode) else []
        found = sizes[id(node)] = 1 + sum(_expanded(child, sizes) for child in children)
    return found


def _repeated_keys(node: yaml.Node | None, path: Path | str, offset: int, seen: set[int]) -> Iterator[Problem]:
    """Yield a problem for every key written twice in one mapping (YAML would silently keep the last)."""
    if node is None or id(node) in seen:  # an alias: the node it names was looked at already
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1 + offset
            if str(key.value) in first:
                yield Problem(_("the key '{key}' is written twice (first on line {line})").format(key=key.value, line=first[key.value]),
                              path, line, hint=_("keep one of the two lines"))
            first.setdefault(str(key.value), line)
            yield from _repeated_keys(value, path, offset, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _repeated_keys(item, path, offset, seen)


def _problem_from_yaml_error(exc: yaml.MarkedYAMLError, path: Path | str, offset: int) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or _("invalid YAML")
    if exc.context:
        what = f"{exc.context}, {what}"
    hint = _("check indentation and that values with ':' or '#' are quoted")
    if "found character '\\t'" in str(exc):
        hint = _("replace the tab characters with spaces")
    return Problem(
        _("broken YAML: {what}").format(what=what),
        path,
        line=(mark.line + 1 + offset) if mark else None,
        column=(mark.column + 1) if mark else None,
        hint=hint,
    )


def locate(node: yaml.Node | None, loc: Sequence[str | int], line_offset: int = 0) -> int | None:
    """Return the 1-based line of the value at key path `loc`, or of its nearest parent."""
    best = node.start_mark.line if node is not None else None
    for key in loc:
        child = _child(node, key)
        if child is None:
            break
        node, best = child, child.start_mark.line
    return None if best is None else best + 1 + line_offset


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                # pydantic reports unknown keys at the key itself: the key line is the right one
                return v if not isinstance(v, yaml.ScalarNode) or v.value != "" else k
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None
