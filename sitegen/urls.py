"""URLs and output paths: one place decides where every page lives."""
from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import quote


class Site(Protocol):
    """What URLs need of a site: its id (its output folder), its origin and its path on that origin."""

    @property
    def id(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def prefix(self) -> str: ...


SLUG_RX = re.compile(r"[\w][\w.-]*")


def is_safe_slug(slug: str) -> bool:
    """Return True if `slug` is one path segment that cannot climb out of its folder."""
    return bool(SLUG_RX.fullmatch(slug)) and ".." not in slug


def tag_slug(tag: str) -> str:
    """Return the URL segment of a tag: word characters kept (Chinese included), the rest '-'."""
    return re.sub(r"[^\w]+", "-", tag.strip().lower()).strip("-") or "tag"


_PLAIN = re.compile(r"[A-Za-z0-9/#?=&._~-]*")


def path(site: Site, rel: str = "") -> str:
    """Return the root-relative URL of `rel` on the site's own host, percent-encoded."""
    text = site.prefix + rel
    # most URLs need no escaping; quote() is the slow part of rendering a listing
    return text if _PLAIN.fullmatch(text) else quote(text, safe="/#?=&")


def absolute(site: Site, rel: str = "") -> str:
    """Return the absolute URL of `rel` in `site` (feeds, sitemaps, canonical links)."""
    return site.origin + path(site, rel)


def href(here: Site, there: Site, rel: str = "") -> str:
    """Return the link from a page of `here` to `rel` in `there`: a path on the same host, else absolute."""
    return path(there, rel) if here.origin == there.origin else absolute(there, rel)


def output_file(site: Site, rel: str) -> str:
    """Return the output file (relative to the build folder) for the site-relative URL `rel`."""
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return f"{site.id}/{rel}"


def page_rel(base: str, number: int) -> str:
    """Return the site-relative URL of listing page `number` of the listing at `base`."""
    return base if number == 1 else f"{base}page/{number}/"
