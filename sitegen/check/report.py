"""The check's report as text (a table per site, worst site first) and as JSON (schema sitegen-check/1)."""
from __future__ import annotations

import json
import unicodedata
from collections import Counter

from sitegen.check.findings import Finding, Severity
from sitegen.check.verdict import Report, SiteReport

SCHEMA = "sitegen-check/1"
HEADER = ("severity", "rule", "where", "message")
PLURALS = {Severity.veto: "vetoes", Severity.error: "errors", Severity.warning: "warnings"}


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
    found = ", ".join(f"{counts[v]} {PLURALS[v] if counts[v] > 1 else v.value}" for v in Severity if counts[v]) or "no findings"
    at = report.now.isoformat(sep=" ", timespec="minutes")
    return (f"sitegen check at {at}: {len(report.failed)} of "
            f"{len(report.sites)} sites 不合格; {found}.")


def _site(site: SiteReport) -> list[str]:
    head = f"{site.verdict}  {site.site}  {site.name}"
    if not site.findings:
        return [f"{head}: no findings", ""]
    lines = [head] + [f"  because {reason}" for reason in site.reasons]
    rows = [HEADER, *((f.severity.value, f.rule, f.where, f.message) for f in site.findings)]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines += ["  " + "  ".join(_pad(cell, w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3] for row in rows]
    return [*lines, ""]


def _width(text: str) -> int:
    """Return how many terminal columns `text` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
