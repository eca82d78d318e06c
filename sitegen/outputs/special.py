"""Special columns (专题专栏): the landing page, each section's listing, and the portal's index of every 专题."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sitegen import urls
from sitegen.assemble.plan import Plan, newest_first
from sitegen.config.model import Column, Site
from sitegen.job import Job
from sitegen.outputs.pages import SiteRenderer, paginate

INDEX_DIR = "zhuanti"  # the portal's 专题 index: /zhuanti/
SECTION_ITEMS = 6  # items per section on the landing page
PAGER = "page"  # a section's listing pages: <column>/<section>/page/2/


@dataclass(frozen=True)
class Entry:
    """One special column as the portal's 专题 index lists it."""

    title: str
    href: str
    site_name: str
    description: str
    latest: datetime | None
    archived: bool


def jobs(r: SiteRenderer, column: Column) -> list[Job]:
    """Return the landing page of a special column and the paginated listing of each of its sections."""
    special = r.sp.specials[column.id]
    blocks = [(s.id, s.title, s.pages[:SECTION_ITEMS], len(s.pages) > SECTION_ITEMS) for s in special.sections]
    out = [r.job("special.html", f"{column.id}/", column_name=column.title, column=column, title=special.title,
                 intro=special.intro, banner_alt=special.banner_alt, archived=special.archived, blocks=blocks)]
    for section in special.sections:
        for pager in paginate(f"{column.id}/{section.id}/", section.pages, column.page_size):
            out.append(r.job("special_section.html", pager.rel(pager.number), column_name=column.title, column=column,
                             title=special.title, section_title=section.title, archived=special.archived, pager=pager))
    return out


def index(r: SiteRenderer) -> list[Job]:
    """The portal's 专题 index: every site's special columns, current ones first, archived ones in their own group."""
    entries = entries_of(r.plan, r.site)
    current = [e for e in entries if not e.archived]
    archived = [e for e in entries if e.archived]
    return [r.job("zhuanti.html", f"{INDEX_DIR}/", column_name="专题专栏", current=current, archived=archived)]


def entries_of(plan: Plan, here: Site) -> list[Entry]:
    """Return every special column of the cluster, newest item first within the sites' order."""
    out = []
    for sp in plan.sites.values():
        for special in sp.specials.values():
            latest = min(sp.columns[special.column.id], key=newest_first, default=None)
            out.append(Entry(special.title, urls.href(here, sp.site, f"{special.column.id}/"), sp.site.name,
                             special.column.description, latest.date if latest else None, special.archived))
    return sorted(out, key=lambda e: -(e.latest.timestamp() if e.latest else 0))
