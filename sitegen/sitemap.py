"""sitemap.xml per site, a sitemap index on the portal, and robots.txt."""
from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from . import urls
from .assemble import Plan, SitePlan
from .models import Site

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap(sp: SitePlan, html_rels: list[str]) -> bytes:
    """Return the site's sitemap: every HTML page but the 404 page and listing pages after the first."""
    lastmod = _lastmods(sp)
    rows = []
    for rel in sorted(html_rels):
        if rel == "404.html" or "/page/" in f"/{rel}":
            continue
        rows.append(_entry("url", urls.absolute(sp.site, rel), lastmod.get(rel)))
    return f"{HEAD}<urlset {NS}>\n{''.join(rows)}</urlset>\n".encode()


def sitemap_index(plan: Plan) -> bytes:
    """Return the portal's index of every site's sitemap."""
    rows = [_entry("sitemap", urls.absolute(sp.site, "sitemap.xml"), sp.latest[0].date if sp.latest else None)
            for sp in plan.sites.values()]
    return f"{HEAD}<sitemapindex {NS}>\n{''.join(rows)}</sitemapindex>\n".encode()


def robots(site: Site, plan: Plan) -> bytes:
    """Return robots.txt pointing at the site's sitemap (the portal's also at the index)."""
    lines = ["User-agent: *", "Disallow:", "", f"Sitemap: {urls.absolute(site, 'sitemap.xml')}"]
    if site.kind == "portal":
        lines.append(f"Sitemap: {urls.absolute(site, 'sitemap_index.xml')}")
    return ("\n".join(lines) + "\n").encode()


def _lastmods(sp: SitePlan) -> dict[str, datetime | None]:
    out: dict[str, datetime | None] = {p.path: p.date for p in sp.pages}
    for cid, pages in sp.columns.items():
        out[f"{cid}/"] = max((p.date for p in pages if p.date), default=None)
    out[""] = sp.latest[0].date if sp.latest else None
    return out


def _entry(tag: str, loc: str, lastmod: datetime | None) -> str:
    mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    return f"  <{tag}><loc>{escape(loc)}</loc>{mod}</{tag}>\n"
