"""Converted HTML kept on disk for the rest of a build instead of in memory: 100,000 pages hold 244 MB of it, which the
render processes read back one page at a time (a page's own HTML is shown by its article page and by the feeds that
list it)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.digests import short_digest

if TYPE_CHECKING:
    from sitegen.content.page import Page


class Spill:
    """An unnamed file in `folder` that a build appends pages' HTML to; gone when closed, or when the process ends.
    Forked processes read it through the descriptor they inherit, each read at its own offset."""

    BATCH = 1 << 20  # bytes put before they are written: one system call each, not one a page

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=folder, buffering=0)  # noqa: SIM115  # closed by `close`
        self._end = 0  # of what was put
        self._written = 0  # of what is in the file
        self._pending: list[bytes] = []

    def put(self, html: str) -> Spilled:
        """Append the HTML; return what reads it again."""
        data = html.encode("utf-8", "surrogatepass")
        spilled = Spilled(self, self._end, len(data), short_digest(data))  # = hexdigest(html)
        self._pending.append(data)
        self._end += len(data)
        if self._end - self._written >= self.BATCH:
            self.flush()
        return spilled

    def read(self, offset: int, size: int) -> str:
        if offset + size > self._written:
            self.flush()
        return os.pread(self._file.fileno(), size, offset).decode("utf-8", "surrogatepass")

    def flush(self) -> None:
        """Write what was put: before processes are forked, so that none of them writes it again."""
        # at its offset: a forked process that writes what it inherited as pending writes the same bytes in place
        data = memoryview(b"".join(self._pending))
        done = 0
        while done < len(data):
            done += os.pwrite(self._file.fileno(), data[done:], self._written + done)
        self._written += len(data)
        self._pending = []

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Spilled:
    """A page's HTML in a spill: read again whenever it is asked for; its digest known without reading it."""

    __slots__ = ("_offset", "_size", "_spill", "digest")

    def __init__(self, spill: Spill, offset: int, size: int, digest: str) -> None:
        self._spill, self._offset, self._size, self.digest = spill, offset, size, digest

    def __call__(self, page: Page | None = None) -> str:
        return self._spill.read(self._offset, self._size)
