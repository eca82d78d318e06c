"""Where submitted items go: every `submit_to:` checked against the target columns, joined with the decisions.

An adopted item is listed by its target column but lives once, at its origin: the target's listings, feeds and
search link to it there. Only a published item can be adopted: when its unit withdraws it (deletes it, makes it
internal, lets it expire, turns it back into a draft), it leaves the target too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config.model import Cluster
from sitegen.content.load import Content
from sitegen.content.page import Page
from sitegen.errors import ContentError, Problem, Problems, did_you_mean
from sitegen.i18n import _
from sitegen.submissions.decisions import ADOPTED, Decision, load_decisions

PENDING = "pending"


@dataclass(frozen=True)
class Submission:
    """A published item submitted to one column of another site, and the target's decision on it."""

    page: Page
    site: str  # the target site
    column: str  # the target column
    decision: Decision | None  # the last one of the target's editors; None: not decided yet

    @property
    def state(self) -> str:
        """Return 'adopted', 'declined' or 'pending'."""
        return self.decision.decision if self.decision else PENDING


@dataclass
class Routing:
    """Every submission of the published items, and what each target column lists of other sites."""

    submissions: list[Submission] = field(default_factory=list)
    adopted: dict[str, dict[str, list[Page]]] = field(default_factory=dict)  # target site -> column -> items
    warnings: list[Problem] = field(default_factory=list)

    def adopted_in(self, site_id: str, column_id: str) -> list[Page]:
        """Return the other sites' items adopted into a column (unordered)."""
        return self.adopted.get(site_id, {}).get(column_id, [])


def target_problems(cluster: Cluster, page: Page) -> list[Problem]:
    """Return what is wrong with a page's `submit_to:`: an unknown site or column, its own site, a closed column."""
    problems = []
    line = page.lines.get("submit_to", 2)
    if page.meta.submit_to and page.column is None:
        problems.append(Problem(_("only items in a column can be submitted (报送); this page stands alone"), page.source, line,
                                hint=_("move the item into a column folder, or remove 'submit_to'")))
    for target in page.meta.submit_to:
        site_id, column_id = target.split("/")
        site = cluster.sites.get(site_id)
        open_columns = [f"{s.id}/{c.id}" for s in cluster.sites.values() if s.id != page.site
                        for c in s.columns.values() if c.accepts_submissions]
        hint = _("columns that take submissions: {items}").format(items=', '.join(open_columns)) if open_columns else \
            _("no column takes submissions yet: a cluster admin sets 'accepts_submissions: true' on one in "
              "sites.yaml")
        if site is None:
            problems.append(Problem(_("submit_to '{target}': there is no site '{site_id}'{suggestion}").format(target=target,
                    site_id=site_id, suggestion=did_you_mean(site_id, cluster.sites)),
                                    page.source, line, hint=hint))
        elif site_id == page.site:
            problems.append(Problem(_("submit_to '{target}': an item is submitted to another site, not to its own").format(target=target),
                                    page.source, line, hint=_("to show it in another column of this site, move the file there")))
        elif column_id not in site.columns:
            problems.append(Problem(_("submit_to '{target}': {site_name} has no column '{column_id}'{suggestion}").format(target=target,
                    site_name=site.name, column_id=column_id, suggestion=did_you_mean(column_id,
                                                                                      site.columns)), page.source, line, hint=hint))
        elif not site.columns[column_id].accepts_submissions:
            problems.append(Problem(_("submit_to '{target}': the column '{title}' of {site_name} does not take submissions")
                                    .format(target=target,
                    title=site.columns[column_id].title, site_name=site.name), page.source, line, hint=hint))
    return problems


def route(cluster: Cluster, content: Content) -> Routing:
    """Return the cluster's submissions; raise ContentError for a bad `submit_to:`, even on a page not yet published."""
    problems = [p for page in content.pages + content.held for p in target_problems(cluster, page)]
    try:
        decisions = load_decisions(cluster)
    except Problems as exc:
        problems += exc.problems
    if problems:
        raise ContentError(problems)
    last = {(d.source, d.target, d.column): d for d in decisions}  # the file is a log: the last entry counts
    routing = Routing()
    for page in content.pages:
        for target in page.meta.submit_to:
            site_id, column_id = target.split("/")
            decision = last.get((page.source.as_posix(), site_id, column_id))
            routing.submissions.append(Submission(page, site_id, column_id, decision))
            if decision is not None and decision.decision == ADOPTED:
                routing.adopted.setdefault(site_id, {}).setdefault(column_id, []).append(page)
    routing.warnings = _stray(cluster, content, list(last.values()))
    return routing


def _stray(cluster: Cluster, content: Content, decisions: list[Decision]) -> list[Problem]:
    """Return a warning for every decision on a source that does not exist or was not submitted to that column."""
    pages = {p.source.as_posix(): p for p in content.pages + content.held}
    warnings = []
    for d in decisions:
        page = pages.get(d.source)
        if page is None:
            # a path that leads out of content/ is looked up nowhere: the file may not even be asked about
            named = (cluster.root / d.source).resolve()
            there = named.is_relative_to(cluster.content_dir.resolve()) and named.exists()
            gone = _("is not a page sitegen publishes") if there else _("does not exist")
            warnings.append(Problem(_("the decision on {d_source} is ignored: that file {gone} (deleted or renamed?)")
                                    .format(d_source=d.source,
                    gone=gone),
                                    d.file, d.line, hint=_("correct 'source' (it starts with the site's folder, e.g. "
                                                           "finance/news/2026-11-15-x.md), or delete "
                                                           "the entry")))
        elif f"{d.target}/{d.column}" not in page.meta.submit_to:
            sent = ", ".join(page.meta.submit_to) or _("nowhere")
            warnings.append(Problem(_("the decision on {d_source} is ignored: it was not submitted to '{target}/{column}' (submitted to: "
                                      "{sent})").format(d_source=d.source, target=d.target, column=d.column, sent=sent), d.file, d.line,
                                    hint=_("correct 'column', or delete the entry if the unit withdrew the submission")))
    return warnings


def source_of(cluster: Cluster, given: str) -> Path:
    """Return a source as pages name it (content/finance/news/x.md) from what a user typed."""
    text = given.strip().removeprefix("./")
    path = Path(text)
    if path.is_absolute() and path.is_relative_to(cluster.root):
        path = path.relative_to(cluster.root)
    return path if path.parts[:1] == ("content",) else Path("content") / path
