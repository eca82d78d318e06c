"""政府信息公开 at assembly: check entries, give 索引号, link policies and interpretations."""
from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from sitegen.assemble.plan import Plan, newest_first
from sitegen.content.page import Page
from sitegen.disclosure.index_numbers import assign
from sitegen.errors import AssembleError, Problem

APPLICATION_ONLY = "依申请公开"


def entries(plan: Plan) -> dict[str, list[Page]]:
    """Return each site's disclosure entries (drafts excluded), newest first."""
    if plan.entries is None:
        plan.entries = _entries(plan)
    return plan.entries


def _entries(plan: Plan) -> dict[str, list[Page]]:
    out: dict[str, list[Page]] = {}
    for site_id, sp in plan.sites.items():
        column = plan.cluster.disclosure_column(sp.site)
        pages = sp.columns.get(column.id, []) if column else []
        out[site_id] = sorted((p for p in pages if not p.meta.draft), key=newest_first)
    return out


def prepare(plan: Plan) -> None:
    """Check every entry, give index numbers, resolve 政策解读 links; raise AssembleError with every problem."""
    by_site = entries(plan)
    problems = [p for pages in by_site.values() for page in pages for p in _check_entry(plan, page)]
    problems += _repeated_doc_numbers(plan, by_site)
    problems += _link_interpretations(plan)
    if problems:
        raise AssembleError(problems)
    plan.index_numbers = assign(plan.cluster, by_site)
    for pages in by_site.values():
        for page in pages:
            _complete(plan, page)


def _check_entry(plan: Plan, page: Page) -> list[Problem]:
    meta, taxonomy, problems = page.meta.disclosure, plan.cluster.taxonomy, []
    if meta is None or not meta.topic or not meta.genre:
        return [Problem("a 政府信息公开 entry needs 主题分类 and 体裁分类", page.source, page.lines.get("disclosure", 2),
                        hint="add under 'disclosure:' the lines 'topic: 综合政务\\政务公开' and 'genre: 通知' (with your values)")]
    for key, message in (("topic", taxonomy.check_topic(meta.topic)), ("genre", taxonomy.check_genre(meta.genre))):
        if message:
            problems.append(Problem(message, page.source, page.lines.get(f"disclosure.{key}"),
                                    hint="see sitegen/data/topics.yaml and genres.yaml for the valid values"))
    if meta.written and page.date and meta.written.date() > page.date.date():
        problems.append(Problem(f"成文日期 {meta.written:%Y-%m-%d} is after 发布日期 {page.date:%Y-%m-%d}", page.source,
                                page.lines.get("disclosure.written"), hint="a document is written before it is published: check both dates"))
    if meta.validity != "有效" and meta.validity_changed is None:
        problems.append(Problem(f"有效性 is {meta.validity}: say since when", page.source, page.lines.get("disclosure.validity"),
                                hint="add 'validity_changed: YYYY-MM-DD' under 'disclosure:'"))
    return problems


def publisher(plan: Plan, page: Page) -> str:
    """Return the entry's 发布机构 (default: its site's name)."""
    meta = page.meta.disclosure
    return (meta.publisher if meta and meta.publisher else None) or plan.cluster.sites[page.site].name


def _repeated_doc_numbers(plan: Plan, by_site: dict[str, list[Page]]) -> list[Problem]:
    seen: dict[tuple[str, str], Page] = {}
    problems = []
    # the newer of two entries is the one that repeats the number
    for page in sorted((p for pages in by_site.values() for p in pages), key=lambda p: (p.date, p.source)):
        doc_no = page.meta.disclosure.doc_no if page.meta.disclosure else None
        if not doc_no:
            continue
        key = (publisher(plan, page), doc_no)
        if key in seen:
            problems.append(Problem(f"文号 {doc_no} of {key[0]} is used twice: here and in {seen[key].source}", page.source,
                                    page.lines.get("disclosure.doc_no"), hint="each document of one publisher has its own 文号"))
        seen.setdefault(key, page)
    return problems


def _link_interpretations(plan: Plan) -> list[Problem]:
    problems = []
    for page in sorted(plan.pages.values(), key=lambda p: p.source):
        if not page.meta.interprets:
            continue
        rel = Path(posixpath.normpath(posixpath.join(PurePosixPath(page.source).parent.as_posix(), page.meta.interprets)))
        policy = plan.pages.get(rel)
        if policy is None or policy is page:
            why = "is left out of this build" if rel in plan.withheld else "does not exist"
            problems.append(Problem(f"interprets '{page.meta.interprets}', which {why}", page.source, page.lines.get("interprets"),
                                    hint="give the policy's .md file, relative to this file, e.g. ../policy/2026-09-30-x.md"))
            continue
        plan.interpreted[page.source] = policy
        plan.interpretations.setdefault(policy.source, []).append(page)
    return problems


def _complete(plan: Plan, page: Page) -> None:
    """Fill in the generated number and default publisher; withhold bodies of 依申请公开 entries."""
    meta = page.meta.disclosure
    assert meta is not None  # checked above
    update = {"index_no": plan.index_numbers.numbers.get(page.source), "publisher": publisher(plan, page)}
    page.meta = page.meta.model_copy(update={"disclosure": meta.model_copy(update=update)})
    if meta.mode == APPLICATION_ONLY:
        # metadata only: the text is given on application, never published
        page.body = ""
        page.attachments = []
