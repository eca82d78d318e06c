"""Turn pydantic validation errors into located Problems with a fix for each."""
from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sitegen.errors import Problem, did_you_mean
from sitegen.sources.yamlio import locate

_HINTS = {
    "string_type": "put the value in quotes, e.g. '2024'",
    "bool_type": "use true or false",
    "bool_parsing": "use true or false",
    "list_type": "write a list: [a, b] or one '- item' per line",
    "int_type": "write a whole number",
    "int_parsing": "write a whole number",
    "model_type": "write a mapping of 'key: value' lines, indented under this key",
    "dict_type": "write a mapping of 'key: value' lines, indented under this key",
}


def problems_from(exc: ValidationError, model: type[BaseModel], node: Any, shown: Path | str,
                  line_offset: int = 0) -> list[Problem]:
    """Return one Problem per validation error, each with its key path and line."""
    problems = [_problem(err, model, node, shown, line_offset) for err in exc.errors()]
    return sorted(problems, key=lambda p: p.line or 0)


def _problem(err: Any, model: type[BaseModel], node: Any, shown: Path | str, offset: int) -> Problem:
    loc = err["loc"]
    key = key_path(loc)
    line = locate(node, loc, offset)
    if err["type"] == "extra_forbidden":
        known = fields_at(model, loc[:-1])
        return Problem(f"unknown key '{key}'{did_you_mean(str(loc[-1]), known)}", shown, line,
                       hint=f"allowed here: {', '.join(sorted(known))}")
    if err["type"] == "missing":
        return Problem(f"'{key}' is required", shown, line, hint=f"add '{loc[-1]}: ...'")
    # validators write "message; fix: hint"
    msg, _, given = str(err["msg"]).removeprefix("Value error, ").partition("; fix: ")
    hint = given or _HINTS.get(err["type"])
    if err["type"] == "literal_error" and isinstance(err.get("input"), str):
        expected = err.get("ctx", {}).get("expected", "")
        msg += did_you_mean(err["input"], [e.strip(" '") for e in expected.replace(" or ", ",").split(",")])
    return Problem(f"{key}: {msg}", shown, line, hint=hint)


def key_path(loc: Iterable[str | int]) -> str:
    """Return a pydantic location as `sites[2].columns[0].title`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def fields_at(model: Any, loc: Iterable[str | int]) -> list[str]:
    """Return the keys allowed at `loc` inside `model`."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _model_in(annotation: Any) -> Any:
    """Return the pydantic model inside `X | None`, `list[X]` and the like."""
    if _is_model(annotation):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
