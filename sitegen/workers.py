"""Work on all cores: a forked process pool inherits the assembled plan, so only indices and results travel."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_PARALLEL = 64  # below this, starting processes costs more than it saves
# a forked process copies each part of this one's memory it touches, so over a long run each grows towards this one's
# size: after this many items per process, the work goes on in processes forked anew, which gives those copies back
# (100,000 pages: the render stage's peak 2.9 -> 2.1 GB, its time unchanged)
ITEMS_PER_PROCESS = 4000

_task: Callable | None = None
_items: Sequence | None = None


def default_workers() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def give_back() -> None:
    """Return to the system the memory this process has freed: the C library keeps freed blocks for later, and a
    block amid live ones holds its pages (what a build freed before rendering 100,000 pages: 550 MB)."""
    if _trim is not None:
        _trim(0)


def _c_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the GNU C library's
    except (OSError, AttributeError):  # another C library: its own policy stands
        return None


_trim = _c_trim()


def run(task: Callable[[T], R], items: Sequence[T], workers: int, together: int = 0) -> Iterator[R]:
    """Yield task(item) for every item, in order; on `workers` processes when that is worth it and possible, each
    `ITEMS_PER_PROCESS * workers` items on processes forked anew. The first `together` items are done by one process
    in one go: items that read much of the memory the others share, which only that process then copies.

    An exception in a worker is raised here; the work not yet started is cancelled.
    """
    if workers <= 1 or len(items) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(task, items)
        return
    step = max(ITEMS_PER_PROCESS * workers, MIN_PARALLEL)
    start = 0
    while start < len(items):
        first = together if start == 0 else 0  # done while the other processes start on the rest
        yield from _pool(task, items[start:start + first + step], workers, first)
        start += first + step


def _pool(task: Callable[[T], R], items: Sequence[T], workers: int, together: int) -> Iterator[R]:
    global _task, _items
    _task, _items = task, items
    size = max(1, min(256, (len(items) - together) // (workers * 8)))
    spans = [(0, together)] if together else []
    spans += [(start, min(start + size, len(items))) for start in range(together, len(items), size)]
    # fork, not spawn: the children start with the plan already in memory. Not multiprocessing.Pool: its
    # terminate() after a worker's exception can hang on its own task queue (seen in a failed build)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = [pool.submit(_call, start, stop) for start, stop in spans]
        for future in futures:
            yield from future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _task, _items = None, None


def _call(start: int, stop: int) -> list:
    assert _task is not None and _items is not None
    return [_task(_items[i]) for i in range(start, stop)]
