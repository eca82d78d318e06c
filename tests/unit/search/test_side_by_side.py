"""Indexes written side by side: every job yielded once when done; after a failure no other job starts, and the failure is
raised once those under way are finished."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from sitegen.search.indexes import IndexJob, _side_by_side


def jobs(n: int) -> list[IndexJob]:
    return [IndexJob(site=None, pages=[], folder=Path(f"/nowhere/{i}"), fingerprint=str(i)) for i in range(n)]  # type: ignore[arg-type]


def test_every_job_is_written_once_and_every_page_reported():
    started = []
    lock = threading.Lock()

    def write(job, added):
        with lock:
            started.append(job.fingerprint)
        added()
        added()

    todo = jobs(5)
    events = list(_side_by_side(todo, write, 2))
    assert sorted(e.fingerprint for e in events if e is not None) == ["0", "1", "2", "3", "4"]
    assert events.count(None) == 10 and sorted(started) == ["0", "1", "2", "3", "4"]


def test_after_a_failure_no_job_starts_and_the_failure_is_raised():
    started = []

    def write(job, added):
        started.append(job.fingerprint)
        if job.fingerprint == "0":
            raise RuntimeError("pagefind stopped")
        time.sleep(0.3)  # under way while the first one fails

    todo = jobs(6)
    finished = []
    with pytest.raises(RuntimeError, match="pagefind stopped"):
        for job in _side_by_side(todo, write, 2):
            finished.append(job)
    assert len(started) <= 3 and finished == []
