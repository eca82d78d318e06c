"""Each site's verdict (合格 or 不合格) from its findings and the limits of the check: section, and the whole report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sitegen.check.findings import EMPTY_COLUMN, LONG_STALE_COLUMN, STALE_COLUMN, Finding, Severity
from sitegen.check.registry import order
from sitegen.config.schema import CheckSpec
from sitegen.i18n import _

PASSED = "合格"
FAILED = "不合格"

# what the verdict counts (Finding.counts), the check: setting giving how many make a site 不合格, and its Chinese name
COUNTED = ((STALE_COLUMN, "stale_columns", "不更新栏目"), (EMPTY_COLUMN, "empty_columns", "空白栏目"),
           (LONG_STALE_COLUMN, "long_stale_columns", "长期未更新栏目"))


@dataclass(frozen=True)
class SiteReport:
    """One site's verdict, why, and its findings, worst first."""

    site: str
    name: str
    verdict: str  # PASSED or FAILED
    reasons: tuple[str, ...]  # why it is 不合格; empty when 合格
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        return self.verdict == FAILED

    @property
    def worst(self) -> int:
        """Return the rank of the worst finding (0 without findings)."""
        return max((f.severity.rank for f in self.findings), default=0)


@dataclass(frozen=True)
class Report:
    """The result of sitegen check: every checked site, worst first."""

    now: datetime
    sites: tuple[SiteReport, ...]

    @property
    def failed(self) -> list[SiteReport]:
        return [s for s in self.sites if s.failed]

    def reaches(self, level: Severity) -> bool:
        """Return True if any finding is at `level` or worse."""
        return any(f.severity.rank >= level.rank for s in self.sites for f in s.findings)


def judge(site: str, name: str, findings: list[Finding], settings: CheckSpec) -> SiteReport:
    """Return the site's report: 不合格 for any veto finding or when a count reaches its limit."""
    reasons = [_("{rule}: single veto (单项否决)").format(rule=f.rule) for f in findings if f.severity is Severity.veto]
    counts = Counter(what for f in findings for what in f.counts)
    for what, key, term in COUNTED:
        limit = getattr(settings, key)
        if counts[what] >= limit:
            reasons.append(_("{count} {what}s ({term}), {limit} or more make a site 不合格 (check.{key})").format(
                count=counts[what], what=_(what), term=term, limit=limit, key=key))
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, order(f.rule), f.path or "", f.line or 0, f.url or ""))
    return SiteReport(site, name, FAILED if reasons else PASSED, tuple(reasons), tuple(ordered))


def worst_first(sites: list[SiteReport]) -> tuple[SiteReport, ...]:
    """Return the sites 不合格 first, then by their worst finding and number of findings; ties keep their order."""
    return tuple(sorted(sites, key=lambda s: (not s.failed, -s.worst, -len(s.findings))))
