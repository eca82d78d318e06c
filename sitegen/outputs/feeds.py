"""RSS 2.0 and Atom feeds for every site and every column (feedgen), with the full text; and the page listing them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from sitegen import urls
from sitegen.assemble.plan import EPOCH, newest_first
from sitegen.config.model import Cluster, Site
from sitegen.content.markdown import absolute_links
from sitegen.content.page import Page
from sitegen.job import Job
from sitegen.outputs.pages import SiteRenderer

RSS_NAME = "feed.xml"
ATOM_NAME = "atom.xml"
NAMES = (RSS_NAME, ATOM_NAME)
ENTRY_TEMPLATE = "feed_entry.html"  # an item's full text as feeds carry it: the article's body, cover and attachments
SUBSCRIBE_DIR = "subscribe"


@dataclass(frozen=True)
class FeedSpec:
    """One feed of a site in both formats: where it is and what it is called."""

    base: str  # site-relative URL of what it follows: '' for the whole site, '<column>/' for a column
    name: str  # what it follows: the site's or the column's name
    title: str  # the feed's own title, as a reader lists it
    description: str


@dataclass(frozen=True)
class FeedLink:
    """One feed as the subscribe page shows it: its name, what it carries and both addresses."""

    title: str
    description: str
    rss: str
    atom: str


def specs(site: Site) -> list[FeedSpec]:
    """Return the site's feeds: the whole site first, then one per column."""
    out = [FeedSpec("", site.name, site.name, site.description or site.name)]
    return out + [FeedSpec(f"{c.id}/", c.title, f"{c.title} - {site.name}", c.description or c.title) for c in site.columns.values()]


def jobs(r: SiteRenderer) -> list[Job]:
    """Return the site feed and one feed per column, both formats; items adopted from other sites link to their origin."""
    sp, limit = r.sp, r.cluster.feed_items
    adopted = list({id(p): p for pages in sp.listings.values() for p in pages if p.site != r.site.id}.values())
    latest = sorted(sp.latest[:limit] + adopted, key=newest_first)[:limit] if adopted else sp.latest[:limit]
    text = _texts(r)
    out: list[Job] = []
    for spec in specs(r.site):
        items = latest if not spec.base else sorted(sp.listings[spec.base[:-1]], key=newest_first)[:limit]
        out += _pair(r, spec, items, text)
    return out


def _texts(r: SiteRenderer) -> Callable[[Page], str]:
    """Return the full text of an item with absolute URLs, made once per item however many feeds carry it."""
    made: dict[int, str] = {}

    def text(page: Page) -> str:
        found = made.get(id(page))
        if found is None:
            rendered = r.page(ENTRY_TEMPLATE, page.path, column_name=page.title, source=page.source, page=page).decode("utf-8")
            found = made[id(page)] = absolute_links(rendered.strip(), urls.absolute(r.cluster.sites[page.site], page.path))
        return found
    return text


def _pair(r: SiteRenderer, spec: FeedSpec, items: list[Page], text: Callable[[Page], str]) -> list[Job]:
    cluster, site = r.cluster, r.site
    inputs = (site, spec.base, spec.title, spec.description, items)
    template = (r.env, ENTRY_TEMPLATE)
    return [Job(spec.base + RSS_NAME, inputs, lambda: _feed(cluster, site, spec, items, RSS_NAME, text).rss_str(pretty=True),
                "feed:rss", template=template),
            Job(spec.base + ATOM_NAME, inputs, lambda: _feed(cluster, site, spec, items, ATOM_NAME, text).atom_str(pretty=True),
                "feed:atom", template=template)]


def _feed(cluster: Cluster, site: Site, spec: FeedSpec, items: list[Page], self_name: str,
          text: Callable[[Page], str]) -> FeedGenerator:
    # no clock in the output: the feed is as new as its newest item, so rebuilds are byte-identical
    updated = max((p.date for p in items if p.date), default=EPOCH)
    fg = _generator(cluster, site, spec, updated, self_name)
    for page in items:
        _entry(fg, cluster, site, page, text(page))
    return fg


def _generator(cluster: Cluster, site: Site, spec: FeedSpec, updated: datetime, self_name: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(urls.absolute(site, spec.base))
    fg.title(spec.title)
    fg.author(name=site.name)
    # feedgen takes the last link as the RSS channel link: the self link must come first
    fg.link(href=urls.absolute(site, spec.base + self_name), rel="self")
    fg.link(href=urls.absolute(site, spec.base), rel="alternate")
    fg.description(spec.description)
    fg.language(cluster.language)
    fg.lastBuildDate(updated)
    fg.updated(updated)
    return fg


def _entry(fg: FeedGenerator, cluster: Cluster, site: Site, page: Page, text: str) -> None:
    entry = fg.add_entry(order="append")
    origin = cluster.sites[page.site]  # an adopted item lives at its own site
    link = urls.absolute(origin, page.path)
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(page.title)
    entry.link(href=link)
    entry.published(page.date)
    entry.updated(page.date)
    # the summary stays the RSS description and the Atom summary; the full text is content:encoded and Atom's content
    entry.description(page.summary or page.title, isSummary=True)
    entry.content(text, type="html")
    if page.site != site.id:
        entry.author(name=origin.name)  # 来源: the unit that submitted it
    for tag in page.meta.tags:
        entry.category(term=tag)


def subscribe_page(r: SiteRenderer) -> list[Job]:
    """Return the site's 订阅 page: every feed of the site, both formats, with the addresses to copy."""
    links = [FeedLink(s.name, s.description, urls.absolute(r.site, s.base + RSS_NAME), urls.absolute(r.site, s.base + ATOM_NAME))
             for s in specs(r.site)]
    return [r.job("subscribe.html", f"{SUBSCRIBE_DIR}/", column_name="订阅", site_feed=links[0], column_feeds=links[1:])]
