"""The 政府信息公开 stage: check every entry, give 索引号, link policies and interpretations; return its own plan."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.assemble.plan import Plan, newest_first
from sitegen.content.cache import Shelf
from sitegen.content.frontmatter import application_only
from sitegen.content.page import Page
from sitegen.disclosure.checks import (
    entry_problems,
    link_interpretations,
    repeated_doc_numbers,
)
from sitegen.disclosure.index_numbers import Assignment, assign
from sitegen.errors import AssembleError

if TYPE_CHECKING:  # the catalogue builds on this module; only the row's type is needed here
    from sitegen.disclosure.catalogue import Row


@dataclass(frozen=True)
class DisclosurePlan:
    """Every site's entries with their 索引号 and 发布机构, and the policy–interpretation links."""

    entries: dict[str, list[Page]]  # per site, newest first (drafts left out)
    numbers: dict[Path, str]  # source -> 索引号
    publishers: dict[Path, str]  # source -> 发布机构 (the site's name unless the entry names one)
    interpreted: dict[Path, Page]  # interpretation -> its policy
    interpretations: dict[Path, list[Page]]  # policy -> its interpretations
    assignment: Assignment  # the numbers this build gave, to be recorded once it succeeds
    rows: dict[Path, Row] = field(default_factory=dict, compare=False)  # catalogue rows, made once (catalogue.row)

    def commit(self) -> list[str]:
        """Record newly given 索引号 in content/ (only after a successful build); return what was done."""
        self.assignment.save()
        return self.assignment.notes


def prepare(plan: Plan, cache: Shelf | None = None) -> DisclosurePlan:
    """Check every entry, give index numbers, resolve 政策解读 links; raise AssembleError with every problem. `cache`:
    of the sites' sources, for the 索引号 stores."""
    by_site = entries_of(plan)
    everything = [p for pages in by_site.values() for p in pages]
    publishers = {p.source: publisher(plan, p) for p in everything}
    problems = [problem for page in everything for problem in entry_problems(plan, page)]
    problems += repeated_doc_numbers(everything, publishers)
    links, broken = link_interpretations(plan)
    if problems + broken:
        raise AssembleError(problems + broken)
    # an internal entry (seen only in internal builds) takes no number: the public sequence has no gaps and the
    # committed record names no internal document
    public = {site: [p for p in pages if p.meta.visibility == "public"] for site, pages in by_site.items()}
    assignment = assign(plan.cluster, public, cache)
    return DisclosurePlan(by_site, assignment.numbers, publishers, *links, assignment)


def entries_of(plan: Plan) -> dict[str, list[Page]]:
    """Return each site's disclosure entries (drafts excluded), newest first."""
    out: dict[str, list[Page]] = {}
    for site_id, sp in plan.sites.items():
        column = plan.cluster.disclosure_column(sp.site)
        pages = sp.columns.get(column.id, []) if column else []
        out[site_id] = sorted((p for p in pages if not p.meta.draft), key=newest_first)
    return out


def publisher(plan: Plan, page: Page) -> str:
    """Return the entry's 发布机构 (default: its site's name)."""
    meta = page.meta.disclosure
    return (meta.publisher if meta and meta.publisher else None) or plan.cluster.sites[page.site].name


def is_application_only(page: Page) -> bool:
    """Return True for a 依申请公开 document: published as metadata only, its text given on application."""
    return application_only(page.meta)
