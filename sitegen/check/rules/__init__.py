"""The check rules: each module lists its rules in RULES; sitegen.check.registry collects them."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    """One inspection item: a stable id, its severity, and what finds its findings."""

    id: str  # stable: reports, --fail-on filters and CI scripts name it
    severity: Severity
    find: Callable[[CheckContext], Iterable[Finding]]
    about: str  # one line: what the rule looks for, for the report and the docs
    external: bool = False  # reaches out to other servers: run only with --external
