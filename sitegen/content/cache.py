"""Caches kept between builds in .sitegen-cache/: parsed front matter (not the texts) and rendered Markdown, one file
per site.

Entries are keyed by the digest of the source's bytes (taken from the last reading only when the file's status is
unchanged: sources.known), so a stale entry cannot be used. Only the files of
sites whose entries changed are rewritten, so a one-page edit rewrites one small file.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.content.spill import Spilled
from sitegen.content.texts import unshared
from sitegen.digests import code_version
from sitegen.sources.known import KnownSources

if TYPE_CHECKING:
    from sitegen.incremental.reuse import LastBuild

CACHE_DIR = ".sitegen-cache"


class Shelf:
    """One cache, per site a dict from key to value, loaded when first asked for."""

    def __init__(self, root: Path, name: str):
        self.folder = root / CACHE_DIR / name
        self._sites: dict[str, dict[str, Any]] = {}
        self._used: dict[str, set[str]] = {}
        self._dirty: set[str] = set()
        self._settled = False  # written and let go before the end of the build (`settle`)

    def get(self, site: str, key: str) -> Any:
        """Return the entry, or None."""
        self._used.setdefault(site, set()).add(key)
        return self._site(site).get(key)

    def put(self, site: str, key: str, value: Any) -> None:
        self._used.setdefault(site, set()).add(key)
        self._site(site)[key] = value
        self._dirty.add(site)

    def save(self, prune: bool = True) -> None:
        """Write the sites whose entries changed; with `prune`, drop the entries this build did not use (deleted
        files): only a build that looked at every source may."""
        prune = prune and not self._settled  # what a settled shelf reads again is what it wrote, pruned then
        for site, entries in self._sites.items():
            used = self._used.get(site, set()) if prune else set(entries)
            if site not in self._dirty and used.issuperset(entries):
                continue
            kept = {k: v for k, v in entries.items() if k in used}
            self._sites[site] = kept
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f"{site}.pickle.tmp"
            with tmp.open("wb") as fh:
                pickle.dump((code_version(), {k: _detached(v) for k, v in kept.items()}), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / f"{site}.pickle")
        self._dirty.clear()
        self._used.clear()

    def settle(self) -> None:
        """Write what changed now, pruned, and stop holding the entries (a later `get` reads them again): the build has
        taken what it needed, and the entries hold every page's front matter."""
        self.save()
        self._sites.clear()
        self._settled = True

    def _site(self, site: str) -> dict[str, Any]:
        entries = self._sites.get(site)
        if entries is None:
            entries = self._sites[site] = self._read(site)
        return entries

    def _read(self, site: str) -> dict[str, Any]:
        try:
            with (self.folder / f"{site}.pickle").open("rb") as fh:
                version, entries = pickle.load(fh)
        except Exception:  # missing, truncated or from another version: start again
            return {}
        return entries if version == code_version() else {}


def _detached(value: Any) -> Any:
    """Return the entry with each long text copied: pickling keeps a text's UTF-8 form inside it, and the pages share
    these texts (their HTML; their Markdown texts until the front-matter cache stopped holding them: 100,000 pages,
    330 MB more while the caches were written)."""
    if isinstance(value, str):
        return unshared(value)
    if isinstance(value, Spilled):  # a conversion's HTML, kept in the build's spill
        return value()
    if type(value) is tuple:
        return tuple(_detached(v) for v in value)
    return value


class Caches:
    """The caches of one cluster: kept in memory by `sitegen serve`, read from disk by each `sitegen build`."""

    def __init__(self, root: Path, enabled: bool = True, keep: bool = False):
        self.keep = keep  # the last build's plan too, for the next build in this process (`sitegen serve`)
        self.front = Shelf(root, "frontmatter") if enabled else None
        self.markdown = Shelf(root, "markdown") if enabled else None
        self.sources = KnownSources(root / CACHE_DIR if enabled else None)
        self.last: LastBuild | None = None  # the last successful build's plan, for `sitegen serve`'s next one

    def save(self, prune: bool = True) -> None:
        """Write what changed; with `prune`, forget the entries this build did not use (deleted files, and the pages
        of sites a narrowed build did not convert)."""
        self.sources.save()
        for shelf in (self.front, self.markdown):
            if shelf is not None:
                shelf.save(prune)
