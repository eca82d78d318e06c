"""政府信息公开 entry checks: required metadata, dates, repeated 文号, and the policies that interpretations name."""
from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from sitegen.assemble.plan import Plan
from sitegen.config.schema import ColumnType
from sitegen.content.page import Page
from sitegen.errors import Problem
from sitegen.i18n import _


def entry_problems(plan: Plan, page: Page) -> list[Problem]:
    """Return what is wrong with one entry's metadata."""
    meta, taxonomy, problems = page.meta.disclosure, plan.cluster.taxonomy, []
    if meta is None or not meta.topic or not meta.genre:
        return [Problem(_("a 政府信息公开 entry needs 主题分类 and 体裁分类"), page.source, page.lines.get("disclosure", 2),
                        hint=_("add under 'disclosure:' the lines 'topic: 综合政务\\政务公开' and 'genre: 通知' (with your values)"))]
    for key, message in (("topic", taxonomy.check_topic(meta.topic)), ("genre", taxonomy.check_genre(meta.genre))):
        if message:
            problems.append(Problem(message, page.source, page.lines.get(f"disclosure.{key}"),
                                    hint=_("see sitegen/data/topics.yaml and genres.yaml for the valid values")))
    if meta.written and page.date and meta.written.date() > page.date.date():
        problems.append(Problem(_("成文日期 {written:%Y-%m-%d} is after 发布日期 {date:%Y-%m-%d}")
                                .format(written=meta.written, date=page.date),
                                page.source,
                                page.lines.get("disclosure.written"),
                                hint=_("a document is written before it is published: check both dates")))
    if meta.validity != "有效" and meta.validity_changed is None:
        problems.append(Problem(_("有效性 is {validity}: say since when").format(validity=meta.validity), page.source,
                                page.lines.get("disclosure.validity"),
                                hint=_("add 'validity_changed: YYYY-MM-DD' under 'disclosure:'")))
    return problems


def repeated_doc_numbers(entries: list[Page], publishers: dict[Path, str]) -> list[Problem]:
    """Return a problem for every 文号 that one publisher uses twice."""
    seen: dict[tuple[str, str], Page] = {}
    problems = []
    # the newer of two entries is the one that repeats the number
    for page in sorted(entries, key=lambda p: (p.date, p.source)):
        doc_no = page.meta.disclosure.doc_no if page.meta.disclosure else None
        if not doc_no:
            continue
        key = (publishers[page.source], doc_no)
        if key in seen:
            problems.append(Problem(_("文号 {doc_no} of {value} is used twice: here and in {source}").format(doc_no=doc_no, value=key[0],
                    source=seen[key].source), page.source,
                                    page.lines.get("disclosure.doc_no"), hint=_("each document of one publisher has its own 文号")))
        seen.setdefault(key, page)
    return problems


POLICY_TYPES = (ColumnType.policy, ColumnType.disclosure)


def _column_type(plan: Plan, page: Page) -> str:
    column = plan.cluster.sites[page.site].columns.get(page.column or "")
    return column.type.value if column else "page (no column)"


def _is_policy(plan: Plan, page: Page) -> bool:
    column = plan.cluster.sites[page.site].columns.get(page.column or "")
    return column is not None and column.type in POLICY_TYPES


Interpretations = tuple[dict[Path, Page], dict[Path, list[Page]]]  # interpretation -> policy; policy -> interpretations


def link_interpretations(plan: Plan) -> tuple[Interpretations, list[Problem]]:
    """Return which page interprets which policy, both ways, and the `interprets:` links that lead nowhere."""
    interpreted: dict[Path, Page] = {}
    interpretations: dict[Path, list[Page]] = {}
    problems = []
    for page in sorted((p for p in plan.pages.values() if p.meta.interprets), key=lambda p: p.source):
        policy = _policy_of(plan, page)
        if isinstance(policy, Problem):
            problems.append(policy)
            continue
        interpreted[page.source] = policy
        interpretations.setdefault(policy.source, []).append(page)
    return (interpreted, interpretations), problems


def _policy_of(plan: Plan, page: Page) -> Page | Problem:
    """Return the policy a 政策解读 names, or what is wrong with its `interprets:`."""
    named = page.meta.interprets or ""
    rel = Path(posixpath.normpath(posixpath.join(PurePosixPath(page.source).parent.as_posix(), named)))
    policy, line = plan.pages.get(rel), page.lines.get("interprets")
    if policy is page:
        return Problem(_("a page cannot interpret itself"), page.source, line,
                             hint=_("name the policy this page explains, e.g. ../policy/2026-09-30-x.md"))
    if policy is None:
        why = _("is left out of this build") if rel in plan.withheld else _("does not exist")
        return Problem(_("interprets '{named}', which {why}").format(named=named, why=why), page.source, line,
                             hint=_("give the policy's .md file, relative to this file, e.g. ../policy/2026-09-30-x.md"))
    if not _is_policy(plan, policy):
        return Problem(_("interprets '{named}', which is not a policy document (it is in a column of type {column_type})")
                       .format(named=named,
                column_type=_column_type(plan, policy)), page.source, line,
                             hint=_("a 政策解读 names a document of a policy or 政府信息公开 column"))
    return policy
