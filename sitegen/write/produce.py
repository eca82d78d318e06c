"""Make the stale outputs on all cores and stage each one through the publisher; undo every write on failure."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

from sitegen import workers
from sitegen.errors import InternalError, Problem, SitegenError
from sitegen.i18n import _
from sitegen.job import Job
from sitegen.write.publisher import Publisher

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Produced:
    """What the make stage did: files written (new or changed), which of them existed before, how many were made."""

    written: list[str]
    existed: set[str]
    made: int


def produce(todo: list[Job], publisher: Publisher, cores: int, report: Progress) -> Produced:
    """Make every job and write the outputs that differ from the files in place; on failure, undo every write."""
    existed = {job.rel for job in todo if os.path.lexists(publisher.out_dir / job.rel)}
    written: list[str] = []
    try:
        for i, (rel, changed) in enumerate(workers.run(functools.partial(_make, publisher, existed), todo, cores), 1):
            if changed:
                written.append(rel)
            report("render", i, len(todo))
    except BaseException:
        publisher.abort([job.rel for job in todo], existed)
        raise
    return Produced(written, existed, len(todo))


def _make(publisher: Publisher, existed: set[str], job: Job) -> tuple[str, bool]:
    try:
        data = job.make()
    except SitegenError:
        raise
    except Exception as exc:  # a bug: still say which output and which source it happened in
        raise InternalError(Problem(_("making {rel} failed: {name}: {exc}").format(rel=job.rel, name=type(exc).__name__, exc=exc),
                                    job.owner or None)) from exc
    return job.rel, publisher.stage(job.rel, data, job.rel in existed)
