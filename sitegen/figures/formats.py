"""The units' figures as a terminal table, JSON (sitegen-units/1), CSV for Excel, and the HTML page of a 通报."""
from __future__ import annotations

import csv
import io
import json
from html import escape
from typing import Any

from sitegen.disclosure.catalogue import spreadsheet_cell
from sitegen.figures.units import UnitFigures, UnitsReport

SCHEMA = "sitegen-units/1"
TYPE_NAMES = {"news": "动态", "notice": "通知公告", "policy": "政策文件", "disclosure": "政府信息公开", "general": "其他"}
HEADER = ["排名", "单位", "发布信息", *TYPE_NAMES.values(), "报送", "采用", "未采用", "待处理", "采用率",
          "公开条目", "超期公开", "未经审核", "备注"]
NOTE_SILENT = "零报送"


def rate(unit: UnitFigures) -> str:
    """Return the adoption rate as a percentage, or — when nothing was submitted."""
    return "—" if unit.adoption_rate is None else f"{unit.adoption_rate * 100:.1f}%"


def rows(report: UnitsReport) -> list[list[str]]:
    """Return a row per unit in rank order, then the totals' row."""
    def row(u: UnitFigures, rank: str, note: str) -> list[str]:
        return [rank, u.name, str(u.published), *(str(u.published_by_type[t]) for t in TYPE_NAMES), str(u.submitted),
                str(u.adopted), str(u.declined), str(u.pending), rate(u), str(u.disclosure_entries),
                str(u.disclosure_late), str(u.unreviewed), note]
    out = [row(u, str(u.rank), NOTE_SILENT if u.zero_submissions else "") for u in report.units]
    return [*out, row(report.totals, "", "")]


def title(report: UnitsReport) -> str:
    return f"{report.cluster}信息报送情况（{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}）"


def _unit(u: UnitFigures) -> dict[str, Any]:
    return {"site": u.site, "name": u.name, "kind": u.kind, "rank": u.rank, "published": u.published,
            "published_by_type": u.published_by_type, "submitted": u.submitted, "adopted": u.adopted,
            "declined": u.declined, "pending": u.pending, "adoption_rate": u.adoption_rate,
            "zero_submissions": u.zero_submissions, "disclosure_entries": u.disclosure_entries,
            "disclosure_late": u.disclosure_late, "unreviewed": u.unreviewed}


def to_json(report: UnitsReport) -> str:
    """Return the figures as JSON, schema sitegen-units/1."""
    totals = {k: v for k, v in _unit(report.totals).items() if k not in ("site", "name", "kind", "rank", "zero_submissions")}
    data = {"schema": SCHEMA, "from": report.start.isoformat(), "to": report.end.isoformat(), "cluster": report.cluster,
            "units": [_unit(u) for u in report.units], "zero_submissions": [u.site for u in report.silent],
            "totals": totals}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(report: UnitsReport) -> bytes:
    """Return the table as CSV that Excel opens as it is: UTF-8 with a byte-order mark, CRLF, no formula run."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


STYLE = """
body { font: 16px/1.6 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1a1a1a; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; text-align: center; }
.period { text-align: center; color: #444; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #888; padding: .35rem .5rem; text-align: center; white-space: nowrap; }
th[scope=row] { text-align: left; }
thead th { background: #eef1f5; }
tfoot td, tfoot th { font-weight: bold; background: #f6f6f6; }
.silent { color: #8a1c1c; font-weight: bold; }
"""


def to_html(report: UnitsReport) -> str:
    """Return the 通报 page: one self-contained HTML file (nothing fetched, no script), every name escaped."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in HEADER)
    body = []
    table = rows(report)
    for cells in table[:-1]:
        note = f'<td class="silent">{escape(cells[-1])}</td>' if cells[-1] else "<td></td>"
        body.append(f"<tr><td>{escape(cells[0])}</td><th scope=\"row\">{escape(cells[1])}</th>"
                    + "".join(f"<td>{escape(c)}</td>" for c in cells[2:-1]) + note + "</tr>")
    total = table[-1]
    foot = (f'<tr><th scope="row" colspan="2">{escape(total[1])}</th>'
            + "".join(f"<td>{escape(c)}</td>" for c in total[2:-1]) + "<td></td></tr>")
    silent = "、".join(escape(u.name) for u in report.silent) or "无"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title(report))}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{escape(report.cluster)}信息报送情况通报</h1>
<p class="period">统计时间：{report.start:%Y年%m月%d日} 至 {report.end:%Y年%m月%d日}</p>
<div class="table" role="region" aria-label="各单位信息报送情况" tabindex="0">
<table>
<caption>各单位信息发布、报送和采用情况（按采用数排名）</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
<tfoot>{foot}</tfoot>
</table>
</div>
<p><strong>零报送单位：</strong><span class="silent">{silent}</span></p>
<p>说明：采用率 = 采用数 ÷ 报送数；超期公开指成文日期后超过 {report.working_days} 个工作日才公开的政府信息；
未经审核指因未签发而未发布的信息。按信息发布日期统计。</p>
</main>
</body>
</html>
"""
