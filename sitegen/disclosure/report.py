"""Figures for the yearly 政府信息公开工作年度报告: the 主动公开 table, per site and for the cluster."""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.assemble.plan import Plan
from sitegen.content.page import Page
from sitegen.disclosure.catalogue import spreadsheet_cell
from sitegen.disclosure.plan import DisclosurePlan

NORMATIVE = ("规章", "行政规范性文件")


@dataclass
class Figures:
    """One site's (or the cluster's) figures for one year."""

    scope: str
    name: str
    year: int
    published: int = 0  # entries published in the year
    normative: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: {"issued": 0, "repealed": 0, "in_force": 0} for kind in NORMATIVE})
    by_genre: dict[str, int] = field(default_factory=dict)
    by_topic: dict[str, int] = field(default_factory=dict)
    by_month: list[int] = field(default_factory=lambda: [0] * 12)


def yearly(plan: Plan, disclosure: DisclosurePlan, year: int) -> list[Figures]:
    """Return the figures of every site with a disclosure column, then of the whole cluster."""
    by_site = disclosure.entries
    sites = [_figures(site_id, plan.cluster.sites[site_id].name, year, pages, plan)
             for site_id, pages in by_site.items() if plan.cluster.disclosure_column(plan.cluster.sites[site_id])]
    everything = [p for pages in by_site.values() for p in pages]
    return [*sites, _figures("cluster", plan.cluster.name, year, everything, plan)]


def _figures(scope: str, name: str, year: int, pages: list[Page], plan: Plan) -> Figures:
    fig = Figures(scope, name, year)
    end = datetime(year + 1, 1, 1, tzinfo=plan.cluster.tz)
    genres: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for page in pages:
        d = page.meta.disclosure
        assert d is not None and page.date is not None
        if page.date.year == year:
            fig.published += 1
            fig.by_month[page.date.month - 1] += 1
            genres[d.genre or ""] += 1
            topics[plan.cluster.taxonomy.top(d.topic or "")] += 1
        if d.normative:
            made = d.written or page.date
            counts = fig.normative[d.normative]
            counts["issued"] += made.year == year
            counts["repealed"] += d.validity == "废止" and d.validity_changed is not None and d.validity_changed.year == year
            counts["in_force"] += made < end and (d.validity == "有效" or (d.validity_changed is not None and d.validity_changed >= end))
    fig.by_genre = dict(sorted(genres.items(), key=lambda kv: (-kv[1], kv[0])))
    fig.by_topic = dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])))
    return fig


def write(figures: list[Figures], folder: Path) -> list[Path]:
    """Write the figures as JSON (everything) and CSV (one row per site); return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    year = figures[0].year
    json_path = folder / f"disclosure-{year}.json"
    json_path.write_text(json.dumps({"year": year, "figures": [asdict(f) for f in figures]}, ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["站点", "名称", "本年公开条数", *[f"{k}{c}" for k in NORMATIVE for c in ("本年制发", "本年废止", "现行有效")],
                     *[f"{m}月" for m in range(1, 13)]])
    for f in figures:
        writer.writerow([spreadsheet_cell(f.scope), spreadsheet_cell(f.name), f.published,
                         *[f.normative[k][c] for k in NORMATIVE for c in ("issued", "repealed", "in_force")], *f.by_month])
    csv_path = folder / f"disclosure-{year}.csv"
    csv_path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return [json_path, csv_path]


@dataclass(frozen=True)
class Table:
    """A table to show: a title, the column headers and the rows, all plain text."""

    title: str
    header: list[str]
    rows: list[list[str]]


def tables(figures: list[Figures]) -> list[Table]:
    """Return the figures as the two tables the report shows: 主动公开 counts, and entries per month."""
    year = figures[0].year
    main = Table(f"{year} 年主动公开政府信息情况", ["站点", "本年公开", "规章制发", "规章废止", "规章现行", "规范性文件制发",
                                              "规范性文件废止", "规范性文件现行"], [])
    months = Table(f"{year} 年每月公开条数", ["站点", *[f"{m}月" for m in range(1, 13)]], [])
    for f in figures:
        counts = [str(f.normative[k][c]) for k in NORMATIVE for c in ("issued", "repealed", "in_force")]
        main.rows.append([f.name, str(f.published), *counts])
        months.rows.append([f.name, *map(str, f.by_month)])
    return [main, months]
