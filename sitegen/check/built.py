"""The built pages as the output rules read them: each HTML file of a checked site, with the source it came from.

The pages are read one at a time (a cluster's pages do not all fit in memory at once on a small server) and split
into head and body, so that a value in a meta tag is not taken for the same value shown to readers.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen import urls
from sitegen.check.context import CheckContext
from sitegen.config.model import Cluster, Site
from sitegen.content.page import Page
from sitegen.traditional.links import FOLDER

HREF_RX = re.compile(r"\bhref\s*=\s*\"([^\"]*)\"")  # the links of a built page (attributes are always double-quoted)
# theme files and search index: no page of the site; the 繁體 pages are converted from the pages checked here (their
# footer and meta identifiers are in Traditional characters, which the rules would take for missing)
SKIPPED = frozenset({"static", "pagefind", FOLDER})


@dataclass(frozen=True)
class BuiltPage:
    """One HTML file of the build, as readers get it."""

    site: Site
    rel: str  # site-relative URL path: '' (home), 'news/', 'news/page/2/', 'news/x/', '404.html'
    head: str
    body: str
    source: Page | None  # the article it shows, if it shows one
    column: str | None  # the column whose listing it is, if it is one

    @property
    def kind(self) -> str:
        """Return 'home', 'article', 'list' or 'other'."""
        if self.rel == "":
            return "home"
        return "article" if self.source else "list" if self.column else "other"

    @property
    def path(self) -> str | None:
        """Return the source file relative to the cluster root, if the page has one."""
        return self.source.source.as_posix() if self.source else None


def page_files(ctx: CheckContext) -> list[tuple[str, str]]:
    """Return every HTML file of the checked sites as (site id, file relative to the site's folder), in a stable order."""
    return [(site, rel) for site in ctx.sites for rel in html_files(ctx.out / site)]


def located(ctx: CheckContext, site_id: str, rel: str, head: str = "", body: str = "") -> BuiltPage:
    """Return the page the file `rel` of a site serves (its text left empty unless given)."""
    sp = ctx.plan.sites[site_id]
    url_rel = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
    articles = ctx.once(f"articles {site_id}", lambda: {p.path: p for p in sp.pages})
    return BuiltPage(sp.site, url_rel, head, body, articles.get(url_rel), _listing(sp.site, url_rel, articles))


def read_page(ctx: CheckContext, site_id: str, rel: str) -> BuiltPage:
    """Return the page the file `rel` of a site serves, with its text split into head and body."""
    text = (ctx.out / site_id / rel).read_text(encoding="utf-8", errors="replace")
    head, _unused, body = text.partition("<body")
    return located(ctx, site_id, rel, head, body)


def html_files(folder: Path) -> list[str]:
    """Return the HTML files under a site's output folder, relative to it, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel_dir = os.path.relpath(dirpath, folder)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in SKIPPED]
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        found += [prefix + name for name in filenames if name.endswith(".html")]
    return sorted(found)


def _listing(site: Site, rel: str, articles: dict[str, Page]) -> str | None:
    """Return the column whose listing (first or later page) `rel` is, else None."""
    first = rel.split("/", 1)[0]
    if first not in site.columns or rel in articles:
        return None
    rest = rel[len(first) + 1:]
    return first if rest == "" or (rest.startswith("page/") and rest.count("/") == 2) else None


def resolve(cluster: Cluster, page_url: str, ref: str) -> tuple[Site, str] | None:
    """Return the site and site-relative path a link on the page at `page_url` leads to, or None if it leaves the cluster."""
    target = urlsplit(urljoin(page_url, ref))
    if target.scheme not in ("http", "https"):
        return None
    origin = f"{target.scheme}://{target.netloc}"
    owners = [s for s in cluster.sites.values() if s.origin == origin and target.path.startswith(s.prefix)]
    if not owners:
        return None
    site = max(owners, key=lambda s: len(s.prefix))
    return site, unquote(target.path[len(site.prefix):])


def output_path(out: Path, site: Site, rel: str) -> Path:
    """Return the file of the build that serves `rel` of `site`."""
    return out / urls.output_file(site, rel)
