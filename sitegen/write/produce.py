"""Stages 4b and 5: make the outputs whose fingerprint changed, on all cores, and stage them through the publisher."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sitegen import workers
from sitegen.assemble.plan import Plan
from sitegen.digests import hexdigest
from sitegen.incremental.fingerprint import Digester, file_key, site_key
from sitegen.incremental.manifest import Manifest
from sitegen.job import Job
from sitegen.write import publisher as publish

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Produced:
    """What the make stage did: files written (new or changed), which of them existed before, how many were made."""

    written: list[str]
    existed: set[str]
    made: int


def fingerprints(plan: Plan, jobs: dict[str, list[Job]], digester: Digester) -> dict[str, str]:
    """Return the fingerprint of every output: its kind, its template, its site's settings and its inputs."""
    out: dict[str, str] = {}
    for site_id, site_jobs in jobs.items():
        key = site_key(plan.cluster, plan.cluster.sites[site_id], digester, plan.profile.name, plan.profile.drafts)
        for job in site_jobs:
            if job.copied is not None:
                out[job.rel] = file_key(job.copied)
                continue
            template = digester.template(*job.template) if job.template else ""
            # a job placed on every site (the t2s table) shares its inputs: the digester digests them once
            out[job.rel] = hexdigest(key, job.kind, template, digester.of(job.inputs))
    return out


def stale(jobs: list[Job], prints: dict[str, str], manifest: Manifest, out_dir: Path) -> list[Job]:
    """Return the jobs whose output is missing or was made from other inputs."""
    recorded = manifest.outputs
    return [job for job in jobs if recorded.get(job.rel) != prints[job.rel] or not (out_dir / job.rel).is_file()]


def produce(todo: list[Job], out_dir: Path, cores: int, report: Progress) -> Produced:
    """Make every job and write the outputs that differ from the files in place; on failure, undo every write."""
    existed = {job.rel for job in todo if os.path.lexists(out_dir / job.rel)}
    written: list[str] = []
    publish.forget_folders()
    try:
        for i, (rel, changed) in enumerate(workers.run(functools.partial(_make, out_dir, existed), todo, cores), 1):
            if changed:
                written.append(rel)
            report("render", i, len(todo))
    except BaseException:
        publish.abort(out_dir, [job.rel for job in todo], existed)
        raise
    return Produced(written, existed, len(todo))


def _make(out_dir: Path, existed: set[str], job: Job) -> tuple[str, bool]:
    return job.rel, publish.stage(out_dir, job.rel, job.make(), job.rel in existed)
