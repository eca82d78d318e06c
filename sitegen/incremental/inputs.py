"""Everything a build reads, digested: a build whose inputs all match the last one's has nothing to do.

Text sources (Markdown, YAML) are digested by content; other files (images, attachments, theme files) by
size and modification time. Which pages a build admits also depends on the clock: see `profile.window`.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from sitegen.config.model import Cluster
from sitegen.digests import code_version
from sitegen.outputs.theme import shipped_themes

TEXT = (".md", ".yaml", ".yml")


def digest(cluster: Cluster, settings: str) -> str:
    """Return the digest of sitegen's code, the build settings and every file the build reads."""
    h = hashlib.sha1(f"{code_version()}\0{settings}\0{cluster.taxonomy!r}\0".encode())
    files = [cluster.root / "sites.yaml"]
    files += [cluster.root / path for s in cluster.sites.values() for path in s.theme_options.images().values()]
    folders = (cluster.content_dir, cluster.themes_dir, *shipped_themes(cluster))  # a shipped theme changes in an editable install
    for path in map(str, files + [p for folder in folders for p in sorted(_walk(folder))]):
        h.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if os.path.islink(path):  # where a link leads is an input too (the build refuses links out of a folder)
                h.update(os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
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
    """Yield every file below `folder` and every link to a folder (which the walk does not enter)."""
    for base, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (os.path.join(base, name) for name in files)
        yield from (os.path.join(base, name) for name in dirs if os.path.islink(os.path.join(base, name)))
