"""sitemap.xml per site, a sitemap index on the portal, and robots.txt."""
from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.config.model import Site
from sitegen.job import Job

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap(sp: SitePlan, html_rels: list[str]) -> Job:
    """Return the site's sitemap: every HTML page but the 404 page and listing pages after the first."""
    rels = sorted(rel for rel in html_rels if rel != "404.html" and "/page/" not in f"/{rel}")
    lastmod = _lastmods(sp)
    dated = [(rel, lastmod.get(rel)) for rel in rels]
    return Job("sitemap.xml", (sp.site, dated), lambda: _urlset(sp.site, dated), "sitemap")


def _urlset(site: Site, dated: list[tuple[str, datetime | None]]) -> bytes:
    rows = "".join(_entry("url", urls.absolute(site, rel), mod) for rel, mod in dated)
    return f"{HEAD}<urlset {NS}>\n{rows}</urlset>\n".encode()


def sitemap_index(plan: Plan) -> Job:
    """Return the portal's index of every site's sitemap."""
    dated = [(sp.site, sp.latest[0].date if sp.latest else None) for sp in plan.sites.values()]

    def make() -> bytes:
        rows = "".join(_entry("sitemap", urls.absolute(site, "sitemap.xml"), mod) for site, mod in dated)
        return f"{HEAD}<sitemapindex {NS}>\n{rows}</sitemapindex>\n".encode()
    return Job("sitemap_index.xml", (dated,), make, "sitemap_index")


def robots(site: Site) -> Job:
    """Return robots.txt pointing at the site's sitemap (the portal's also at the index)."""
    lines = ["User-agent: *", "Disallow:", "", f"Sitemap: {urls.absolute(site, 'sitemap.xml')}"]
    if site.kind == "portal":
        lines.append(f"Sitemap: {urls.absolute(site, 'sitemap_index.xml')}")
    return Job.data("robots.txt", ("\n".join(lines) + "\n").encode(), "robots")


def _lastmods(sp: SitePlan) -> dict[str, datetime | None]:
    out: dict[str, datetime | None] = {p.path: p.date for p in sp.pages}
    for cid, pages in sp.listings.items():
        out[f"{cid}/"] = max((p.date for p in pages if p.date), default=None)
    out[""] = sp.latest[0].date if sp.latest else None
    return out


def _entry(tag: str, loc: str, lastmod: datetime | None) -> str:
    mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    return f"  <{tag}><loc>{escape(loc)}</loc>{mod}</{tag}>\n"
