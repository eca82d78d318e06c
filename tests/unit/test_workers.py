"""Work on all cores: results in order, and every few thousand items on processes forked anew."""
from __future__ import annotations

import os
import time

import pytest

from sitegen import workers


def where(item: int) -> tuple[int, int]:
    return item, os.getpid()


def slowly(item: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough for the other process to start meanwhile
    return where(item)


def failing(item: int) -> int:
    if item == 150:
        raise ValueError("item 150")
    return item


def test_each_round_of_items_runs_on_processes_of_its_own_and_the_results_keep_their_order(monkeypatch):
    monkeypatch.setattr(workers, "ITEMS_PER_PROCESS", 40)  # rounds of 80 items on two processes
    done = list(workers.run(where, range(240), 2))
    assert [item for item, _ in done] == list(range(240))
    rounds = [{pid for item, pid in done if start <= item < start + 80} for start in range(0, 240, 80)]
    assert len(rounds) == 3 and os.getpid() not in set().union(*rounds)
    assert all(not (a & b) for i, a in enumerate(rounds) for b in rounds[i + 1:])  # no process served two rounds


def test_an_error_in_a_later_round_is_raised_here(monkeypatch):
    monkeypatch.setattr(workers, "ITEMS_PER_PROCESS", 40)  # item 150 is in the second round
    with pytest.raises(ValueError, match="item 150"):
        list(workers.run(failing, range(200), 2))


def resident() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(workers._trim is None or not os.path.exists("/proc/self/statm"), reason="needs the GNU C library and /proc")
def test_memory_freed_amid_live_blocks_is_given_back_to_the_system():
    # a build lets go of its pages' texts before rendering: blocks amid others, which the C library would keep
    blocks = [bytes(4000) + str(i).encode() for i in range(40_000)]  # about 160 MB
    kept = blocks[::20]
    del blocks
    before = resident()
    workers.give_back()
    assert resident() < before - 100_000_000, f"{before:,} -> {resident():,} bytes resident"
    assert len(kept) == 2000


def test_the_items_asked_together_are_done_by_one_process_in_one_go_and_the_results_keep_their_order(monkeypatch):
    monkeypatch.setattr(workers, "ITEMS_PER_PROCESS", 40)  # more items together than a round holds
    done = list(workers.run(slowly, range(300), 2, together=120))
    assert [item for item, _ in done] == list(range(300))
    together = {pid for item, pid in done if item < 120}
    assert len(together) == 1 and os.getpid() not in together
    assert {pid for item, pid in done if 120 <= item < 200} - together, "the other process worked meanwhile"
