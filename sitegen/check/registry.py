"""Every check rule, in report order: a new rule module adds its import and one line to RULES."""
from __future__ import annotations

from sitegen.check.rules import Rule, freshness, text

RULES: tuple[Rule, ...] = (
    *freshness.RULES,
    *text.RULES,
)


def order(rule_id: str) -> int:
    """Return a rule's place in the report (unknown ids last)."""
    return next((i for i, rule in enumerate(RULES) if rule.id == rule_id), len(RULES))
