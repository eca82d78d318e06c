"""Collect every output file of a site as jobs: HTML, feeds, sitemaps, static files, page assets."""
from __future__ import annotations

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.job import Job
from sitegen.outputs.feeds import feeds
from sitegen.outputs.pages import SiteRenderer
from sitegen.outputs.sitemap import robots, sitemap, sitemap_index
from sitegen.outputs.theme import static_files, theme_of


def site_jobs(plan: Plan, sp: SitePlan, shared: list[Job]) -> list[Job]:
    """Return every output of one site, placed under the build folder, in a stable order."""
    site = sp.site
    static, assets = static_files(plan.cluster, site, theme_of(plan.cluster, site))
    html = SiteRenderer(plan, sp, assets).jobs()
    jobs = static + html + feeds(plan.cluster, sp) + shared
    jobs.append(sitemap(sp, [job.rel for job in html]))
    jobs.append(robots(site))
    if site.kind == "portal":
        jobs.append(sitemap_index(plan))
    for page in sp.pages:
        jobs += [Job.copy(page.path + a.name, a.source) for a in page.attachments]
        jobs += [Job.copy(page.path + name, src) for name, src in page.assets.items()]
    placed = {urls.output_file(site, job.rel): job for job in jobs}  # a later job for the same file wins
    return [placed[rel].placed(rel) for rel in sorted(placed)]
