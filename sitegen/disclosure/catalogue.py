"""政府信息公开目录: catalogue pages by topic, genre, year and validity; the cluster catalogue; JSON and CSV exports."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.config.model import Column
from sitegen.config.taxonomy import Taxonomy
from sitegen.content.page import Page
from sitegen.disclosure.plan import DisclosurePlan, publisher
from sitegen.job import Job

SCHEMA = "sitegen-catalogue/1"
CSV_FIELDS = {  # export key -> CSV header
    "index_no": "索引号", "title": "标题", "doc_no": "文号", "publisher": "发布机构", "written": "成文日期",
    "published": "发布日期", "topic": "主题分类", "genre": "体裁分类", "validity": "有效性",
    "validity_changed": "有效性变更日期", "mode": "公开方式", "normative": "规范性文件类别",
    "keywords": "关键词", "url": "链接", "site": "站点",
}
FACETS = (("topic", "按主题"), ("genre", "按体裁"), ("year", "按年份"), ("validity", "按有效性"))
CLUSTER_DIR = "cluster"  # the portal's catalogue of every site
EXPORTS = ("catalogue.json", "catalogue.csv")
PAGES_DIR = "page"  # page 2 on of every catalogue listing (urls.page_rel)


@dataclass(frozen=True)
class Row:
    """One catalogue entry, as listed and exported."""

    index_no: str
    title: str
    doc_no: str
    publisher: str
    written: str
    published: str
    topic: str
    genre: str
    validity: str
    validity_changed: str
    mode: str
    normative: str
    keywords: str
    summary: str
    url: str
    site: str


def row(plan: Plan, disclosure: DisclosurePlan, page: Page) -> Row:
    """Return the catalogue row of a page with disclosure metadata, made once per build and shared by every output."""
    found = disclosure.rows.get(page.source)
    if found is None:
        found = disclosure.rows[page.source] = _row(plan, disclosure, page)
    return found


def _row(plan: Plan, disclosure: DisclosurePlan, page: Page) -> Row:
    d = page.meta.disclosure
    assert d is not None and page.date is not None
    return Row(
        index_no=disclosure.numbers.get(page.source, ""), title=page.title, doc_no=d.doc_no or "",
        publisher=disclosure.publishers.get(page.source) or publisher(plan, page),
        written=d.written.strftime("%Y-%m-%d") if d.written else "", published=page.date.strftime("%Y-%m-%d"),
        topic=d.topic or "", genre=d.genre or "", validity=d.validity,
        validity_changed=d.validity_changed.strftime("%Y-%m-%d") if d.validity_changed else "",
        mode=d.mode, normative=d.normative or "", keywords="，".join(d.keywords or page.meta.keywords),
        summary=page.summary, url=urls.absolute(plan.cluster.sites[page.site], page.path), site=page.site,
    )


def facet_values(page: Page, taxonomy: Taxonomy) -> dict[str, str]:
    """Return the value of each facet for an entry: top-level topic, genre, year, validity."""
    d = page.meta.disclosure
    assert d is not None and page.date is not None
    return {"topic": taxonomy.top(d.topic or ""), "genre": d.genre or "", "year": str(page.date.year), "validity": d.validity}


Item = tuple[Page, Row]  # what a catalogue page lists: the entry (for its link) and its row


Render = Callable[..., Job]  # SiteRenderer.job(template, rel, column_name=..., **context)
Paginate = Callable[[str, list[Page], int], Iterable[Any]]  # outputs.pages.paginate: a Pager per page of a listing


@dataclass(frozen=True)
class Pages:
    """How a site's catalogue listings become pages: the renderer, the pager, the rows per page, the shared context."""

    render: Render
    paginate: Paginate
    size: int
    rows: dict[Path, Item]
    context: dict[str, Any]

    def listing(self, base: str, heading: str, pages: list[Page], **context: Any) -> list[Job]:
        """Return the pages of one listing (a whole catalogue or one facet value), newest first."""
        column = self.context["column"]
        # every page shows the size of the whole listing and the export its script sorts (`subset`: the
        # facet or publisher whose entries it shows, as (key of the export's entries, value), None for all)
        return [self.render("catalogue.html", pager.rel(pager.number), column_name=column.title, heading=heading,
                            pager=pager, entries=[self.rows[p.source] for p in pager.items], total=len(pages),
                            **self.context, **context)
                for pager in self.paginate(base, pages, self.size)]


def site_catalogue(plan: Plan, disclosure: DisclosurePlan, sp: SitePlan, column: Column, render: Render,
                   paginate: Paginate) -> list[Job]:
    """Return the catalogue pages and exports of one site."""
    pages = disclosure.entries[sp.site.id]
    rows = _rows(plan, disclosure, pages)
    base = f"{column.id}/"
    facets = _facets(pages, plan.cluster.taxonomy)
    common = {"column": column, "facets": facets, "base": base, "show_site": False, "publishers": None,
              "current_publisher": None, "cluster_rel": f"{column.id}/{CLUSTER_DIR}/", "exports": EXPORTS}
    listings = Pages(render, paginate, column.page_size, {item[0].source: item for item in rows}, common)
    out = listings.listing(base, column.title, pages, subset=None)
    for key, label in FACETS:
        for value, members in facets[key].items():
            out += listings.listing(facet_rel(base, key, value), f"{column.title}：{value}", members,
                                    facet=(label, value), subset=(key, value))
    out += _exports(base, [r for _, r in rows], scope="site", name=sp.site.name, site=sp.site.id)
    if sp.site.kind == "portal":
        out += _cluster_catalogue(plan, disclosure, column, render, paginate)
    return out


def catalogue_names(portal: bool) -> tuple[str, ...]:
    """Return the names the catalogue owns inside its column (the portal's also holds the cluster catalogue)."""
    return (PAGES_DIR, *(key for key, _ in FACETS), *EXPORTS, *((CLUSTER_DIR,) if portal else ()))


def facet_rel(base: str, key: str, value: str) -> str:
    """Return the site-relative URL of the catalogue page of one facet value."""
    return f"{base}{key}/{urls.tag_slug(value)}/"


def _rows(plan: Plan, disclosure: DisclosurePlan, pages: list[Page]) -> list[Item]:
    return [(p, row(plan, disclosure, p)) for p in pages]


def _facets(pages: list[Page], taxonomy: Taxonomy) -> dict[str, dict[str, list[Page]]]:
    facets: dict[str, dict[str, list[Page]]] = {key: {} for key, _ in FACETS}
    for page in pages:
        for key, value in facet_values(page, taxonomy).items():
            facets[key].setdefault(value, []).append(page)
    order = {"topic": list(taxonomy.topics), "genre": list(taxonomy.genres)}
    return {key: dict(sorted(groups.items(), key=lambda kv: _facet_order(key, kv[0], order))) for key, groups in facets.items()}


def _facet_order(key: str, value: str, order: dict[str, list[str]]) -> tuple:
    if key == "year":
        return (-int(value), value)
    known = order.get(key, ["有效", "失效", "废止"])
    return (known.index(value) if value in known else len(known), value)


def _cluster_catalogue(plan: Plan, disclosure: DisclosurePlan, column: Column, render: Render, paginate: Paginate) -> list[Job]:
    """The portal's catalogue of every site's entries, one listing per publishing site."""
    by_site = {s: pages for s, pages in disclosure.entries.items() if pages}
    everything = sorted((p for pages in by_site.values() for p in pages),
                        key=lambda p: (-(p.date.timestamp()), p.site, p.path))  # type: ignore[union-attr]
    rows = _rows(plan, disclosure, everything)
    base = f"{column.id}/{CLUSTER_DIR}/"
    sites = [(plan.cluster.sites[s], len(pages)) for s, pages in by_site.items()]
    common = {"column": column, "base": base, "show_site": True, "publishers": sites, "facets": None, "cluster_rel": base,
              "exports": EXPORTS}
    listings = Pages(render, paginate, column.page_size, {item[0].source: item for item in rows}, common)
    out = listings.listing(base, "全市政府信息公开目录", everything, current_publisher=None, subset=None)
    for site, _ in sites:
        out += listings.listing(f"{base}{site.id}/", f"全市政府信息公开目录：{site.name}", by_site[site.id],
                                current_publisher=site.id, subset=("site", site.id))
    out = [job.made_together() for job in out]
    out += _exports(base, [r for _, r in rows], scope="cluster", name=plan.cluster.name, site=None)
    return out


def _exports(base: str, rows: list[Row], *, scope: str, name: str, site: str | None) -> list[Job]:
    inputs = (rows, scope, name, site)
    json_name, csv_name = EXPORTS
    every = scope == "cluster"
    return [Job(base + json_name, inputs, lambda: _json(rows, scope, name, site), "catalogue:json", reads_all=every),
            Job(base + csv_name, inputs, lambda: _csv(rows), "catalogue:csv", reads_all=every)]


def _json(rows: list[Row], scope: str, name: str, site: str | None) -> bytes:
    entries = [vars(r) for r in rows]  # every field a string: as asdict() gives them, without copying 100,000 rows
    doc = {"schema": SCHEMA, "scope": scope, "site": site, "name": name, "count": len(entries), "entries": entries}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """Return a CSV cell that Excel shows as text: one starting like a formula gets a leading apostrophe."""
    # a title or 文号 such as '=HYPERLINK(...)' would otherwise run as a formula in the reader's spreadsheet
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS.values())
    writer.writerows([spreadsheet_cell(getattr(r, key)) for key in CSV_FIELDS] for r in rows)
    # the BOM makes Excel read the file as UTF-8
    return buffer.getvalue().encode("utf-8-sig")
