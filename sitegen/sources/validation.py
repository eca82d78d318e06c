"""Turn pydantic validation errors into located Problems with a fix for each."""
from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sitegen.errors import FIX, Problem, did_you_mean
from sitegen.i18n import _
from sitegen.sources.yamlio import locate


def _hints() -> dict[str, str]:
    return {
        "string_type": _("put the value in quotes, e.g. '2024'"),
        "bool_type": _("use true or false"),
        "bool_parsing": _("use true or false"),
        "list_type": _("write a list: [a, b] or one '- item' per line"),
        "int_type": _("write a whole number"),
        "int_parsing": _("write a whole number"),
        "float_parsing": _("write a number"),
        "model_type": _("write a mapping of 'key: value' lines, indented under this key"),
        "dict_type": _("write a mapping of 'key: value' lines, indented under this key"),
    }


def _said(err: Any) -> str:
    """Return what is wrong with a value in the reader's language (pydantic's own words for the rare kinds)."""
    ctx = err.get("ctx", {})
    said = {
        "string_type": _("must be text"),
        "bool_type": _("must be true or false"),
        "bool_parsing": _("must be true or false"),
        "list_type": _("must be a list"),
        "int_type": _("must be a whole number"),
        "int_parsing": _("must be a whole number"),
        "float_parsing": _("must be a number"),
        "model_type": _("must be a mapping of 'key: value' lines"),
        "dict_type": _("must be a mapping of 'key: value' lines"),
        "literal_error": _("must be one of: {expected}"),
        "enum": _("must be one of: {expected}"),
        "string_too_short": _("must not be empty"),
        "too_short": _("must have at least {min_length} item(s)"),
        "greater_than_equal": _("must be at least {ge}"),
        "greater_than": _("must be more than {gt}"),
        "less_than_equal": _("must be at most {le}"),
        "string_pattern_mismatch": _("does not have the expected form ({pattern})"),
        "date_parsing": _("is not a date; write it as YYYY-MM-DD"),
        "date_from_datetime_parsing": _("is not a date; write it as YYYY-MM-DD"),
        "date_type": _("is not a date; write it as YYYY-MM-DD"),
    }.get(err["type"])
    return said.format(**ctx) if said is not None else str(err["msg"])


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
        return Problem(_("unknown key '{key}'").format(key=key) + did_you_mean(str(loc[-1]), known), shown, line,
                       hint=_("allowed here: {keys}").format(keys=", ".join(sorted(known))))
    if err["type"] == "missing":
        return Problem(_("'{key}' is required").format(key=key), shown, line, hint=_("add '{key}: ...'").format(key=loc[-1]))
    if err["type"] == "value_error":  # a validator's own words: "message; fix: hint" (errors.invalid)
        msg, _mark, given = str(err["ctx"]["error"]).partition(FIX)
    else:
        msg, given = _said(err), ""
    hint = given or _hints().get(err["type"])
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
