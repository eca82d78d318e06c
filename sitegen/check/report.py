"""The check's report as text (a table per site, worst site first), as JSON (schema sitegen-check/1) and as one HTML page."""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from html import escape
from itertools import groupby

from sitegen.check.findings import Finding, Severity
from sitegen.check.registry import about, order
from sitegen.check.verdict import FAILED, Report, SiteReport
from sitegen.i18n import N_, _, n_

SCHEMA = "sitegen-check/1"
HEADER = (N_("severity"), N_("rule"), N_("where"), N_("message"))



def as_json(report: Report) -> str:
    """Return the report as JSON: {"schema", "now", "sites": [{"site", "verdict", "findings": [...]}]}."""
    data = {
        "schema": SCHEMA,
        "now": report.now.isoformat(timespec="seconds"),
        "sites": [{"site": s.site, "verdict": s.verdict, "findings": [_finding(f) for f in s.findings]} for s in report.sites],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _finding(f: Finding) -> dict[str, str | int | None]:
    return {"rule": f.rule, "severity": f.severity.value, "path": f.path, "line": f.line, "url": f.url, "message": f.message}


def as_text(report: Report) -> str:
    """Return the report as text: a summary line, then per site its verdict, why, and a table of its findings."""
    lines = [summary(report), ""]
    for site in report.sites:
        lines += _site(site)
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    """Return one line: when, how many sites are 不合格, how many findings of each severity."""
    counts = Counter(f.severity for s in report.sites for f in s.findings)
    found = ", ".join(_counted(v, counts[v]) for v in Severity if counts[v]) or _("no findings")
    at = report.now.isoformat(sep=" ", timespec="minutes")
    return _("sitegen check at {at}: {failed} of {sites} sites 不合格; {found}.").format(
        at=at, failed=len(report.failed), sites=len(report.sites), found=found)


def _counted(severity: Severity, n: int) -> str:
    if severity is Severity.veto:
        return n_("{count} veto", "{count} vetoes", n).format(count=n)
    if severity is Severity.error:
        return n_("{count} error", "{count} errors", n).format(count=n)
    return n_("{count} warning", "{count} warnings", n).format(count=n)


def _site(site: SiteReport) -> list[str]:
    head = f"{site.verdict}  {site.site}  {site.name}"
    if not site.findings:
        return [_("{head}: no findings").format(head=head), ""]
    lines = [head] + ["  " + _("because {reason}").format(reason=reason) for reason in site.reasons]
    rows = [tuple(_(h) for h in HEADER), *((f.severity.value, f.rule, f.where, f.message) for f in site.findings)]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines += ["  " + "  ".join(_pad(cell, w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3] for row in rows]
    return [*lines, ""]


def _width(text: str) -> int:
    """Return how many terminal columns `text` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --- HTML: one self-contained page (inline CSS, no script, no external request) to send to the units ---

CSS = """
body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
 color:#1a1a1a;background:#fff;margin:0 auto;padding:1rem;max-width:72rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #1a1a1a}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}a{color:#0b4a8b}code{font-size:.95em;overflow-wrap:anywhere}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{border:1px solid #6b6b6b;padding:.35rem .5rem;
 text-align:left;vertical-align:top}thead th{background:#e8e8e8}td.n{text-align:right}
.verdict{display:inline-block;font-weight:700;padding:0 .4rem;border:2px solid;border-radius:3px;white-space:nowrap}
.failed{color:#8f0a0a;background:#fdecea}.passed{color:#0b5a27;background:#e6f4ea}
.sev{display:inline-block;min-width:4.5rem;font-weight:700}.sev-veto{color:#8f0a0a}.sev-error{color:#8a3b00}
.sev-warning{color:#4d4d4d}ul.findings{padding-left:1.25rem}ul.findings li{margin:.4rem 0;overflow-wrap:anywhere}
"""
PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="summary">{summary}</p>
</header>
<main>
{table}
{sections}
</main>
</body>
</html>
"""
TABLE = """<h2 id="verdicts">{verdicts}</h2>
<div class="scroll"><table>
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table></div>"""
ROW = """<tr><th scope="row"><a href="#site-{id}">{id}</a></th><td>{name}</td><td>{verdict}</td>{counts}<td>{reasons}</td></tr>"""
SECTION = """<section id="site-{id}" aria-labelledby="site-{id}-title">
<h2 id="site-{id}-title">{id} {name} {verdict}</h2>
{body}
<p><a href="#verdicts">{back}</a></p>
</section>"""
LINKED = ("https://", "http://", "/")  # a finding's URL becomes a link only with one of these (never javascript:)


def as_html(report: Report, cluster_name: str) -> str:
    """Return the report as one HTML page: a summary, a verdict table, then per site its findings grouped by rule."""
    title = _("{cluster_name} 网站检查报告").format(cluster_name=cluster_name)
    return PAGE.format(title=escape(title), css=CSS.strip(), summary=escape(summary(report)), table=_html_table(report),
                       sections="\n".join(_html_section(site) for site in report.sites))


def _html_table(report: Report) -> str:
    """Return the verdict table: one row per site, linking to its section."""
    names = (_("Site"), _("Name"), _("Verdict"), _("Vetoes"), _("Errors"), _("Warnings"), _("Why 不合格"))
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in names)
    return TABLE.format(verdicts=escape(_("Verdicts (检查结论)")), head=head,
                        rows="\n".join(_html_row(site) for site in report.sites))


def _html_row(site: SiteReport) -> str:
    counts = Counter(f.severity for f in site.findings)
    cells = "".join(f'<td class="n">{counts[v]}</td>' for v in Severity)
    reasons = "<br>".join(escape(reason) for reason in site.reasons) or "—"
    return ROW.format(id=escape(site.site), name=escape(site.name), verdict=_verdict(site), counts=cells, reasons=reasons)


def _verdict(site: SiteReport) -> str:
    """Return the verdict as a badge: its words and a mark tell it apart, not only its colour."""
    mark, style = ("✗", "failed") if site.verdict == FAILED else ("✓", "passed")
    return f'<span class="verdict {style}"><span aria-hidden="true">{mark} </span>{escape(site.verdict)}</span>'


def _html_section(site: SiteReport) -> str:
    """Return a site's section: its findings grouped by rule in registry order, or that it has none."""
    if not site.findings:
        body = f"<p>{escape(_('No findings.'))}</p>"
    else:
        ordered = sorted(site.findings, key=lambda f: (order(f.rule), f.rule))  # stable: worst first within a rule
        body = "\n".join(_html_rule(rule, list(group)) for rule, group in groupby(ordered, key=lambda f: f.rule))
    return SECTION.format(id=escape(site.site), name=escape(site.name), verdict=_verdict(site), body=body,
                          back=escape(_("Back to the verdicts")))


def _html_rule(rule: str, findings: list[Finding]) -> str:
    """Return one rule's group: the rule id and what it looks for, then its findings."""
    items = "\n".join(f"<li>{_html_finding(f)}</li>" for f in findings)
    return f'<h3><code>{escape(rule)}</code> {escape(about(rule))}</h3>\n<ul class="findings">\n{items}\n</ul>'


def _html_finding(f: Finding) -> str:
    """Return a finding: its severity, where to fix it, the message, and a link to the page when it has one."""
    where = f" <code>{escape(f.where)}</code>" if f.where else ""
    text = f'<span class="sev sev-{f.severity.value}">{f.severity.value}</span>{where} {escape(f.message)}'
    if f.url and f.url.startswith(LINKED):
        text += f' <a href="{escape(f.url)}" rel="noopener">{escape(f.url)}</a>'
    return text
