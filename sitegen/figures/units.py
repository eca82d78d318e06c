"""Per unit, for a period: items published by column type, submissions and their outcome, 政府信息公开 entries
and the late ones, and pages withheld for lack of review; ranked, with the cluster's totals.

A unit is every site but the portal, which receives the submissions. Everything counts in the period of its
publish date, as published at the report's moment; a submission is one item sent to one column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sitegen.config.schema import ColumnType
from sitegen.content.page import Page
from sitegen.disclosure.deadline import late
from sitegen.plan import ClusterPlan
from sitegen.submissions.decisions import ADOPTED, DECLINED
from sitegen.submissions.routing import PENDING

# news, notice, policy, disclosure, general; a special column's (专题) items are counted with the general ones (其他)
TYPES = tuple(t.value for t in ColumnType if t is not ColumnType.special)


@dataclass
class UnitFigures:
    """One unit's figures (or, with site "", the cluster's totals)."""

    site: str
    name: str
    kind: str
    published_by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    submitted: int = 0
    adopted: int = 0
    declined: int = 0
    pending: int = 0
    disclosure_entries: int = 0
    disclosure_late: int = 0
    unreviewed: int = 0
    rank: int = 0

    @property
    def published(self) -> int:
        return sum(self.published_by_type.values())

    @property
    def adoption_rate(self) -> float | None:
        """Return adopted / submitted, or None when nothing was submitted."""
        return round(self.adopted / self.submitted, 4) if self.submitted else None

    @property
    def zero_submissions(self) -> bool:
        """Return True for a unit that submitted nothing in the period (零报送)."""
        return self.submitted == 0


@dataclass(frozen=True)
class UnitsReport:
    """The units' figures for a period, ranked, and their totals."""

    cluster: str
    start: date
    end: date
    units: list[UnitFigures]
    totals: UnitFigures
    working_days: int  # the disclosure deadline the late entries missed (check.disclosure_working_days)

    @property
    def silent(self) -> list[UnitFigures]:
        """Return the units with no submission in the period (零报送)."""
        return [u for u in self.units if u.zero_submissions]


def units_report(planned: ClusterPlan, start: date, end: date) -> UnitsReport:
    """Return the figures of every unit between `start` and `end` (both included)."""
    plan, cluster = planned.plan, planned.cluster

    def within(page: Page) -> bool:
        return page.date is not None and start <= page.date.date() <= end

    units = {s.id: UnitFigures(s.id, s.name, s.kind) for s in cluster.sites.values() if s.kind != "portal"}
    for unit in units.values():
        sp = plan.sites[unit.site]
        for column in sp.site.columns.values():
            pages = [p for p in sp.columns[column.id] if within(p)]
            counted = ColumnType.general if column.type is ColumnType.special else column.type
            unit.published_by_type[counted.value] += len(pages)
            if column.type == ColumnType.disclosure:
                entries = [p for p in pages if p.meta.disclosure is not None]
                unit.disclosure_entries += len(entries)
                unit.disclosure_late += sum(late(p, cluster.check) for p in entries)
        unit.unreviewed = sum(1 for p in plan.unreviewed if p.site == unit.site and within(p))
    for sub in plan.routing.submissions:
        sender = units.get(sub.page.site)
        if sender is not None and within(sub.page):
            sender.submitted += 1
            sender.adopted += sub.state == ADOPTED
            sender.declined += sub.state == DECLINED
            sender.pending += sub.state == PENDING
    ranked = _ranked(list(units.values()))
    return UnitsReport(cluster.name, start, end, ranked, _totals(ranked), cluster.check.disclosure_working_days)


def _ranked(units: list[UnitFigures]) -> list[UnitFigures]:
    """Return the units by adopted items, then adoption rate, then submissions; equal figures share a rank."""
    def key(u: UnitFigures) -> tuple:
        return (-u.adopted, -(u.adoption_rate or 0), -u.submitted)
    ordered = sorted(units, key=key)  # stable: sites.yaml order among equals
    for i, unit in enumerate(ordered):
        unit.rank = ordered[i - 1].rank if i and key(ordered[i - 1]) == key(unit) else i + 1
    return ordered


def _totals(units: list[UnitFigures]) -> UnitFigures:
    total = UnitFigures("", "合计", "")
    for u in units:
        for t, n in u.published_by_type.items():
            total.published_by_type[t] += n
        total.submitted += u.submitted
        total.adopted += u.adopted
        total.declined += u.declined
        total.pending += u.pending
        total.disclosure_entries += u.disclosure_entries
        total.disclosure_late += u.disclosure_late
        total.unreviewed += u.unreviewed
    return total
