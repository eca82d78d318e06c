"""Where a link in a Traditional page leads: pages of the cluster to their 繁體 counterparts, everything else as it was."""
from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from sitegen import urls

FOLDER = "zh-hant"  # below every site: the Traditional counterparts of its pages


class Addresses:
    """The cluster's sites by origin and path, to tell which URLs are pages of the cluster."""

    def __init__(self, sites: Iterable[urls.Site]):
        # the longest prefix first: a sub-site mounted under the portal's path owns the URLs below it
        self.sites = sorted(((s.origin, s.prefix) for s in sites), key=lambda s: len(s[1]), reverse=True)
        # every page has the same navigation, header and footer links: work each one out once
        self._fixed = functools.lru_cache(maxsize=8192)(self._retarget)

    def prefix(self, origin: str, path: str) -> str | None:
        """Return the path of the cluster's site at `origin` that `path` lies in, or None."""
        return next((prefix for o, prefix in self.sites if o == origin and path.startswith(prefix)), None)

    def retarget(self, href: str, origin: str, here: str) -> str:
        """Return the link a Traditional page writes for `href`, written in the Simplified page at `origin` + `here`."""
        if href.startswith("/") or "://" in href:  # where the page is does not matter
            return self._fixed(href, origin, "/")
        return self._retarget(href, origin, here)

    def _retarget(self, href: str, origin: str, here: str) -> str:
        parts = urlsplit(href.strip())
        if parts.scheme not in ("", "http", "https") or (not parts.path and not parts.netloc):
            return href  # mailto:, tel:, javascript:, a fragment or a query of the page itself
        if parts.netloc:
            if not parts.scheme:
                return href
            origin = f"{parts.scheme}://{parts.netloc}"
        path = parts.path if parts.path.startswith("/") else _join(here, parts.path)
        prefix = self.prefix(origin, path)
        if prefix is None or not is_page(path[len(prefix):]):
            # a relative link to a file beside the page: the file stays beside the Simplified page
            return href if path == parts.path else urlunsplit(("", "", path, parts.query, parts.fragment))
        path = prefix + f"{FOLDER}/" + path[len(prefix):]
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def is_page(rel: str) -> bool:
    """Tell whether a site-relative URL is an HTML page with a Traditional counterpart (not a file, not one already)."""
    if rel == FOLDER or rel.startswith(f"{FOLDER}/"):
        return False
    return rel == "" or rel.endswith(("/", ".html"))


def _join(here: str, ref: str) -> str:
    """Return the root-relative path of `ref` relative to the page at `here`."""
    base = here if here.endswith("/") else posixpath.dirname(here) + "/"
    joined = posixpath.normpath(posixpath.join(base, ref))
    return joined + "/" if ref.endswith("/") and not joined.endswith("/") else joined
