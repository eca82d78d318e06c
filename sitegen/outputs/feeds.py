"""RSS 2.0 and Atom feeds for every site and every column (feedgen)."""
from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from sitegen import urls
from sitegen.assemble.plan import EPOCH, SitePlan, newest_first
from sitegen.config.model import Cluster, Site
from sitegen.content.page import Page
from sitegen.job import Job

RSS_NAME = "feed.xml"
ATOM_NAME = "atom.xml"
NAMES = (RSS_NAME, ATOM_NAME)


def jobs(cluster: Cluster, sp: SitePlan) -> list[Job]:
    """Return the site feed and one feed per column, both formats; items adopted from other sites link to their origin."""
    site = sp.site
    limit = cluster.feed_items
    adopted = list({id(p): p for pages in sp.listings.values() for p in pages if p.site != site.id}.values())
    latest = sorted(sp.latest[:limit] + adopted, key=newest_first)[:limit] if adopted else sp.latest[:limit]
    out = _pair(cluster, site, "", site.name, site.description or site.name, latest)
    for column in site.columns.values():
        items = sorted(sp.listings[column.id], key=newest_first)[:limit]
        out += _pair(cluster, site, f"{column.id}/", f"{column.title} - {site.name}", column.description or column.title, items)
    return out


def _pair(cluster: Cluster, site: Site, base: str, title: str, description: str, items: list[Page]) -> list[Job]:
    inputs = (site, base, title, description, items)
    return [Job(base + RSS_NAME, inputs, lambda: _feed(cluster, *inputs, RSS_NAME).rss_str(pretty=True), "feed:rss"),
            Job(base + ATOM_NAME, inputs, lambda: _feed(cluster, *inputs, ATOM_NAME).atom_str(pretty=True), "feed:atom")]


def _feed(cluster: Cluster, site: Site, base: str, title: str, description: str, items: list[Page],
          self_name: str) -> FeedGenerator:
    # no clock in the output: the feed is as new as its newest item, so rebuilds are byte-identical
    updated = max((p.date for p in items if p.date), default=EPOCH)
    return _generator(cluster, site, base, title, description, updated, items, self_name)


def _generator(cluster: Cluster, site: Site, base: str, title: str, description: str, updated: datetime,
               items: list[Page], self_name: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(urls.absolute(site, base))
    fg.title(title)
    fg.author(name=site.name)
    # feedgen takes the last link as the RSS channel link: the self link must come first
    fg.link(href=urls.absolute(site, base + self_name), rel="self")
    fg.link(href=urls.absolute(site, base), rel="alternate")
    fg.description(description)
    fg.language(cluster.language)
    fg.lastBuildDate(updated)
    fg.updated(updated)
    for page in items:
        entry = fg.add_entry(order="append")
        origin = cluster.sites[page.site]  # an adopted item lives at its own site
        link = urls.absolute(origin, page.path)
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(page.title)
        entry.link(href=link)
        entry.published(page.date)
        entry.updated(page.date)
        entry.summary(page.summary or page.title)
        entry.description(page.summary or page.title)
        if page.site != site.id:
            entry.author(name=origin.name)  # 来源: the unit that submitted it
        for tag in page.meta.tags:
            entry.category(term=tag)
    return fg
