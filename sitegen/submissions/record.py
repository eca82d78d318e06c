"""Recording a decision: one entry appended to the target site's _submissions.yaml, its comments and history kept."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from sitegen.config.model import Cluster
from sitegen.content.load import Content
from sitegen.content.page import Page
from sitegen.errors import Problem, Problems, did_you_mean
from sitegen.i18n import _
from sitegen.sources.encoding import read_text
from sitegen.sources.yamlio import parse
from sitegen.submissions.decisions import FILE_NAME, decisions_file, read_decisions
from sitegen.submissions.routing import source_of

HEADER = ("# 信息报送: decisions of this site's editors on the items other sites submitted to its columns.\n"
          "# The last entry for an item and a column counts. Written by sitegen submissions adopt|decline;\n"
          "# entries written by hand take the same form.\n")


@dataclass(frozen=True)
class Recorded:
    """A decision written to a target site's file."""

    page: Page
    file: Path
    column: str
    published: bool  # False: the item is not published now, so the decision shows once it is


def record(cluster: Cluster, content: Content, given: str, site_id: str, column_id: str | None, decision: str, by: str,
           at: date, note: str = "") -> Recorded:
    """Append a decision on a submitted item, or raise Problems saying what is wrong and changing nothing."""
    site = cluster.sites.get(site_id)
    if site is None:
        raise Problems(Problem(_("--site {site_id}: no such site{suggestion}").format(site_id=site_id,
                suggestion=did_you_mean(site_id, cluster.sites)),
                               hint=_("sites: {items}").format(items=', '.join(cluster.sites))))
    source = source_of(cluster, given)
    pages = {p.source: p for p in content.pages + content.held}
    page = pages.get(source)
    if page is None:
        raise Problems(Problem(_("{source} is not a page of the cluster").format(source=source.as_posix()),
                               hint=_("give the item's file from content/, e.g. finance/news/2026-11-15-x.md; sitegen submissions lists "
                                                                                           "them")))
    column = _column(page, site_id, column_id, site.name)
    if not by.strip():
        raise Problems(Problem(_("--by is empty: every decision names the editor who made it"), hint=_("--by 姓名")))
    path = cluster.content_dir / site_id / FILE_NAME
    entry = _entry(page.source.relative_to("content").as_posix(), column, decision, by.strip(), at, note.strip())
    _append(cluster, site_id, path, entry)
    return Recorded(page, path, column, any(p is page for p in content.pages))


def _column(page: Page, site_id: str, column_id: str | None, site_name: str) -> str:
    """Return the column of the target site the item was submitted to, or raise Problems."""
    sent = [t.split("/")[1] for t in page.meta.submit_to if t.split("/")[0] == site_id]
    if not sent:
        raise Problems(Problem(_("{page_source} was not submitted to {site_name} (its submit_to: {value})")
                               .format(page_source=page.source.as_posix(),
                site_name=site_name, value=', '.join(page.meta.submit_to) or 'none'),
                               hint=_("only the unit can submit an item, by adding 'submit_to: [site/column]' to its page")))
    if column_id is None:
        if len(sent) > 1:
            raise Problems(Problem(_("{page_source} was submitted to several columns of {site_name}: {items}")
                                   .format(page_source=page.source.as_posix(),
                    site_name=site_name, items=', '.join(sent)), hint=_("say which with --column")))
        return sent[0]
    if column_id not in sent:
        raise Problems(Problem(_("{page_source} was not submitted to column '{column_id}' of {site_name}, only to: {items}")
                               .format(page_source=page.source.as_posix(),
                column_id=column_id, site_name=site_name, items=', '.join(sent)), hint=_("--column {value}").format(value=sent[0])))
    return column_id


def _scalar(value: str) -> str:
    """Return `value` as a YAML scalar: as it is where YAML reads it back unchanged, else double-quoted."""
    try:
        plain = yaml.safe_load(value) == value and "\n" not in value and value.strip() == value
    except yaml.YAMLError:
        plain = False
    return value if plain and value else json.dumps(value, ensure_ascii=False)


def _entry(source: str, column: str, decision: str, by: str, at: date, note: str) -> str:
    lines = [f"- source: {_scalar(source)}", f"  column: {_scalar(column)}", f"  decision: {decision}",
             f"  by: {_scalar(by)}", f"  at: {at.isoformat()}"]
    lines += [f"  note: {_scalar(note)}"] if note else []
    return "\n".join(lines) + "\n"


def _append(cluster: Cluster, site_id: str, path: Path, entry: str) -> None:
    """Append the entry, or raise Problems if the file cannot take one; the file is replaced whole or not at all."""
    read_decisions(cluster, site_id)  # refuses a broken file (or a link out of the site's folder) before writing
    shown = decisions_file(site_id)
    text = read_text(path, shown) if path.is_file() else HEADER
    node = parse(text, shown)[1]
    if isinstance(node, yaml.SequenceNode) and node.flow_style:
        raise Problems(Problem(_("the decisions are written as one [...] list, which sitegen cannot add to"), shown, 1,
                               hint=_("write each decision as a block starting with '- source: ...' on its own line")))
    text = (text if text.endswith("\n") or not text else text + "\n") + "\n" + entry
    staged = path.with_name(f".{FILE_NAME}.new")
    staged.write_text(text, encoding="utf-8")
    try:
        parse(read_text(staged, shown), shown)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
