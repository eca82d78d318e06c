"""The digests of text sources as the last build read them, with each file's status then: a file whose status is
unchanged is not read again to know its digest.

A status is the file's size, modification and change times and inode. The change time cannot be set by hand (a copy
that keeps times, an archive unpacked, `touch -d` all set it to now), and a file changed within the last
seconds before it was read is not remembered, so an edit made in the same clock tick as the read cannot hide.
"""
from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

from sitegen.digests import text_digest

NAME = "sources.pickle"
SCHEMA = 1
SETTLED_NS = 2_000_000_000  # a file changed less than this before it was read is read again next time

Status = tuple[int, int, int, int]  # size, modification and change times, inode: the same for the same bytes


class KnownSources:
    """Text sources' digests by path, as read by the last build (kept in .sitegen-cache/, or in memory by serve)."""

    def __init__(self, folder: Path | None):
        self.path = folder / NAME if folder is not None else None  # None: nothing is remembered (a forced build)
        self._known: dict[str, tuple[Status, str]] | None = None
        self._seen: dict[str, tuple[Status, str]] = {}
        self._since = time.time_ns()

    def begin(self) -> None:
        """Start a new reading of the sources: only what this one sees is remembered."""
        self._seen = {}
        self._since = time.time_ns() - SETTLED_NS

    def resume(self) -> None:
        """Start a reading of some sources only: what the last reading saw of the others stands."""
        self._seen = dict(self._seen)
        self._since = time.time_ns() - SETTLED_NS

    def text(self, path: str, st: os.stat_result) -> str:
        """Return the digest of a text source's bytes: as last read if its status (`st`) has not changed since, else
        read now; remember it unless the file changed too recently to be sure of its status."""
        now: Status = st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino
        known = self._entries().get(path)
        if known is not None and known[0] == now:
            found = known[1]
        else:
            with open(path, "rb") as fh:
                found = text_digest(fh.read())
        if self.path is not None and st.st_ctime_ns < self._since and st.st_mtime_ns < self._since:
            self._seen[path] = (now, found)
        else:
            self._seen.pop(path, None)  # as an earlier reading saw it (`resume`)
        return found

    def save(self) -> None:
        """Keep what this reading saw, for the next build."""
        if self.path is None or self._seen == self._known:
            return
        self._known = self._seen
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(NAME + ".tmp")
        tmp.write_bytes(pickle.dumps((SCHEMA, self._seen), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.path)

    def _entries(self) -> dict[str, tuple[Status, str]]:
        if self._known is None:
            self._known = {}
            if self.path is not None:
                try:
                    schema, entries = pickle.loads(self.path.read_bytes())
                    if schema == SCHEMA and isinstance(entries, dict):
                        self._known = entries
                except Exception:  # missing, truncated or of another version: every source is read
                    pass
        return self._known
