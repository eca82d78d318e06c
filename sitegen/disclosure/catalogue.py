"""政府信息公开目录: catalogue pages by topic, genre, year and validity; the cluster catalogue; JSON and CSV exports."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Callable

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.config.model import Column
from sitegen.config.taxonomy import Taxonomy
from sitegen.content.page import Page
from sitegen.disclosure.checks import entries
from sitegen.job import Job

SCHEMA = "sitegen-catalogue/1"
CSV_FIELDS = {  # export key -> CSV header
    "index_no": "索引号", "title": "标题", "doc_no": "文号", "publisher": "发布机构", "written": "成文日期",
    "published": "发布日期", "topic": "主题分类", "genre": "体裁分类", "validity": "有效性",
    "validity_changed": "有效性变更日期", "mode": "公开方式", "normative": "规范性文件类别",
    "keywords": "关键词", "url": "链接", "site": "站点",
}
FACETS = (("topic", "按主题"), ("genre", "按体裁"), ("year", "按年份"), ("validity", "按有效性"))


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


def row(plan: Plan, page: Page) -> Row:
    """Return the catalogue row of an entry."""
    d = page.meta.disclosure
    assert d is not None and page.date is not None
    return Row(
        index_no=d.index_no or "", title=page.title, doc_no=d.doc_no or "", publisher=d.publisher or "",
        written=d.written.strftime("%Y-%m-%d") if d.written else "", published=page.date.strftime("%Y-%m-%d"),
        topic=d.topic or "", genre=d.genre or "", validity=d.validity,
        validity_changed=d.validity_changed.strftime("%Y-%m-%d") if d.validity_changed else "",
        mode=d.mode, normative=d.normative or "", keywords="，".join(d.keywords or page.meta.keywords),
        summary=page.meta.summary, url=urls.absolute(plan.cluster.sites[page.site], page.path), site=page.site,
    )


def facet_values(page: Page, taxonomy: Taxonomy) -> dict[str, str]:
    """Return the value of each facet for an entry: top-level topic, genre, year, validity."""
    d = page.meta.disclosure
    assert d is not None and page.date is not None
    return {"topic": taxonomy.top(d.topic or ""), "genre": d.genre or "", "year": str(page.date.year), "validity": d.validity}


Render = Callable[..., Job]  # SiteRenderer.job(template, rel, column_name=..., **context)


def site_catalogue(plan: Plan, sp: SitePlan, column: Column, render: Render) -> list[Job]:
    """Return the catalogue pages and exports of one site."""
    pages = entries(plan)[sp.site.id]
    base = f"{column.id}/"
    facets = _facets(pages, plan.cluster.taxonomy)  # type: ignore[arg-type]
    common = {"column": column, "facets": facets, "base": base, "show_site": False, "publishers": None,
              "current_publisher": None}
    out = [render("catalogue.html", base, column_name=column.title, heading=column.title, items=pages, **common)]
    for key, label in FACETS:
        for value, members in facets[key].items():
            rel = f"{base}{key}/{urls.tag_slug(value)}/"
            out.append(render("catalogue.html", rel, column_name=column.title, heading=f"{column.title}：{value}",
                              facet=(label, value), items=members, **common))
    out += _exports(base, plan, pages, scope="site", name=sp.site.name, site=sp.site.id)
    if sp.site.kind == "portal":
        out += _cluster_catalogue(plan, column, render)
    return out


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


def _cluster_catalogue(plan: Plan, column: Column, render: Render) -> list[Job]:
    """The portal's catalogue of every site's entries, one page per publishing site."""
    by_site = entries(plan)
    everything = sorted((p for pages in by_site.values() for p in pages), key=lambda p: (-(p.date.timestamp()), p.site, p.path))  # type: ignore[union-attr]
    base = f"{column.id}/cluster/"
    sites = [(plan.cluster.sites[s], len(pages)) for s, pages in by_site.items() if pages]
    common = {"column": column, "base": base, "show_site": True, "publishers": sites, "facets": None}
    out = [render("catalogue.html", base, column_name=column.title, heading="全市政府信息公开目录",
                  items=everything, current_publisher=None, **common)]
    for site, _ in sites:
        rel = f"{base}{site.id}/"
        out.append(render("catalogue.html", rel, column_name=column.title, heading=f"全市政府信息公开目录：{site.name}",
                          items=by_site[site.id], current_publisher=site.id, **common))
    out += _exports(base, plan, everything, scope="cluster", name=plan.cluster.name, site=None)
    return out


def _exports(base: str, plan: Plan, pages: list[Page], *, scope: str, name: str, site: str | None) -> list[Job]:
    inputs = (pages, scope, name, site)
    return [Job(f"{base}catalogue.json", inputs, lambda: _json(plan, pages, scope, name, site), "catalogue:json"),
            Job(f"{base}catalogue.csv", inputs, lambda: _csv(plan, pages), "catalogue:csv")]


def _json(plan: Plan, pages: list[Page], scope: str, name: str, site: str | None) -> bytes:
    rows = [asdict(row(plan, p)) for p in pages]
    doc = {"schema": SCHEMA, "scope": scope, "site": site, "name": name, "count": len(rows), "entries": rows}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _csv(plan: Plan, pages: list[Page]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS.values())
    rows = [asdict(row(plan, p)) for p in pages]
    writer.writerows([r[key] for key in CSV_FIELDS] for r in rows)
    # the BOM makes Excel read the file as UTF-8
    return buffer.getvalue().encode("utf-8-sig")
