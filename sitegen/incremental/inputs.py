"""Everything a build reads, digested: a build whose inputs all match the last one's has nothing to do.

Text sources (Markdown, YAML) are digested by content; other files (images, attachments, theme files) by
size and modification time. Which pages a build admits also depends on the clock: see `profile.window`.
"""
from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config.model import Cluster
from sitegen.digests import code_version, text_digest
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

    def edited(self, before: Digests) -> list[str] | None:
        """Return the text sources whose contents alone changed since `before`, if nothing else did; else None."""
        if self.shared != before.shared or self.layouts != before.layouts or self.files.keys() != before.files.keys():
            return None
        return [path for path, text in self.files.items() if before.files[path] != text]


def digest(cluster: Cluster, settings: str, page_settings: str, known: KnownSources | None = None) -> Digests:
    """Return the digests of sitegen's code, the build settings and every file the build reads; a text source whose
    status is as `known` saw it last time is not read again."""
    known = known or KnownSources(None)
    known.begin()
    total = hashlib.sha1(f"{code_version()}\0{settings}\0{cluster.taxonomy!r}\0".encode())
    shared = hashlib.sha1(f"{code_version()}\0{page_settings}\0{cluster.taxonomy!r}\0".encode())
    sites = {site_id: hashlib.sha1() for site_id in cluster.sites}
    layouts = {site_id: hashlib.sha1() for site_id in cluster.sites}
    content = str(cluster.content_dir) + os.sep
    files = [cluster.root / "sites.yaml"]
    files += [cluster.root / path for s in cluster.sites.values() for path in s.theme_options.images().values()]
    folders = (cluster.content_dir, cluster.themes_dir, *shipped_themes(cluster))  # a shipped theme changes in an editable install
    texts: dict[str, str] = {}
    for path in map(str, files + [p for folder in folders for p in sorted(_walk(folder))]):
        site_id = path[len(content):].split(os.sep, 1)[0] if path.startswith(content) else None
        part = sites.get(site_id, shared) if site_id is not None else shared
        head, text = _chunk(path, texts, known)
        for h in (total, part):
            h.update(head + text + b"\0")
        if site_id in layouts:
            layouts[site_id].update(head + b"\0")
    return Digests(total.hexdigest(), shared.hexdigest(), {site_id: h.hexdigest() for site_id, h in sites.items()}, texts,
                   {site_id: h.hexdigest() for site_id, h in layouts.items()})


def _chunk(path: str, texts: dict[str, str], known: KnownSources) -> tuple[bytes, bytes]:
    """Return what a file adds to a digest: its path, where it links to, and its size and time; and apart, for a text
    source, the digest of its text (kept in `texts`, so the loader need not read an unchanged source again)."""
    parts = [path.encode("utf-8", "surrogateescape"), b"\0"]
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):  # where a link leads is an input too (the build refuses links out of a folder)
            parts += [os.readlink(path).encode("utf-8", "surrogateescape"), b"\0"]
            st = os.stat(path)
        if path.endswith(TEXT):
            found = known.digest(path, st)
            if found is None:
                with open(path, "rb") as fh:
                    found = text_digest(fh.read())
            known.saw(path, st, found)
            texts[path] = found
            return b"".join(parts), found.encode()
        parts.append(f"{st.st_size}\0{st.st_mtime_ns}".encode())
    except OSError:
        parts.append(b"missing")
    return b"".join(parts), b""


def _walk(folder: Path) -> Iterable[str]:
    """Yield every file below `folder` and every link to a folder (which the walk does not enter)."""
    for base, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (os.path.join(base, name) for name in files)
        yield from (os.path.join(base, name) for name in dirs if os.path.islink(os.path.join(base, name)))
