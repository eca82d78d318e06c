"""Make the stale outputs on all cores and stage each one through the publisher; undo every write on failure."""
from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import jinja2

from sitegen import workers
from sitegen.errors import InternalError, Problem, SitegenError
from sitegen.i18n import _
from sitegen.job import Job, Output, making_order
from sitegen.write.publisher import Publisher

Progress = Callable[[str, int, int], None]  # (stage, done, total)
R = TypeVar("R")


@dataclass(frozen=True)
class Produced:
    """What the make stage did: files written (new or changed), which of them existed before, how many were made."""

    written: list[str]
    existed: set[str]
    made: int


def produce(todo: list[Job], publisher: Publisher, cores: int, report: Progress) -> Produced:
    """Make every job and write the outputs that differ from the files in place; on failure, undo every write."""
    folder = f"{publisher.out_dir}/"  # joined as strings, as the ledger does: half the time of a Path per output
    existed = {job.rel for job in todo if os.path.lexists(folder + job.rel)}
    todo = paired(todo)
    _compile_templates(todo)
    make = functools.partial(_make, publisher, existed)
    here, others, together = making_order(todo, lambda job: job)
    made = workers.run(make, others, cores, together)
    written: list[str] = []
    try:
        for i, (rel, changed) in enumerate(_here_first(make, here, made), 1):
            if changed:
                written.append(rel)
            report("render", i, len(todo))
    except BaseException:
        publisher.abort([job.rel for job in todo], existed)
        raise
    return Produced(written, existed, len(todo))


def _here_first(make: Callable[[Job], R], here: list[Job], made: Iterator[R]) -> Iterator[R]:
    """Yield what `make` makes of the jobs `here` in this process, then what the forked processes make: before they
    are forked, reading copies nothing (a forked process, or this one while they share its memory, copies each part of
    it that it reads or writes)."""
    global _last
    try:
        yield from [make(job) for job in here]
    finally:
        _last = None  # an output's bytes are not held while processes are forked from this one
    workers.give_back()  # what making them used, before it is shared
    yield from made


def _compile_templates(todo: list[Job]) -> None:
    """Compile the templates the jobs use, once, here: forked processes inherit them, and a later build in this process
    (`sitegen serve`) renders without compiling again."""
    for env, name in {job.template for job in todo if job.template is not None}:
        with contextlib.suppress(jinja2.TemplateError):  # rendering reports it, naming the template, line and page
            env.get_template(name)


def paired(todo: list[Job]) -> list[Job]:
    """Return the jobs with each job derived from another right after it: the same process makes both, the base once."""
    makes = {id(job.make) for job in todo}
    after = {id(job.base): job for job in todo if job.base is not None and id(job.base) in makes}
    if not after:
        return todo
    out = []
    for job in todo:
        if job.base is not None and id(job.base) in makes:
            continue  # placed after its base
        out.append(job)
        if id(job.make) in after:
            out.append(after[id(job.make)])
    return out


_last: tuple[object, bytes] | None = None  # (make, output) of the job this process made last


def _make(publisher: Publisher, existed: set[str], job: Job) -> tuple[str, bool]:
    global _last
    try:
        if job.derive is not None and _last is not None and _last[0] is job.base:
            data: Output = job.derive(_last[1])
        else:
            data = job.make()
        _last = (job.make, data) if isinstance(data, bytes) else None
    except SitegenError:
        raise
    except Exception as exc:  # a bug: still say which output and which source it happened in
        raise InternalError(Problem(_("making {rel} failed: {name}: {exc}").format(rel=job.rel, name=type(exc).__name__, exc=exc),
                                    job.owner or None)) from exc
    return job.rel, publisher.stage(job.rel, data, job.rel in existed)
