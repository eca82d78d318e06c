"""Fingerprints: a digest of everything an output is made from, so an unchanged output is neither rendered nor written."""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from enum import Enum
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta as jinja_meta
from pydantic import BaseModel

from sitegen.config.model import Cluster, Site
from sitegen.content.page import Page
from sitegen.digests import code_version, hexdigest


class Digester:
    """Digests values shown by outputs; pages, sites and shared containers are digested once and remembered.

    A digester made with `kept=True` may serve the next build of the same plan (`sitegen serve` after an edit of
    pages' text): it also remembers which pages and catalogue rows each container and each site's outputs reached, so
    that `next_build` drops exactly what an edited page changes, and it keeps only the containers the last build used.
    """

    def __init__(self, kept: bool = False) -> None:
        self._pages: dict[int, str] = {}
        self._sites: dict[str, str] = {}
        self._templates: dict[tuple[int, str], str] = {}
        self._containers: dict[int, tuple[Any, str, frozenset[int]]] = {}
        self._earlier: dict[int, tuple[Any, str, frozenset[int]]] = {}  # the last build's, moved back when used again
        self._reached: list[set[int]] | None = [] if kept else None  # the open containers' pages and rows, innermost last
        self._shown: dict[str, frozenset[int]] = {}  # site id -> the pages and rows its outputs showed when last digested
        self._gone: set[int] = set()  # the pages and rows edited since the last build

    @property
    def kept(self) -> bool:
        """Whether it may serve the next build of the same plan."""
        return self._reached is not None

    def next_build(self, edited: list[Any]) -> None:
        """Make ready for a build of the same plan in which the objects `edited` (pages changed in place, catalogue
        rows replaced) changed and nothing else did."""
        assert self._reached is not None, "only a kept digester serves another build"
        gone = self._gone = {id(value) for value in edited}
        for key in gone:
            self._pages.pop(key, None)
        self._earlier = {key: entry for key, entry in self._containers.items() if gone.isdisjoint(entry[2])}
        self._containers = {}

    @contextmanager
    def outputs_of(self, site_id: str) -> Iterator[None]:
        """Note what the outputs of a site digested within show (a kept digester only)."""
        if self._reached is None:
            yield
            return
        self._reached.append(set())
        try:
            yield
        finally:
            self._shown[site_id] = frozenset(self._reached.pop())

    def showed_edits(self, site_id: str) -> bool | None:
        """Return whether the outputs of a site, when last digested, showed a page or row edited since; None if this
        digester never digested them."""
        shown = self._shown.get(site_id)
        return None if shown is None else not shown.isdisjoint(self._gone)

    def of(self, value: Any) -> str:
        """Return the digest of any value a template or an output function is given."""
        parts: list[str] = []
        self._feed(parts, value)
        return hexdigest(*parts)

    def page(self, page: Page) -> str:
        """Return the digest of everything about a page that an output can show."""
        key = id(page)
        if self._reached:
            self._reached[-1].add(key)
        found = self._pages.get(key)
        if found is None:
            # the source's digest stands for its front matter and text; add what later stages derived from them
            meta = page.meta
            read = page.key or f"{meta.model_dump_json()}\0{page.body}"
            derived = page.excerpt  # what conversion added; the body withheld at load follows from the source
            found = hexdigest(read, derived, page.site, str(page.column), page.slug, page.source.as_posix(), page.html_digest(),
                              page.date.isoformat() if page.date else "", str(page.cover), repr(page.attachments),
                              repr(sorted(page.assets.items())))
            self._pages[key] = found
        return found

    def site(self, site: Site) -> str:
        found = self._sites.get(site.id)
        if found is None:
            found = self._sites[site.id] = hexdigest(repr(site))
        return found

    def template(self, env: jinja2.Environment, name: str) -> str:
        """Return the digest of a template and of every template it extends, includes or imports."""
        key = (id(env), name)
        found = self._templates.get(key)
        if found is None:
            try:
                sources = [f"{ref}\0{filename}\0{source}" for ref in sorted(_closure(env, name))
                           for source, filename, _ in [env.loader.get_source(env, ref)]]  # type: ignore[union-attr]
            except jinja2.TemplateError as exc:
                # rendering reports it, naming the template and line; never reuse an old output meanwhile
                sources = [f"broken\0{name}\0{exc}\0{id(exc)}"]
            found = self._templates[key] = hexdigest(*sources)
        return found

    def _container(self, parts: list[str], value: Any) -> None:
        parts.append(type(value).__name__)
        if type(value) is tuple and len(value) <= 2:  # pairs inline: a digest of their own would cost more
            self._items(parts, value)
            return
        # page lists, columns and asset maps are shared by many outputs (a catalogue's facets are shown on each
        # of its pages, a site's asset map on all its pages): digest each object once
        key = id(value)
        found = self._containers.get(key)
        if found is None or found[0] is not value:
            found = self._earlier.pop(key, None)
            if found is None or found[0] is not value:
                found = self._digest(value)
            self._containers[key] = found  # holding it keeps its id unused
        if self._reached:
            self._reached[-1].update(found[2])
        parts.append(found[1])

    def _digest(self, value: Any) -> tuple[Any, str, frozenset[int]]:
        inner: list[str] = []
        reached = self._reached
        if reached is None:
            self._items(inner, value)
            return value, hexdigest(*inner), _NONE
        # a catalogue row is replaced, not changed, when its page's text is: it stands for itself
        reached.append({id(value)} if dataclasses.is_dataclass(value) else set())
        try:
            self._items(inner, value)
        finally:
            mine = frozenset(reached.pop())
        return value, hexdigest(*inner), mine

    def _items(self, parts: list[str], value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._feed(parts, key)
                self._feed(parts, item)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                self._feed(parts, getattr(value, f.name))
        else:
            for item in value:
                self._feed(parts, item)

    def _feed(self, parts: list[str], value: Any) -> None:
        kind = type(value)  # the common types by identity first: this runs a million times per build
        if kind is str:
            parts.append(value)
        elif kind is Page:
            parts.append(self.page(value))
        else:
            (_FEEDS.get(kind) or _feed_for(kind))(self, parts, value)


_NONE: frozenset[int] = frozenset()  # one for every container: each `frozenset()` is a new object of 216 bytes


def _scalar(_d: Digester, parts: list[str], value: Any) -> None:
    parts.append(f"{type(value).__name__}:{value}")


def _feed_for(kind: type) -> Callable[[Digester, list[str], Any], None]:
    """Return how values of a type are fed to a digest, worked out once per type."""
    feed: Callable[[Digester, list[str], Any], None]
    if kind is type(None) or issubclass(kind, (str, bool, int, float)):
        feed = _scalar
    elif issubclass(kind, bytes):
        def feed(_d: Digester, parts: list[str], value: Any) -> None:
            parts.append(hashlib.sha1(value).hexdigest())
    elif issubclass(kind, Site):
        def feed(d: Digester, parts: list[str], value: Any) -> None:
            parts.append(d.site(value))
    elif issubclass(kind, Cluster):
        def feed(_d: Digester, parts: list[str], _value: Any) -> None:
            parts.append("cluster")  # its settings are in every site key
    elif issubclass(kind, (list, tuple, dict)) or dataclasses.is_dataclass(kind):
        feed = Digester._container
    elif issubclass(kind, (datetime, date)):
        def feed(_d: Digester, parts: list[str], value: Any) -> None:
            parts.append(value.isoformat())
    elif issubclass(kind, (Enum, Path, tzinfo)):
        def feed(_d: Digester, parts: list[str], value: Any) -> None:
            parts.append(str(value))
    elif issubclass(kind, BaseModel):
        def feed(_d: Digester, parts: list[str], value: Any) -> None:
            parts.append(value.model_dump_json())
    else:
        # an output must not depend on something its fingerprint cannot see
        raise TypeError(f"cannot fingerprint a {kind.__name__}: teach sitegen/incremental/fingerprint.py what it shows")
    _FEEDS[kind] = feed
    return feed


_FEEDS: dict[type, Callable[[Digester, list[str], Any], None]] = {}


# Cluster fields no output shows; every other field is in every site key, so a new setting cannot be forgotten.
NOT_SHOWN = {
    "sites": "each site's own settings are digested whole, the others' by what pages show of them (name, URL)",
    "root": "where the cluster's folder is changes no output",
    "deploy": "the deploy targets change no output",
    "admins": "who may change what (sitegen owners) changes no output",
    "check": "the limits of sitegen check change no output",
}


def site_key(cluster: Cluster, site: Site, digester: Digester, *extra: Any) -> str:
    """Return the digest of the settings every page of `site` shows: its own, the cluster's, every site's name and URL."""
    everyone = [(s.id, s.name, s.kind, s.origin, s.prefix) for s in cluster.sites.values()]
    settings = [(f.name, getattr(cluster, f.name)) for f in dataclasses.fields(cluster) if f.name not in NOT_SHOWN]
    return hexdigest(code_version(), digester.of([settings, everyone, site, *extra]))


def _closure(env: jinja2.Environment, name: str) -> set[str]:
    """Return `name` and every template it references, transitively."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        source = env.loader.get_source(env, current)[0]  # type: ignore[union-attr]
        for ref in _references(env, source):
            # a name computed at render time could be any template: depend on all of them
            todo.extend([ref] if ref is not None else env.list_templates())
    return seen


_REFERENCES: dict[str, tuple[str | None, ...]] = {}  # template source -> the templates it names (kept across builds)


def _references(env: jinja2.Environment, source: str) -> tuple[str | None, ...]:
    """Return the templates a template's source extends, includes or imports (None: a name computed at render time)."""
    found = _REFERENCES.get(source)
    if found is None:
        found = _REFERENCES[source] = tuple(jinja_meta.find_referenced_templates(env.parse(source)))
    return found


def file_key(path: Path) -> str:
    """Return the fingerprint of a file copied as it is: its path, size and modification time."""
    st = path.stat()
    return hexdigest("file", str(path), str(st.st_size), str(st.st_mtime_ns))
