"""Every check rule, in report order: a new rule module adds its import and one line to RULES."""
from __future__ import annotations

from sitegen.check.rules import Rule, disclosure, external, freshness, pages, review, text

RULES: tuple[Rule, ...] = (
    *freshness.RULES,
    *pages.RULES,
    *disclosure.RULES,
    *review.RULES,
    *text.RULES,
    *external.RULES,
)

# what a site's verdict rests on (single vetoes and the counted columns): they read the sources only, so
# `sitegen deploy` can run them before anything goes live without building
VERDICT_RULES: tuple[Rule, ...] = freshness.RULES


ORDER = {rule.id: i for i, rule in enumerate(RULES)}


def order(rule_id: str) -> int:
    """Return a rule's place in the report (unknown ids last)."""
    return ORDER.get(rule_id, len(RULES))


def about(rule_id: str) -> str:
    """Return what a rule looks for, in one line (empty for an unknown id)."""
    return RULES[ORDER[rule_id]].about if rule_id in ORDER else ""
