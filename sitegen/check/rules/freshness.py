"""Freshness: the home page and every column that should be updated was updated in time (检查指标 2019, single vetoes).

What a home page "shows" is what `outputs.pages.home` puts on it: the first items of every navigation column, and on
the portal also the newest items of the departments and the townships (部门动态, 乡镇动态). Inspectors judge the page
as readers see it, so those count for the portal's home page; the portal's own columns are still judged one by one
by `column-stale`. Only dated items count: an item without a visible date counts as not updated.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sitegen.assemble.plan import SitePlan
from sitegen.check.context import CheckContext
from sitegen.check.findings import EMPTY_COLUMN, LONG_STALE_COLUMN, STALE_COLUMN, Finding, Severity
from sitegen.check.rules import Rule
from sitegen.config.model import Column
from sitegen.config.schema import CheckSpec, ColumnType
from sitegen.content.page import Page
from sitegen.i18n import N_, _
from sitegen.outputs.pages import HOME_ITEMS

HOMEPAGE_STALE = "homepage-stale"
COLUMN_STALE = "column-stale"
COLUMN_EMPTY = "column-empty"

# the check: setting giving each column type's limit; disclosure (政府信息公开) is judged as policy (政策文件) columns are.
# general columns have no limit unless they set update_within.
TYPE_LIMITS = {ColumnType.news: "news_days", ColumnType.notice: "notice_days", ColumnType.policy: "policy_days",
               ColumnType.disclosure: "policy_days", ColumnType.special: "special_days"}
TYPE_NAMES = {ColumnType.news: N_("a news (动态) column"), ColumnType.notice: N_("a notice (通知公告) column"),
              ColumnType.policy: N_("a policy (政策文件) column"), ColumnType.disclosure: N_("the 政府信息公开 column"),
              ColumnType.general: N_("a column"), ColumnType.special: N_("a special topic (专题) column")}
ARCHIVE_HINT = N_("only if it is a historical special topic (历史性工作专题) that no longer changes, ask a cluster admin to "
                "mark it 'archived: true' in sites.yaml")


def home_items(ctx: CheckContext, sp: SitePlan) -> list[Page]:
    """Return the items a site's home page shows."""
    # the same choice as outputs.pages.home: listing order, so pinned items first
    shown = [p for c in sp.site.columns.values() if c.in_nav for p in sp.listings[c.id][:HOME_ITEMS]]
    if sp.site.kind == "portal":
        shown += ctx.plan.aggregate("department") + ctx.plan.aggregate("township")
    return shown


def newest(pages: Iterable[Page]) -> datetime | None:
    """Return the newest publish date of the pages, or None if none shows one."""
    return max((p.date for p in pages if p.date is not None), default=None)


def column_limit(column: Column, settings: CheckSpec) -> tuple[int, str] | None:
    """Return a column's limit in days and the setting it comes from, or None if the update rules exempt it."""
    if column.archived:
        return None
    if column.update_within is not None:
        return column.update_within, f"update_within of column '{column.id}' in sites.yaml"
    key = TYPE_LIMITS.get(column.type)
    return (getattr(settings, key), f"check.{key}") if key else None


def homepage_stale(ctx: CheckContext) -> Iterator[Finding]:
    """Yield a veto for every site whose home page shows nothing newer than check.homepage_days."""
    days = ctx.settings.homepage_days
    for sp in ctx.site_plans():
        latest = newest(home_items(ctx, sp))
        if latest is not None and ctx.now - latest <= timedelta(days=days):
            continue
        shows = (_("shows nothing newer than {latest:%Y-%m-%d} ({days} days ago)").format(latest=latest,
                                                                                          days=(ctx.now - latest).days) if latest
                 else _("shows no dated item at all"))
        message = (_("the home page (首页) {shows}; a home page not updated within {days} days is a single veto (单项否决): the "
                     "site is 不合格; fix: publish a current item in a column shown on the home page").format(shows=shows, days=days))
        yield Finding(HOMEPAGE_STALE, Severity.veto, sp.site.id, message, path=f"content/{sp.site.id}/", url=ctx.url(sp.site))


def column_stale(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every column that should be updated and has nothing newer than its limit."""
    for sp in ctx.site_plans():
        for column in sp.site.columns.values():
            limit = column_limit(column, ctx.settings)
            pages = sp.listings[column.id]  # as readers see it: with the items it adopted
            if limit is None or not pages:  # exempt, or empty (column-empty says so)
                continue
            latest = newest(pages)
            if latest is not None and ctx.now - latest <= timedelta(days=limit[0]):
                continue
            yield _stale(ctx, sp, column, latest, limit)


def _stale(ctx: CheckContext, sp: SitePlan, column: Column, latest: datetime | None, limit: tuple[int, str]) -> Finding:
    long_days = ctx.settings.long_stale_days
    long = latest is None or ctx.now - latest > timedelta(days=long_days)
    since = (_("has nothing newer than {latest:%Y-%m-%d} ({days} days ago)").format(latest=latest, days=(ctx.now - latest).days) if latest
             else _("has no item showing a publish date (an undated item counts as not updated)"))
    marked = (_("; it is long stale (长期未更新, nothing for over {long_days} days), and {long_stale_columns} or more "
                "such columns make the site 不合格").format(long_days=long_days,
                                                         long_stale_columns=ctx.settings.long_stale_columns)) if long else ""
    message = (_("column {column_title} ({column_id}/, {value}) {since}; it must get a new item within {value2} days "
                 "({value3}), and {stale_columns} or more stale columns make the site 不合格{marked}; fix: publish a "
                 "current item in it; {ARCHIVE_HINT}").format(column_title=column.title, column_id=column.id,
                         value=_(TYPE_NAMES[column.type]), since=since, value2=limit[0], value3=limit[1],
                         stale_columns=ctx.settings.stale_columns, marked=marked, ARCHIVE_HINT=_(ARCHIVE_HINT)))
    return Finding(COLUMN_STALE, Severity.error, sp.site.id, message, path=ctx.column_path(sp.site, column),
                   url=ctx.url(sp.site, f"{column.id}/"),
                   counts=(STALE_COLUMN, LONG_STALE_COLUMN) if long else (STALE_COLUMN,))


def column_empty(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every column without a published item (archived columns exempt)."""
    for sp in ctx.site_plans():
        for column in sp.site.columns.values():
            if column.archived or sp.listings[column.id]:
                continue
            message = (_("column {column_title} ({column_id}/) has no published item: an empty column (空白栏目) is faulted, and "
                         "{empty_columns} or more of them make the site 不合格; fix: publish its first item, or ask a cluster "
                         "admin to remove the column from sites.yaml; {ARCHIVE_HINT}").format(column_title=column.title,
                                 column_id=column.id, empty_columns=ctx.settings.empty_columns, ARCHIVE_HINT=_(ARCHIVE_HINT)))
            yield Finding(COLUMN_EMPTY, Severity.error, sp.site.id, message, path=ctx.column_path(sp.site, column),
                          url=ctx.url(sp.site, f"{column.id}/"), counts=(EMPTY_COLUMN,))


RULES = (
    Rule(HOMEPAGE_STALE, Severity.veto, homepage_stale,
         "the home page shows nothing newer than check.homepage_days (首页长期未更新)"),
    Rule(COLUMN_STALE, Severity.error, column_stale,
         "a news, notice, policy, disclosure or current special column (or one with update_within) has nothing newer "
         "than its limit"),
    Rule(COLUMN_EMPTY, Severity.error, column_empty, "a column has no published item (空白栏目)"),
)
