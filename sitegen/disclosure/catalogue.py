"""政府信息公开目录: catalogue pages by topic, genre, year and validity; the cluster catalogue; JSON and CSV exports."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

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


Render = Callable[..., Job]  # SiteRenderer.job(template, rel, column_name=..., **context)


def site_catalogue(plan: Plan, disclosure: DisclosurePlan, sp: SitePlan, column: Column, render: Render) -> list[Job]:
    """Return the catalogue pages and exports of one site."""
    pages = disclosure.entries[sp.site.id]
    rows = _rows(plan, disclosure, pages)
    base = f"{column.id}/"
    facets = _facets(pages, plan.cluster.taxonomy)
    common = {"column": column, "facets": facets, "base": base, "show_site": False, "publishers": None,
              "current_publisher": None, "cluster_rel": f"{column.id}/{CLUSTER_DIR}/", "exports": EXPORTS}
    out = [render("catalogue.html", base, column_name=column.title, heading=column.title, items=rows, **common)]
    by_source = {item[0].source: item for item in rows}
    for key, label in FACETS:
        for value, members in facets[key].items():
            rel = facet_rel(base, key, value)
            out.append(render("catalogue.html", rel, column_name=column.title, heading=f"{column.title}：{value}",
                              facet=(label, value), items=[by_source[p.source] for p in members], **common))
    out += _exports(base, [r for _, r in rows], scope="site", name=sp.site.name, site=sp.site.id)
    if sp.site.kind == "portal":
        out += _cluster_catalogue(plan, disclosure, column, render)
    return out


def catalogue_names(portal: bool) -> tuple[str, ...]:
    """Return the names the catalogue owns inside its column (the portal's also holds the cluster catalogue)."""
    return (*(key for key, _ in FACETS), *EXPORTS, *((CLUSTER_DIR,) if portal else ()))


def facet_rel(base: str, key: str, value: str) -> str:
    """Return the site-relative URL of the catalogue page of one facet value."""
    return f"{base}{key}/{urls.tag_slug(value)}/"


Item = tuple[Page, Row]  # what a catalogue page lists: the entry (for its link) and its row


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


def _cluster_catalogue(plan: Plan, disclosure: DisclosurePlan, column: Column, render: Render) -> list[Job]:
    """The portal's catalogue of every site's entries, one page per publishing site."""
    by_site = {s: _rows(plan, disclosure, pages) for s, pages in disclosure.entries.items()}
    everything = sorted((item for items in by_site.values() for item in items),
                        key=lambda item: (-(item[0].date.timestamp()), item[0].site, item[0].path))  # type: ignore[union-attr]
    base = f"{column.id}/{CLUSTER_DIR}/"
    sites = [(plan.cluster.sites[s], len(items)) for s, items in by_site.items() if items]
    common = {"column": column, "base": base, "show_site": True, "publishers": sites, "facets": None, "cluster_rel": base,
              "exports": EXPORTS}
    out = [render("catalogue.html", base, column_name=column.title, heading="全市政府信息公开目录",
                  items=everything, current_publisher=None, **common)]
    for site, _ in sites:
        rel = f"{base}{site.id}/"
        out.append(render("catalogue.html", rel, column_name=column.title, heading=f"全市政府信息公开目录：{site.name}",
                          items=by_site[site.id], current_publisher=site.id, **common))
    out += _exports(base, [r for _, r in everything], scope="cluster", name=plan.cluster.name, site=None)
    return out


def _exports(base: str, rows: list[Row], *, scope: str, name: str, site: str | None) -> list[Job]:
    inputs = (rows, scope, name, site)
    json_name, csv_name = EXPORTS
    return [Job(base + json_name, inputs, lambda: _json(rows, scope, name, site), "catalogue:json"),
            Job(base + csv_name, inputs, lambda: _csv(rows), "catalogue:csv")]


def _json(rows: list[Row], scope: str, name: str, site: str | None) -> bytes:
    entries = [asdict(r) for r in rows]
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
