"""An output that shows every site's entries (the cluster catalogue's exports) is made by the building process before
it forks the processes that make the others: a forked process would copy everything it reads."""
from __future__ import annotations

import os
import time

import pytest

from sitegen.errors import InternalError
from sitegen.job import Job
from sitegen.workers import MIN_PARALLEL
from sitegen.write.produce import produce
from sitegen.write.publisher import Publisher


def _pid() -> bytes:
    return str(os.getpid()).encode()


def test_an_output_that_reads_every_site_is_made_here_and_the_others_on_forked_processes(tmp_path):
    jobs = [Job(f"p{i}/index.html", (i,), _pid, "html") for i in range(MIN_PARALLEL * 2)]
    jobs.insert(5, Job("disclosure/cluster/catalogue.json", (), _pid, "catalogue:json", reads_all=True))
    publisher = Publisher(tmp_path / "out")
    made = produce(jobs, publisher, 2, lambda *_: None)
    assert sorted(made.written) == sorted(job.rel for job in jobs)
    here = str(os.getpid())
    assert (tmp_path / "out/disclosure/cluster/catalogue.json").read_text() == here
    others = {(tmp_path / "out" / job.rel).read_text() for job in jobs if not job.reads_all}
    assert others and here not in others


def test_a_failure_in_an_output_made_here_undoes_every_write(tmp_path):
    def broken() -> bytes:
        raise KeyError("entries")

    jobs = [Job(f"p{i}/index.html", (i,), _pid, "html") for i in range(MIN_PARALLEL * 2)]
    jobs.append(Job("disclosure/cluster/catalogue.csv", (), broken, "catalogue:csv", reads_all=True))
    with pytest.raises(InternalError, match=r"catalogue\.csv"):
        produce(jobs, Publisher(tmp_path / "out"), 2, lambda *_: None)
    assert not [path for path in (tmp_path / "out").rglob("*") if path.is_file()]


def _slow_pid() -> bytes:
    time.sleep(0.005)  # long enough for the other process to start meanwhile
    return _pid()


def test_the_outputs_made_together_are_all_made_by_one_forked_process(tmp_path):
    # the cluster catalogue's listings read every site's entries: one process copies them, not each
    jobs = [Job(f"p{i}/index.html", (i,), _pid, "html") for i in range(MIN_PARALLEL * 4)]
    listings = [Job(f"disclosure/cluster/page/{n}/index.html", (n,), _slow_pid, "html", together=True) for n in range(40)]
    jobs[10:10] = listings
    made = produce(jobs, Publisher(tmp_path / "out"), 2, lambda *_: None)
    assert sorted(made.written) == sorted(job.rel for job in jobs)
    makers = {(tmp_path / "out" / job.rel).read_text() for job in listings}
    assert len(makers) == 1 and str(os.getpid()) not in makers
    assert {(tmp_path / "out" / job.rel).read_text() for job in jobs if not job.together} - makers
