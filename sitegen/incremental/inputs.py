"""Everything a build reads, digested: a build whose inputs all match the last one's has nothing to do.

Text sources (Markdown, YAML) are digested by content; other files (images, attachments, theme files) by
size and modification time. Which pages a build admits also depends on the clock: see `profile.window`.
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.config.model import Cluster
from sitegen.digests import code_version
from sitegen.outputs.theme import shipped_themes
from sitegen.sources.known import KnownSources

TEXT = (".md", ".yaml", ".yml")


@dataclass(frozen=True)
class Digests:
    """What a build reads, digested: as a whole, and split into each site's content folder and everything else."""

    total: str
    shared: str  # sitegen's code, the page settings, sites.yaml, the themes, files outside the sites' content folders
    sites: dict[str, str]  # site id -> its content/<site>/ folder
    files: dict[str, str] = field(default_factory=dict)  # text source (path as read) -> the digest of its bytes
    layouts: dict[str, str] = field(default_factory=dict)  # site id -> its folder but the text sources' contents
    parts: Parts | None = None  # what the digests were made of, for `again` (kept by `sitegen serve` only)

    def edited(self, before: Digests) -> list[str] | None:
        """Return the text sources whose contents alone changed since `before`, if nothing else did; else None."""
        if self.shared != before.shared or self.layouts != before.layouts or self.files.keys() != before.files.keys():
            return None
        return [path for path, text in self.files.items() if before.files[path] != text]


@dataclass(frozen=True)
class Parts:
    """What a `Digests` was made of: enough to digest again the few files a watcher saw written."""

    settings: tuple[str, str]  # the build settings digested
    lead: list[bytes]  # what the total digests before the sites' digests
    sites: dict[str, list[bytes]]  # site id -> what its digest digests, in order: each file's head, then its text's
    at: dict[str, tuple[str, int]]  # file in a site's folder -> its site, and where its head is in the site's parts
    listed: frozenset[str]  # every file digested


def digest(cluster: Cluster, settings: str, page_settings: str, known: KnownSources | None = None,
           keep: bool = False) -> Digests:
    """Return the digests of sitegen's code, the build settings and every file the build reads; a text source whose
    status is as `known` saw it last time is not read again. With `keep`, what they were made of is kept (`again`)."""
    known = known or KnownSources(None)
    known.begin()
    texts: dict[str, str] = {}
    shared: list[bytes] = []
    sites: dict[str, list[bytes]] = {site_id: [] for site_id in cluster.sites}
    layouts: dict[str, list[bytes]] = {site_id: [] for site_id in cluster.sites}
    files = [cluster.root / "sites.yaml"]
    files += [cluster.root / path for s in cluster.sites.values() for path in s.theme_options.images().values()]
    listed = [*map(str, files)]
    for folder in (cluster.themes_dir, *shipped_themes(cluster)):  # a shipped theme changes in an editable install
        listed += sorted(_walk(folder))
    for path in listed:
        shared += _chunk(path, texts, known)[:2]
    at: dict[str, tuple[str, int]] = {}
    linked = False  # a link in a site's folder: its target's edits are seen under the target's name only
    for site_id, paths in _content(cluster.content_dir, set(sites)):
        part, layout = (sites[site_id], layouts[site_id]) if site_id is not None else (shared, None)
        listed += paths
        for path in paths:
            head, text, link = _chunk(path, texts, known)
            if keep and site_id is not None:
                at[path], linked = (site_id, len(part)), linked or link
            part += (head, text)
            if layout is not None:
                layout.append(head)
    site_digests = {site_id: _sha1(chunks) for site_id, chunks in sites.items()}
    prefix = f"{code_version()}\0{cluster.taxonomy!r}\0"
    lead = [f"{prefix}{settings}".encode(), *shared]
    return Digests(total=_sha1([*lead, *(d.encode() for d in site_digests.values())]),
                   shared=_sha1([f"{prefix}{page_settings}".encode(), *shared]), sites=site_digests, files=texts,
                   layouts={site_id: _sha1(heads) for site_id, heads in layouts.items()},
                   parts=Parts((settings, page_settings), lead, sites, at, frozenset(listed)) if keep and not linked else None)


def again(last: Digests, touched: Iterable[str], settings: str, page_settings: str, known: KnownSources) -> Digests | None:
    """Return the digests of the inputs of `last` when, since it was made, only the files `touched` (all a watcher saw
    written) can have changed; None if `last` kept no parts, the settings differ, or one of them is not a file of a
    site's folder that `last` read and is still there (a file made, removed or moved, sites.yaml, a theme: everything is
    read again). A file made and removed since (an editor's scratch file) changes nothing. A tenth of a second less per
    `sitegen serve` rebuild on 15,500 pages."""
    parts = last.parts
    if parts is None or parts.settings != (settings, page_settings):
        return None
    known.resume()
    files = dict(last.files)
    edited: dict[str, list[bytes]] = {}  # site id -> its parts, as they are now
    for path in touched:
        found = parts.at.get(path)
        if found is None or not os.path.lexists(path):
            if found is not None or path in parts.listed or os.path.lexists(path) or \
                    any(p.startswith(path + os.sep) for p in parts.listed):  # removed, made, or a folder that held files
                return None
            continue
        site_id, i = found
        if site_id not in edited:
            edited[site_id] = list(parts.sites[site_id])
        chunks = edited[site_id]
        head, text, linked = _chunk(path, files, known)
        if linked or (path.endswith(TEXT) and head != chunks[i]):  # a text source's head is its name alone
            return None
        chunks[i], chunks[i + 1] = head, text
    sites = {**last.sites, **{site_id: _sha1(chunks) for site_id, chunks in edited.items()}}
    layouts = {**last.layouts, **{site_id: _sha1(chunks[0::2]) for site_id, chunks in edited.items()}}
    return replace(last, total=_sha1([*parts.lead, *(d.encode() for d in sites.values())]), sites=sites, files=files,
                   layouts=layouts, parts=replace(parts, sites={**parts.sites, **edited}))


def _sha1(chunks: list[bytes]) -> str:
    return hashlib.sha1(b"\0".join(chunks)).hexdigest()


def _content(folder: Path, sites: set[str]) -> Iterable[tuple[str | None, list[str]]]:
    """Yield the files of the content folder, sorted, with the site whose folder each is in (None: in no site's)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return
    loose = []
    for entry in entries:
        if _entered(entry):
            yield entry.name if entry.name in sites else None, sorted(_walk(entry.path))
        elif _listed(entry):
            loose.append(entry.path)
    yield None, loose


def _chunk(path: str, texts: dict[str, str], known: KnownSources) -> tuple[bytes, bytes, bool]:
    """Return what a file adds to a digest: its path, where it links to, and its size and time; and apart, for a text
    source, the digest of its text (kept in `texts`, so the loader need not read an unchanged source again); and
    whether it is a link."""
    head = path.encode("utf-8", "surrogateescape") + b"\0"
    linked = False
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):  # where a link leads is an input too (the build refuses links out of a folder)
            head += os.readlink(path).encode("utf-8", "surrogateescape") + b"\0"
            linked, st = True, os.stat(path)
        if path.endswith(TEXT):
            found = texts[path] = known.text(path, st)
            return head, found.encode(), linked
        return head + f"{st.st_size}\0{st.st_mtime_ns}".encode(), b"", linked
    except OSError:
        return head + b"missing", b"", linked


def _walk(folder: Path | str) -> Iterable[str]:
    """Yield every file below `folder` and every link to a folder (which the walk does not enter); not hidden folders."""
    try:
        entries = os.scandir(folder)
    except OSError:  # gone or unreadable: the loader says which
        return
    with entries:
        for entry in entries:
            if _entered(entry):
                yield from _walk(entry.path)
            elif _listed(entry):
                yield entry.path


def _entered(entry: os.DirEntry) -> bool:
    """A folder the walk goes into: a real one, not hidden."""
    return entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")


def _listed(entry: os.DirEntry) -> bool:
    """An entry the walk yields: a file, or a link to a folder that is not hidden."""
    return not entry.is_dir(follow_symlinks=False) and (not entry.name.startswith(".") or not entry.is_dir())
