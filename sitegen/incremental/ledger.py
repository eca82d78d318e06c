"""The build ledger: everything a build records so that the next one does only what changed.

In execution order: open (read the manifest, digest everything the build reads), replay (nothing read changed:
report the last build again), stale (fingerprint every output, keep those that changed or are missing), record
(the fingerprints of the files just put in place), indexed (a site's search index), complete (the output is
whole for these inputs).
"""
from __future__ import annotations

import functools
import os
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sitegen import workers
from sitegen.assemble.plan import Plan
from sitegen.config.model import Cluster
from sitegen.content.profile import Window, within
from sitegen.digests import hexdigest
from sitegen.errors import Problem
from sitegen.incremental import inputs
from sitegen.incremental.fingerprint import Digester, file_key, site_key
from sitegen.incremental.manifest import Manifest
from sitegen.job import Job, making_order
from sitegen.sources.known import KnownSources


@dataclass(frozen=True)
class Replayed:
    """What the last complete build reported, for a build that had nothing to do."""

    sites: int
    pages: int
    outputs: int
    warnings: list[Problem]


@dataclass
class Ledger:
    """The manifest of one output folder and the digest of what this build reads."""

    cluster: Cluster
    manifest: Manifest
    settings: str  # the build options that change what is written
    page_settings: str  # those that change the pages
    read: inputs.Digests  # of every file this build reads
    known: KnownSources  # the text sources' digests as the last build read them

    @classmethod
    def open(cls, cluster: Cluster, out_dir: Path, settings: str, page_settings: str, known: KnownSources,
             since: tuple[inputs.Digests, Collection[str]] | None = None, keep: bool = False) -> Ledger:
        """Read the folder's manifest and digest everything the build reads; `page_settings` are the options that
        change the pages (not whether search indexes are written). `since`: the last build's digests, kept (`keep`),
        and the files written since, when a watcher knows them: only those are looked at, if they allow it."""
        read = inputs.again(*since, settings, page_settings, known) if since is not None else None
        read = read or inputs.digest(cluster, settings, page_settings, known, keep)
        return cls(cluster, Manifest.read(out_dir), settings, page_settings, read, known)

    def replay(self, now: datetime, out_dir: Path, chosen: list[str]) -> Replayed | None:
        """Return the last build's report if nothing it read has changed and its sites are in place, else None."""
        m = self.manifest
        if m.inputs != self.read.total or not within((m.window[0], m.window[1]), now) or not all((out_dir / s).is_dir() for s in chosen):
            return None
        s = m.summary
        return Replayed(s["sites"], s["pages"], s["outputs"], [Problem(**w) for w in s["warnings"]])

    def changed_sites(self, now: datetime, out_dir: Path) -> set[str] | None:
        """Return the sites whose content folder changed since the last complete build, when nothing else did (not the
        code, settings, sites.yaml or themes, and no page is due to appear or go at `now`); else None."""
        m = self.manifest
        if (not m.sources or m.sources.get("shared") != self.read.shared or set(m.sources.get("sites", {})) != set(self.read.sites)
                or not within((m.window[0], m.window[1]), now) or not all((out_dir / s).is_dir() for s in self.read.sites)):
            return None
        return {s for s, d in self.read.sites.items() if m.sources["sites"][s] != d}

    def incomplete_sites(self, out_dir: Path, known: set[str]) -> set[str]:
        """Return the sites, other than `known`, of which a file the last build wrote is missing (removed by hand)."""
        sites: set[str] = set()
        folder = f"{out_dir}/"  # joined as strings: half the time of a Path per file (0.12 -> 0.06 s for 18,000 files)
        for rel in self.manifest.outputs:
            site_id = rel.split("/", 1)[0]
            if site_id not in known and site_id not in sites and not os.path.isfile(folder + rel):
                sites.add(site_id)
        return sites

    def stale(self, plan: Plan, jobs: dict[str, list[Job]], out_dir: Path, force: bool,
              digester: Digester, cores: int = 1) -> tuple[list[Job], dict[str, str]]:
        """Return the jobs to make (changed or missing; all with `force`) and every output's fingerprint, digested on
        `cores` processes unless the digester serves the next build."""
        prints = fingerprints(plan, jobs, digester, cores)
        todo = [job for site_jobs in jobs.values() for job in site_jobs]
        if not force:
            recorded = self.manifest.outputs
            folder = f"{out_dir}/"
            todo = [job for job in todo if recorded.get(job.rel) != prints[job.rel] or not os.path.isfile(folder + job.rel)]
        return todo, prints

    def record(self, prints: dict[str, str], chosen: list[str], indexing: bool) -> None:
        """Record the files just put in place; keep the fingerprints of sites not built this time. Written at once
        when search indexes are made next, else by `complete`."""
        self.manifest.inputs, self.manifest.sources = "", {}  # no longer complete for any inputs, until complete() says so
        sites = self.cluster.sites
        kept = {rel: fp for rel, fp in self.manifest.outputs.items()
                if rel.split("/", 1)[0] in sites and rel.split("/", 1)[0] not in chosen}
        self.manifest.outputs = {**kept, **prints}
        if indexing:
            # if indexing fails, the manifest must already describe the files just written (with no inputs digest,
            # so the next build cannot skip itself). Without it, a build stopped before `complete` leaves the folder
            # marked unfinished, which no build replays, and fingerprints that only make more outputs again
            self.manifest.write()

    def indexed(self, site_id: str, fingerprint: str) -> None:
        """Record a site's search index as written."""
        self.manifest.indexes[site_id] = fingerprint
        self.manifest.write()

    def complete(self, window: Window, sites: int, pages: int, warnings: list[Problem], sources_written: bool) -> None:
        """Record that the output is complete for these inputs, so an unchanged rerun can stop at once."""
        if sources_written:  # the build recorded 索引号 in content/: what the next build reads includes them
            self.read = inputs.digest(self.cluster, self.settings, self.page_settings, self.known, self.read.parts is not None)
        m = self.manifest
        m.inputs, m.window = self.read.total, list(window)
        m.sources = {"shared": self.read.shared, "sites": self.read.sites}
        m.summary = {"sites": sites, "pages": pages, "outputs": len(m.outputs),
                     "warnings": [{**asdict(w), "path": str(w.path) if w.path is not None else None} for w in warnings]}
        m.write()


def fingerprints(plan: Plan, jobs: dict[str, list[Job]], digester: Digester, cores: int = 1) -> dict[str, str]:
    """Return the fingerprint of every output: its kind, its template, its site's settings and its inputs.

    A digester that serves the next build (`kept`) digests them all here. Any other digests them on `cores` processes,
    in the order `produce` makes them (the outputs of every site's entries here, those made together by one process):
    what the processes remember goes with them, and this one holds only the fingerprints (100,000 pages: the main
    process 140 MB less when it forks the render processes, the stage 0.3 s less at 15,500 pages)."""
    if digester.kept or cores <= 1:
        out: dict[str, str] = {}
        for site_id, site_jobs in jobs.items():
            with digester.outputs_of(site_id):
                keys = {site_id: _site_key(plan, site_id, digester)}
                for job in site_jobs:
                    out[job.rel] = _fingerprint(keys, digester, (site_id, job))
        return out
    # the site keys, the templates' digests and the outputs of every site's entries are digested here, once, for
    # the processes to inherit
    keys = {site_id: _site_key(plan, site_id, digester) for site_id in jobs}
    for template in {job.template for site_jobs in jobs.values() for job in site_jobs if job.template}:
        digester.template(*template)
    here, others, together = making_order([(site_id, job) for site_id, site_jobs in jobs.items() for job in site_jobs],
                                          lambda item: item[1])
    fingerprint = functools.partial(_fingerprint, keys, digester)
    out = {job.rel: fingerprint((site_id, job)) for site_id, job in here}
    out.update(zip((job.rel for _site, job in others), workers.run(fingerprint, others, cores, together), strict=True))
    return out


def _site_key(plan: Plan, site_id: str, digester: Digester) -> str:
    return site_key(plan.cluster, plan.cluster.sites[site_id], digester, plan.profile.name, plan.profile.drafts)


def _fingerprint(keys: dict[str, str], digester: Digester, item: tuple[str, Job]) -> str:
    site_id, job = item
    if job.copied is not None:
        return file_key(job.copied)
    template = digester.template(*job.template) if job.template else ""
    # a job placed on every site (the t2s table) shares its inputs: the digester digests them once
    return hexdigest(keys[site_id], job.kind, template, digester.of(job.inputs))
