"""Collect every output file of a site: HTML, feeds, sitemaps, static files, page assets."""
from __future__ import annotations

from . import urls
from .assemble import Plan, SitePlan
from .feeds import feeds
from .publish import Output
from .render import SiteRenderer
from .sitemap import robots, sitemap, sitemap_index
from .theme import static_files, theme_of


def site_outputs(plan: Plan, sp: SitePlan) -> dict[str, Output]:
    """Return every file of one site, keyed by its path under the build folder."""
    site = sp.site
    static, assets = static_files(plan.cluster, site, theme_of(plan.cluster, site))
    html = SiteRenderer(plan, sp, assets).render_all()
    files: dict[str, Output] = {**static, **html}
    files.update(feeds(plan.cluster, sp))
    files["sitemap.xml"] = sitemap(sp, list(html))
    files["robots.txt"] = robots(site, plan)
    if site.kind == "portal":
        files["sitemap_index.xml"] = sitemap_index(plan)
    for page in sp.pages:
        files.update({page.path + a.name: a.source for a in page.attachments})
        files.update({page.path + name: src for name, src in page.assets.items()})
    return {urls.output_file(site, rel): data for rel, data in sorted(files.items())}
