"""Work on all cores: results in order, and every few thousand items on processes forked anew."""
from __future__ import annotations

import os

import pytest

from sitegen import workers


def where(item: int) -> tuple[int, int]:
    return item, os.getpid()


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
