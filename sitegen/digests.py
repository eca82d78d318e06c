"""Digests shared by every stage: of strings, and of sitegen's own code (an upgrade rebuilds everything)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_version() -> str:
    """Return a digest of sitegen's own code and data: an upgrade rebuilds everything."""
    h = hashlib.sha1()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def text_digest(data: bytes) -> str:
    """Return the digest of a text source's bytes, as the digest of a build's inputs and the loader's cache keys use it."""
    return hashlib.sha1(data).hexdigest()


def hexdigest(*parts: str) -> str:
    """Return a short digest of strings."""
    return short_digest("\0".join(parts).encode("utf-8", "surrogatepass"))


def short_digest(data: bytes) -> str:
    """Return the short digest of bytes: a string's `hexdigest` is that of its UTF-8 form."""
    return hashlib.sha1(data).hexdigest()[:20]
