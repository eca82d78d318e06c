"""政府信息公开: complete catalogue fields, publication within 20 working days, and policies linked to their 解读.

The build already refuses what no catalogue can list (an entry without 主题分类 or 体裁分类, an `interprets:` that leads
nowhere); these rules find what an inspector faults in a catalogue that builds.
"""
from __future__ import annotations

import html
from collections.abc import Iterator

from sitegen.check.built import HREF_RX, output_path, resolve
from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding, Severity
from sitegen.check.rules import Rule
from sitegen.config.schema import ColumnType
from sitegen.content.page import Page
from sitegen.disclosure.deadline import late
from sitegen.disclosure.plan import is_application_only
from sitegen.i18n import _

DISCLOSURE_METADATA = "disclosure-metadata"
DISCLOSURE_LATE = "disclosure-late"
INTERPRETATION_LINK = "interpretation-link"
INTERPRETATION = "解读"  # in a column's or a page's title: a 政策解读


def entries(ctx: CheckContext) -> Iterator[Page]:
    """Yield the public 政府信息公开 entries of the checked sites."""
    for site in ctx.sites:
        yield from ctx.planned.disclosure.entries.get(site, [])


def missing_fields(page: Page) -> list[str]:
    """Return the catalogue fields an entry leaves empty, by their Chinese names."""
    d = page.meta.disclosure
    assert d is not None  # every entry has disclosure metadata: the build refuses one without
    missing = [] if d.written else ["成文日期 (written)"]
    missing += [] if d.keywords or page.meta.keywords else ["关键词 (keywords)"]
    # a 依申请公开 entry shows no text: its summary is all a reader learns of it
    missing += ["内容概述 (summary)"] if is_application_only(page) and not page.meta.summary.strip() else []
    return missing


def disclosure_metadata(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every entry whose catalogue fields are incomplete."""
    for page in entries(ctx):
        missing = missing_fields(page)
        if missing:
            message = (_("the catalogue entry lacks {items}: every field of the 政府信息公开目录 must be filled in; fix: add under "
                         "'disclosure:' e.g. 'written: 2026-11-02' and 'keywords: [财政, 预算]'").format(items=', '.join(missing))
                       + (_(", and a 'summary:' line at the top") if "内容概述 (summary)" in missing else ""))
            yield _finding(ctx, DISCLOSURE_METADATA, page, message, page.lines.get("disclosure", 2))


def disclosure_late(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every entry published more than check.disclosure_working_days working days after it was made."""
    limit = ctx.settings.disclosure_working_days
    for page in entries(ctx):
        written = page.meta.disclosure.written if page.meta.disclosure else None
        if written is not None and page.date is not None and late(page, ctx.settings):
            message = (_("published {date:%Y-%m-%d}, more than {limit} working days after its 成文日期 {written:%Y-%m-%d}: "
                         "proactive disclosure is due within {limit} working days; fix: publish documents sooner, and check "
                         "that both dates are right").format(date=page.date, limit=limit, written=written))
            yield _finding(ctx, DISCLOSURE_LATE, page, message, page.lines.get("disclosure.written"))


def unnamed_interpretations(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every 政策解读 that does not name the policy it explains."""
    for sp in ctx.site_plans():
        for page in sp.pages:
            column = sp.site.columns.get(page.column or "")
            if page.meta.interprets or column is None or column.type in (ColumnType.policy, ColumnType.disclosure):
                continue
            if INTERPRETATION in column.title or INTERPRETATION in page.title:
                message = (_("this 政策解读 does not say which policy it explains, so neither links to the other; fix: add a line "
                             "'interprets: ../policy/2026-09-30-x.md' (the policy's file, relative to this one)"))
                yield _finding(ctx, INTERPRETATION_LINK, page, message, page.lines.get("title", 2))


def links_to(ctx: CheckContext, page: Page, other: Page) -> bool:
    """Return True if the built page links to the other page."""
    site = ctx.cluster.sites[page.site]
    body = output_path(ctx.out, site, page.path).read_text(encoding="utf-8", errors="replace").partition("<body")[2]
    here, wanted = ctx.url(site, page.path), (other.site, other.path)
    return any((t[0].id, t[1]) == wanted for ref in HREF_RX.findall(body) if (t := resolve(ctx.cluster, here, html.unescape(ref))))


def one_way_links(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every built policy or 解读 of the checked sites that does not link to the other."""
    for source, policy in sorted(ctx.planned.disclosure.interpreted.items()):
        interpretation = ctx.plan.pages[source]
        for page, other, name in ((policy, interpretation, "its 政策解读"), (interpretation, policy, "the policy it explains")):
            if page.site in ctx.sites and not links_to(ctx, page, other):
                message = (_("the page does not link to {name}, '{other_title}' ({other_source}): a policy and its 解读 must link "
                             "to each other; fix: if this site has its own article.html template, put back the part that shows "
                             "the policy and its interpretations").format(name=name, other_title=other.title,
                                     other_source=other.source.as_posix()))
                yield _finding(ctx, INTERPRETATION_LINK, page, message, None)


def interpretation_link(ctx: CheckContext) -> Iterator[Finding]:
    """Yield the 政策解读 without a policy, then the links missing between a policy and its 解读."""
    yield from unnamed_interpretations(ctx)
    yield from one_way_links(ctx)


def _finding(ctx: CheckContext, rule: str, page: Page, message: str, line: int | None) -> Finding:
    """Return a finding of this module's rules (every one an error) on a page."""
    return Finding(rule, Severity.error, page.site, message, page.source.as_posix(), line, ctx.url(ctx.cluster.sites[page.site], page.path))


RULES = (
    Rule(INTERPRETATION_LINK, Severity.error, interpretation_link,
         "a 政策解读 that names no policy, or a policy and its 解读 that do not link to each other"),
    Rule(DISCLOSURE_METADATA, Severity.error, disclosure_metadata,
         "a 政府信息公开 entry without 成文日期 or 关键词 (or, for 依申请公开, without 内容概述)"),
    Rule(DISCLOSURE_LATE, Severity.error, disclosure_late,
         "a 政府信息公开 entry published more than check.disclosure_working_days working days after its 成文日期"),
)
