"""The build: a short orchestrator of named stages. Everything is gathered before anything is written."""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from sitegen.assemble.plan import Plan, assemble
from sitegen.config.loader import load_config
from sitegen.config.model import Cluster
from sitegen.content.cache import Caches
from sitegen.content.load import load_content
from sitegen.content.markdown import Links, convert_all
from sitegen.content.profile import Profile, Window, within
from sitegen.disclosure.checks import prepare as prepare_disclosure
from sitegen.errors import AssembleError, ConfigError, Problem, did_you_mean
from sitegen.incremental import inputs
from sitegen.incremental.fingerprint import Digester
from sitegen.incremental.manifest import Manifest
from sitegen.job import Job
from sitegen.outputs.registry import site_jobs
from sitegen.search.indexes import INDEX_DIR, t2s_job, write_indexes
from sitegen.search.indexes import jobs as index_jobs
from sitegen.workers import default_workers
from sitegen.write import publisher as publish
from sitegen.write.produce import fingerprints, produce, stale
from sitegen.write.publisher import WriteStats, check_path

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
    workers: int = field(default_factory=default_workers)


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


def build(options: BuildOptions, progress: Progress | None = None, caches: Caches | None = None) -> BuildResult:
    """Build the cluster: config, load, assemble, convert, render what changed, write, index."""
    with _fewer_collections():
        return _build(options, progress, caches)


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


def _build(options: BuildOptions, progress: Progress | None, caches: Caches | None) -> BuildResult:
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    cluster = load_config(options.root)                            # 1. config
    chosen = chosen_sites(cluster, options.sites)
    publish.claim(options.out)
    manifest = Manifest.read(options.out)
    settings = repr((options.profile.name, options.profile.drafts, chosen, options.search))
    read = inputs.digest(cluster, settings)
    if not options.force and _unchanged(manifest, read, options, chosen):
        return _replay(manifest, started)                          # nothing read changed: nothing to do
    manifest.inputs = ""  # until this build is complete
    caches = caches or Caches(options.root, enabled=not options.force)
    content = load_content(cluster, options.profile, caches.front, options.workers)  # 2. load, profile applied
    plan = assemble(cluster, content, options.profile)             # 3. assemble
    prepare_disclosure(plan)                                       # 3b. 政府信息公开: checks, 索引号, 解读
    _convert(plan, chosen, caches, options.workers, report)        # 4a. Markdown, links checked
    jobs = _jobs(plan, chosen)                                     # 4b. every output, with what it is made from
    prints = fingerprints(plan, jobs, Digester())
    todo = [j for site_jobs in jobs.values() for j in site_jobs]
    if not options.force:
        todo = stale(todo, prints, manifest, options.out)
    made = produce(todo, options.out, options.workers, report)     # 4c. render what changed, staged
    stats = publish.commit(options.out, made.written, made.existed, chosen, set(prints), prune_sites=not options.sites,
                           keep=(INDEX_DIR + "/",))                # 5. write
    _record(manifest, prints, cluster, chosen)
    caches.save()
    plan.index_numbers.save()                                      # only now: the build succeeded
    indexed = _index(plan, options, chosen, manifest) if options.search else ()   # 6. index
    pages = sum(len(plan.sites[s].pages) for s in chosen)
    if plan.index_numbers.notes:  # the build wrote index numbers into content/
        read = inputs.digest(cluster, settings)
    _complete(manifest, read, content.window, len(chosen), pages, plan.warnings)
    return BuildResult(len(chosen), pages, stats, time.perf_counter() - started, plan.warnings,
                       plan.index_numbers.notes, made.made, indexed)


def _unchanged(manifest: Manifest, read: str, options: BuildOptions, chosen: list[str]) -> bool:
    return (manifest.inputs == read and within(tuple(manifest.window), options.profile.now)  # type: ignore[arg-type]
            and all((options.out / site).is_dir() for site in chosen))


def _replay(manifest: Manifest, started: float) -> BuildResult:
    """Report a build that had nothing to do as the last complete one did."""
    s = manifest.summary
    stats = WriteStats(written=0, unchanged=s["outputs"], removed=0)
    return BuildResult(s["sites"], s["pages"], stats, time.perf_counter() - started,
                       [Problem(**w) for w in s["warnings"]])


def _complete(manifest: Manifest, read: str, window: Window, sites: int, pages: int, warnings: list[Problem]) -> None:
    """Record that the output is complete for these inputs, so an unchanged rerun can stop at once."""
    manifest.inputs, manifest.window = read, list(window)
    manifest.summary = {"sites": sites, "pages": pages, "outputs": len(manifest.outputs),
                        "warnings": [{**asdict(w), "path": str(w.path) if w.path is not None else None} for w in warnings]}
    manifest.write()


def chosen_sites(cluster: Cluster, wanted: tuple[str, ...]) -> list[str]:
    """Return the ids of the sites to build (all when none are named); raise ConfigError for unknown ones."""
    unknown = [s for s in wanted if s not in cluster.sites]
    if unknown:
        raise ConfigError([Problem(f"--site {s}: no such site{did_you_mean(s, cluster.sites)}",
                                   hint=f"sites: {', '.join(cluster.sites)}") for s in unknown])
    return list(wanted) if wanted else list(cluster.sites)


def _convert(plan: Plan, chosen: list[str], caches: Caches, cores: int, report: Progress) -> None:
    links = Links.of(plan.cluster, plan.pages, plan.withheld)
    pages = [p for s in chosen for p in plan.sites[s].pages]
    # pages of other sites are converted too: the portal shows their summaries
    pages += [p for s in plan.sites if s not in chosen for p in plan.sites[s].latest[:20]]
    convert_all(pages, links, caches.markdown, cores, lambda i, n: report("convert", i, n))
    if links.problems:
        raise AssembleError(links.problems)
    plan.warnings += links.warnings


def _jobs(plan: Plan, chosen: list[str]) -> dict[str, list[Job]]:
    shared = [t2s_job(plan)]
    jobs = {site_id: site_jobs(plan, plan.sites[site_id], shared) for site_id in chosen}
    for site_jobs_ in jobs.values():
        for job in site_jobs_:
            check_path(job.rel)
    return jobs


def _record(manifest: Manifest, prints: dict[str, str], cluster: Cluster, chosen: list[str]) -> None:
    """Keep the fingerprints of sites not built this time; drop those of sites no longer in the cluster."""
    kept = {rel: fp for rel, fp in manifest.outputs.items()
            if rel.split("/", 1)[0] in cluster.sites and rel.split("/", 1)[0] not in chosen}
    manifest.outputs = {**kept, **prints}
    # now, not at the end: if indexing fails, the manifest must already describe the files just written
    # (with no inputs digest, so the next build cannot skip itself)
    manifest.write()


def _index(plan: Plan, options: BuildOptions, chosen: list[str], manifest: Manifest) -> tuple[str, ...]:
    todo = index_jobs(plan, options.out, chosen, manifest)
    for job in write_indexes(todo, options.out):
        manifest.indexes[job.site.id] = job.fingerprint
        manifest.write()
    return tuple(job.site.id for job in todo)
