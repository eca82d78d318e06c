"""Everything a build reads, digested: a build whose inputs all match the last one's has nothing to do.

Text sources (Markdown, YAML) are digested by content; other files (images, attachments, theme files) by
size and modification time. Which pages a build admits also depends on the clock: `window` says for which
moments the admitted set stays the same.
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import Iterable

from .fingerprint import code_version
from .frontmatter import PageMeta
from .models import Cluster

TEXT = (".md", ".yaml", ".yml")
Window = tuple[float | None, float | None]  # [from, until) as timestamps; None: unbounded


def digest(cluster: Cluster, settings: str) -> str:
    """Return the digest of sitegen's code, the build settings and every file the build reads."""
    h = hashlib.sha1(f"{code_version()}\0{settings}\0{cluster.taxonomy!r}\0".encode())
    files = [cluster.root / "sites.yaml"]
    files += [cluster.root / s.theme_options.logo for s in cluster.sites.values() if s.theme_options.logo]
    for path in map(str, files + sorted(_walk(cluster.content_dir)) + sorted(_walk(cluster.themes_dir))):
        h.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if path.endswith(TEXT):
                with open(path, "rb") as fh:
                    h.update(fh.read())
            else:
                st = os.stat(path)
                h.update(f"{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            h.update(b"missing")
        h.update(b"\0")
    return h.hexdigest()


def _walk(folder: Path) -> Iterable[str]:
    for base, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (os.path.join(base, name) for name in files)


def window(metas: Iterable[PageMeta], now: datetime) -> Window:
    """Return the span of moments around `now` in which no page is published or expires."""
    moments = {t.timestamp() for m in metas for t in (m.publish_at, m.expire_at) if t is not None}
    at = now.timestamp()
    return max((t for t in moments if t <= at), default=None), min((t for t in moments if t > at), default=None)


def within(span: Window, now: datetime) -> bool:
    """Return True if `now` lies in the span."""
    at = now.timestamp()
    return (span[0] is None or span[0] <= at) and (span[1] is None or at < span[1])
