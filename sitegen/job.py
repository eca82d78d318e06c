"""One output file as a job: where it goes, what it is made from, and how to make it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

Output = bytes | Path  # rendered bytes, or a source file copied as it is
T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One output file. `inputs` is everything it shows: equal inputs (and kind) make equal bytes."""

    rel: str  # path of the file, site-relative until placed under the build folder
    inputs: tuple[Any, ...]
    make: Callable[[], Output]
    kind: str = ""  # what makes it: 'html', 'feed:rss', 'sitemap', 'copy', ...
    copied: Path | None = None  # the source of a file copied as it is
    template: tuple[Any, str] | None = None  # (Jinja environment, template name) of an HTML page
    owner: str = ""  # what asked for it, named when two outputs want one file: a source file or an output type
    # a job made from another job's output (a page's 繁體 counterpart): `derive` turns those bytes into this job's,
    # so a process that has just made `base` does not make it again; `make` alone still makes it from nothing
    base: Callable[[], Output] | None = None  # the other job's `make`
    derive: Callable[[bytes], bytes] | None = None
    # shows every site's entries (the cluster catalogue's exports): made by the building process itself, as a forked
    # one would copy all it reads (100,000 pages: 140 MB for each such output)
    reads_all: bool = False
    # shows entries of many sites, read one by one (the cluster catalogue's listings): all such outputs are made by
    # one process in one go, so that one process, not each, copies what they read (100,000 pages: 110 MB)
    together: bool = False

    @staticmethod
    def copy(rel: str, source: Path) -> Job:
        """Return a job copying `source` as it is."""
        return Job(rel, (), lambda: source, "copy", source)

    @staticmethod
    def data(rel: str, data: bytes, kind: str = "data") -> Job:
        """Return a job writing bytes that are already made."""
        return Job(rel, (data,), lambda: data, kind)

    def placed(self, rel: str) -> Job:
        """Return the same job writing to `rel`."""
        return replace(self, rel=rel)

    def made_together(self) -> Job:
        """Return the same job, made by the process that makes the other jobs marked so (`together`)."""
        return replace(self, together=True)

    def owned_by(self, owner: str) -> Job:
        """Return the same job, naming what asked for it."""
        return replace(self, owner=owner)


def making_order(items: list[T], job: Callable[[T], Job]) -> tuple[list[T], list[T], int]:
    """Return the items (jobs, or what holds one: `job` gives it) that the building process makes itself
    (`reads_all`); then the others, those made together by one process first; and how many those are."""
    here: list[T] = []
    together: list[T] = []
    rest: list[T] = []
    for item in items:
        made = job(item)
        (here if made.reads_all else together if made.together else rest).append(item)
    return here, together + rest, len(together)
