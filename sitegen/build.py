"""The build: a short orchestrator of named stages. Everything is gathered before anything is written."""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import i18n, workers
from sitegen.config.loader import load_config
from sitegen.config.model import Cluster
from sitegen.config.staging import for_staging
from sitegen.content.cache import CACHE_DIR, Caches
from sitegen.content.load import SourceText
from sitegen.content.markdown import Links, convert_all
from sitegen.content.profile import Profile
from sitegen.content.spill import Spill
from sitegen.errors import AssembleError, BuildError, ConfigError, Problem, SitegenError, did_you_mean
from sitegen.i18n import _, n_
from sitegen.incremental import inputs
from sitegen.incremental.fingerprint import Digester
from sitegen.incremental.ledger import Ledger, Replayed
from sitegen.incremental.reuse import LastBuild, text_edits
from sitegen.job import Job
from sitegen.outputs.registry import site_jobs
from sitegen.outputs.search_page import INDEX_DIR, t2s_job
from sitegen.plan import ClusterPlan, plan_cluster
from sitegen.search.indexes import jobs as index_jobs
from sitegen.search.indexes import write_cluster_counts, write_indexes
from sitegen.workers import default_workers
from sitegen.write import folder
from sitegen.write.produce import produce
from sitegen.write.publisher import Publisher, WriteStats, check_path

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    root: Path
    out: Path
    profile: Profile
    sites: tuple[str, ...] = ()  # empty: every site
    force: bool = False  # make every output again, whatever the manifest says
    search: bool = True  # write the search indexes (stage 6)
    base_url: str | None = None  # a staging host: the whole cluster built to be served from it (config.staging)
    preview: bool = False  # built by `sitegen serve`: the folder says so, and deploy refuses it
    texts: bool = False  # every page holds its text, read or kept: the caller reads them all (sitegen check)
    workers: int = field(default_factory=default_workers)

    @property
    def kind(self) -> folder.Kind:
        """Return the kind of build these options make, as the output folder records it."""
        return folder.Kind(self.profile.name, self.profile.drafts, self.base_url, self.preview)


@dataclass
class BuildResult:
    """What a build did, for the summary line."""

    sites: int
    pages: int
    stats: WriteStats
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. index numbers assigned
    made: int = 0  # outputs rendered (the others were unchanged since the last build)
    indexed: tuple[str, ...] = ()  # sites whose search index was written
    planned: ClusterPlan | None = None  # the cluster as this build planned it (None: nothing changed, none was made)

    def summary(self) -> str:
        """Return the one line that says what the build did."""
        s = self.stats
        made = _(" ({made} rendered, the rest unchanged since the last build)").format(made=self.made) \
            if 0 < self.made < s.written + s.unchanged else ""
        indexed = n_("; search index of {count} site written", "; search index of {count} sites written",
                     len(self.indexed)).format(count=len(self.indexed)) if self.indexed else ""
        warned = n_(", {count} warning", ", {count} warnings", len(self.warnings)).format(count=len(self.warnings)) \
            if self.warnings else _(", no warnings")
        return _("Built {sites} sites, {pages} pages: {written} files written, {unchanged} unchanged{made}, {removed} removed"
                 "{indexed}{warned} in {seconds:.2f} s.").format(sites=self.sites, pages=self.pages, written=s.written,
                                                                  unchanged=s.unchanged, made=made, removed=s.removed,
                                                                  indexed=indexed, warned=warned, seconds=self.seconds)


def build(options: BuildOptions, progress: Progress | None = None, caches: Caches | None = None,
          cluster: Cluster | None = None, touched: Collection[Path] | None = None) -> BuildResult:
    """Build the cluster (read from options.root unless given): config, load, assemble, render what changed, write, index.
    `touched`: the files written since the last build with these caches, when a watcher saw every one (`sitegen serve`)."""
    with _fewer_collections():
        try:
            return _build(options, progress or (lambda stage, done, total: None), caches, cluster, touched)
        except OSError as exc:  # a full disk, a folder that may not be written: the system's words, and the file
            raise BuildError(Problem(_("cannot read or write a file: {value}").format(value=exc.strerror or exc), exc.filename,
                                     hint=_("check that the disk has room and that sitegen may write to the output folder; run the build "
                                            "again "
                                            "once it does"))) from None


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while building."""
    # the cluster's pages are long-lived: scanning them again and again cost a third of a rebuild on 15,000 pages
    before = gc.get_threshold()
    gc.set_threshold(50_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build(options: BuildOptions, report: Progress, caches: Caches | None, cluster: Cluster | None,
           touched: Collection[Path] | None) -> BuildResult:
    cluster, chosen = _configured(options, cluster)                          # 1. config
    publisher = Publisher(options.out)
    publisher.claim()
    with folder.locked(options.out):
        state = folder.read_state(options.out)
        folder.check_kind(options.out, state, options.kind)
        if state is not None and not state.complete:
            publisher.remove_leftovers()                                     # a stopped build's staged files
        with _spill(options, caches) as spill:
            return _stages(options, cluster, chosen, publisher, state, report, caches, touched, spill)


@contextmanager
def _spill(options: BuildOptions, caches: Caches | None) -> Iterator[Spill | None]:
    """Give the spill that holds the converted HTML while rendering, unless every page keeps its HTML in memory:
    `sitegen serve` keeps its plan for the next build, `sitegen check` reads every page."""
    if options.texts or (caches is not None and caches.keep):
        yield None
        return
    with Spill(options.root / CACHE_DIR) as spill:
        yield spill


def _configured(options: BuildOptions, cluster: Cluster | None = None) -> tuple[Cluster, list[str]]:
    """Return the cluster to build (sites.yaml read unless given; on the staging host if asked) and the sites chosen."""
    cluster = cluster or load_config(options.root)
    if options.base_url:
        cluster = for_staging(cluster, options.base_url)
    return cluster, chosen_sites(cluster, options.sites)


def _stages(options: BuildOptions, cluster: Cluster, chosen: list[str], publisher: Publisher,
            state: folder.FolderState | None, report: Progress, caches: Caches | None,
            touched: Collection[Path] | None, spill: Spill | None) -> BuildResult:
    started = time.perf_counter()
    caches = caches or Caches(options.root, enabled=not options.force)
    kept = caches.keep  # by `sitegen serve`: the plan, for its next build
    last, caches.last = caches.last, None  # kept again only if this build succeeds
    settings = _settings(options, chosen)
    since = (last.read, [str(path) for path in touched]) if last is not None and touched is not None else None
    ledger = Ledger.open(cluster, options.out, settings, _settings(options, chosen, pages_only=True),
                         caches.sources, since, kept)  # 1. what the build reads, each source read only if it changed
    finished = state is not None and state.complete  # only a finished build may be replayed
    # `sitegen serve` plans once at its start, so that its first rebuild can start from it
    replayed = ledger.replay(options.profile.now, options.out, chosen) \
        if finished and not options.force and (not kept or last is not None) else None
    if replayed is not None:
        caches.sources.save()
        caches.last = last
        return _replayed(replayed, started)                                  # nothing read changed: nothing to do
    planned, changed, reused = _plan(options, cluster, ledger, caches, last, settings, finished)  # 2-3. load, assemble, 政府信息公开
    everything = chosen
    if changed is not None:
        affected = _affected(planned, changed, reused, ledger, options.out)
        chosen = [s for s in chosen if s in affected]
    warnings = _convert(planned, chosen, caches, options.workers, report, spill)  # 4. render: Markdown, links checked
    if spill is not None:  # `sitegen serve` compares the texts with the next build's, `sitegen check` reads them
        _let_go_texts(planned, caches, spill)
    if chosen != everything:  # the other sites' warnings stand as the last build found them
        warnings = _with_earlier(warnings, ledger.manifest.summary.get("warnings", []), cluster, chosen)
    todo, prints, digester = _stale(planned, _jobs(planned, chosen), options, ledger, reused, kept)  # 4. every output
    moment = _moment(options, state)
    folder.mark(options.out, options.kind, False, moment)  # before the first write
    made = produce(todo, publisher, options.workers, report)                 # 4. make what changed, staged
    stats = publisher.commit(made.written, made.existed, chosen, set(prints),  # 5. write
                             prune_sites=not options.sites and chosen == everything, keep=(INDEX_DIR + "/",))
    ledger.record(prints, chosen, indexing=options.search)
    # a build that converted only some sites forgets the others' entries: reading them all again on every edit
    # from the command line cost more than converting them again once; `serve` keeps them in memory
    caches.save(prune=reused is None)
    notes = planned.disclosure.commit() if reused is None else []           # 索引号 recorded only now
    chosen = everything  # what the folder now holds for these inputs; an index a --no-search build left behind is caught up
    indexed = _index(planned, options, chosen, ledger, report) if options.search else ()  # 6. index
    pages = sum(len(planned.plan.sites[s].pages) for s in chosen)
    ledger.complete(planned.content.window, len(chosen), pages, warnings, sources_written=bool(notes))
    folder.mark(options.out, options.kind, True, moment)
    caches.last = LastBuild(planned, ledger.read, settings, digester) if digester is not None else None
    return BuildResult(len(chosen), pages, stats, time.perf_counter() - started, warnings, notes, made.made, indexed, planned)


def read_as_last(options: BuildOptions, caches: Caches) -> bool:
    """Return whether every file the last build with these caches read (`sitegen serve`'s) is as it read it, all
    digested again: that build may have looked only at the files a watcher saw written."""
    last = caches.last
    try:
        cluster, chosen = _configured(options)
        read = inputs.digest(cluster, _settings(options, chosen), _settings(options, chosen, pages_only=True), caches.sources)
    except (SitegenError, OSError):  # the build says what is wrong
        return False
    return last is not None and read.total == last.read.total


def _plan(options: BuildOptions, cluster: Cluster, ledger: Ledger, caches: Caches, last: LastBuild | None, settings: str,
          finished: bool) -> tuple[ClusterPlan, set[str] | None, LastBuild | None]:
    """Return the cluster's plan, the sites whose content changed when only some did (else None), and the last build
    of this process when its plan was reused (only pages' text changed since)."""
    edited = text_edits(last, ledger.read, settings, options.profile.now) if finished and not options.force else None
    if edited is not None and last is not None:
        return last.planned, {page.site for page in edited}, last
    # only some sites' content changed since a complete build: the others' outputs cannot have changed
    changed = ledger.changed_sites(options.profile.now, options.out) if finished and not options.force and not options.sites else None
    return plan_cluster(cluster, options.profile, caches, options.workers, ledger.read.files, options.texts), changed, None


def _affected(planned: ClusterPlan, changed: set[str], reused: LastBuild | None, ledger: Ledger, out: Path) -> set[str]:
    """Return the sites whose outputs can have changed when only the content of the `changed` sites did."""
    if reused is None:
        return (affected := affected_sites(planned, changed)) | ledger.incomplete_sites(out, affected)
    # this process made the folder whole a moment ago, and only pages' text changed since: of the other sites, those
    # whose outputs it digested can change only if they showed an edited page (or its catalogue row); the others
    # (not made since this plan was) are judged as any edit's
    showed = {s: reused.digester.showed_edits(s) for s in planned.plan.sites}
    unknown = [s for s, shown in showed.items() if shown is None]
    return {s for s, shown in showed.items() if shown or s in changed} | affected_sites(planned, changed, among=unknown)


def _moment(options: BuildOptions, state: folder.FolderState | None) -> float:
    """Return the latest moment the folder's pages were published for: a --site build keeps the others' pages."""
    now = options.profile.now.timestamp()
    earlier = state.now if state is not None and options.sites else None
    return max(now, earlier) if earlier is not None else now


def _settings(options: BuildOptions, chosen: list[str], pages_only: bool = False) -> str:
    """Return the options that change what a build writes (with `pages_only`: the pages, not the search indexes),
    and the language of its messages: the warnings it records are said again by a build that makes fewer sites."""
    return repr((options.profile.name, options.profile.drafts, chosen, options.base_url, i18n.language(),
                 *([] if pages_only else [options.search])))


def _replayed(last: Replayed, started: float) -> BuildResult:
    """Report a build that had nothing to do as the last complete one did."""
    stats = WriteStats(written=0, unchanged=last.outputs, removed=0)
    return BuildResult(last.sites, last.pages, stats, time.perf_counter() - started, last.warnings)


def chosen_sites(cluster: Cluster, wanted: tuple[str, ...]) -> list[str]:
    """Return the ids of the sites to build (all when none are named); raise ConfigError for unknown ones."""
    unknown = [s for s in wanted if s not in cluster.sites]
    if unknown:
        raise ConfigError([Problem(_("--site {s}: no such site{suggestion}").format(s=s, suggestion=did_you_mean(s, cluster.sites)),
                                   hint=_("sites: {items}").format(items=', '.join(cluster.sites))) for s in unknown])
    return list(wanted) if wanted else list(cluster.sites)


def affected_sites(planned: ClusterPlan, changed: set[str], among: list[str] | None = None) -> set[str]:
    """Return the sites (of `among`, default all) whose outputs can change when only the content of the `changed`
    sites did: those, the portal (it shows every site), the sites whose columns adopted their items, the sites of a
    政策解读 and its policy when either changed, and the sites with a page that may link into them (its text names one
    of their folders, or a link is percent-encoded)."""
    plan = planned.plan
    affected = changed | {plan.cluster.portal.id}
    for target, columns in plan.routing.adopted.items():
        if any(p.site in changed for pages in columns.values() for p in pages):
            affected.add(target)
    for interpretation, policy in planned.disclosure.interpreted.items():
        sites = {plan.pages[interpretation].site, policy.site}
        if sites & changed:
            affected |= sites
    for site_id in plan.sites if among is None else among:
        if site_id in affected:
            continue
        site_plan = plan.sites[site_id]
        pages = [*site_plan.pages, *(p for sp in site_plan.specials.values() for p in sp.pages)]
        # from what loading found of each text (the texts of pages loaded from the cache are not read)
        if any(page.text_facts().may_name(changed) for page in pages):
            affected.add(site_id)
    return affected if among is None else affected & set(among)


def _with_earlier(warnings: list[Problem], earlier: list[dict[str, Any]], cluster: Cluster, chosen: list[str]) -> list[Problem]:
    """Return this build's warnings and the last build's about the sites it did not make again, each once."""
    content = cluster.content_dir.relative_to(cluster.root).as_posix() + "/"
    def site_of(path: str | None) -> str | None:
        return path[len(content):].split("/", 1)[0] if path and path.startswith(content) else None
    kept = [Problem(**w) for w in earlier if site_of(w.get("path")) not in chosen]
    seen: set[tuple[str, str | None, int | None]] = set()
    out = []
    for w in warnings + kept:
        key = (w.message, str(w.path) if w.path is not None else None, w.line)
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def _convert(planned: ClusterPlan, chosen: list[str], caches: Caches, cores: int, report: Progress,
             spill: Spill | None) -> list[Problem]:
    """Convert the Markdown of the chosen sites (and what the portal shows of the others); return the warnings."""
    plan = planned.plan
    links = Links.of(plan.cluster, plan.pages, plan.withheld)
    pages = [p for s in chosen for p in plan.sites[s].pages]
    pages += [p for s in chosen for special in plan.sites[s].specials.values() for p in special.pages]  # introductions
    # pages of other sites are converted too: the portal shows their summaries, a feed those of the items it adopted
    pages += [p for s in plan.sites if s not in chosen for p in plan.sites[s].latest[:20]]
    if plan.cluster.portal.id in chosen:  # its 政府信息公开 catalogue lists every site's entries with their summaries
        pages += [p for s in plan.sites if s not in chosen for p in planned.disclosure.entries.get(s, []) if not p.meta.summary]
    pages += [p for s in chosen for column in plan.routing.adopted.get(s, {}).values() for p in column]
    pages = list({id(p): p for p in pages}.values())  # each once: an adopted item may be among the others already
    converted = convert_all(pages, links, caches.markdown, cores, lambda i, n: report("convert", i, n), spill)
    if converted.problems:
        raise AssembleError(converted.problems)
    converted.attach(pages)
    return plan.warnings + converted.warnings


def _let_go_texts(planned: ClusterPlan, caches: Caches, spill: Spill) -> None:
    """Stop holding the pages' Markdown texts, converted now (pages loaded from the cache never held theirs): a template
    that shows one has it read again from its source, as their HTML from the spill. The caches of front matter and of
    HTML are written and let go now; then the memory freed since the build began goes back to the system (100,000
    pages: the main process 1.81 -> 1.26 GB while rendering for the texts)."""
    for shelf in (caches.front, caches.markdown):
        if shelf is not None:
            shelf.settle()
    cluster = planned.cluster
    reread = SourceText(cluster.root, str(cluster.tz))
    for page in [*planned.content.pages, *planned.content.held]:  # (the few introductions of 专题 are kept)
        page.let_go(reread)
    spill.flush()  # before the render processes are forked
    workers.give_back()


def _jobs(planned: ClusterPlan, chosen: list[str]) -> dict[str, list[Job]]:
    shared = [t2s_job()]
    jobs = {site_id: site_jobs(planned.plan, planned.disclosure, planned.plan.sites[site_id], shared) for site_id in chosen}
    for site_jobs_ in jobs.values():
        for job in site_jobs_:
            check_path(job.rel)
    return jobs


def _stale(planned: ClusterPlan, jobs: dict[str, list[Job]], options: BuildOptions, ledger: Ledger, reused: LastBuild | None,
           kept: bool) -> tuple[list[Job], dict[str, str], Digester | None]:
    """Return the jobs to make, every output's fingerprint, and the digester if it serves the next build: rendering
    holds only the stale jobs, and what the digester remembers only for that (100,000 pages, cold: 48 MB less)."""
    digester = reused.digester if reused is not None else Digester(kept=kept)
    todo, prints = ledger.stale(planned.plan, jobs, options.out, options.force, digester, options.workers)
    return todo, prints, digester if kept else None


def _index(planned: ClusterPlan, options: BuildOptions, chosen: list[str], ledger: Ledger, report: Progress) -> tuple[str, ...]:
    todo = index_jobs(planned.plan, options.out, chosen, ledger.manifest, options.force)
    for job in write_indexes(todo, options.out, options.workers, lambda done, total: report("index", done, total)):
        ledger.indexed(job.site.id, job.fingerprint)
    if todo:
        write_cluster_counts(options.out, planned.plan.cluster.portal.id, list(planned.plan.cluster.sites))
    return tuple(job.site.id for job in todo)
