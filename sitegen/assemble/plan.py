"""Stage 3, assemble: columns, tags, neighbours and cross-site aggregations, before anything renders."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sitegen.assemble.special import Special, specials
from sitegen.config.model import Cluster, Site
from sitegen.content.load import Content
from sitegen.content.page import FolderIndex, Page
from sitegen.content.profile import Profile
from sitegen.errors import Problem
from sitegen.i18n import _
from sitegen.submissions.routing import Routing
from sitegen.urls import tag_slug

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AGGREGATE_ITEMS = 10  # items per group on the portal home


@dataclass
class Tag:
    """A tag of one site and its pages, newest first."""

    slug: str
    name: str
    pages: list[Page] = field(default_factory=list)


@dataclass
class SitePlan:
    """Everything one site renders, already ordered."""

    site: Site
    columns: dict[str, list[Page]]  # the site's own pages, listing order: pinned, then newest
    listings: dict[str, list[Page]]  # what each column lists: its pages and the other sites' adopted items (报送采用)
    standalone: list[Page]
    tags: dict[str, Tag]
    latest: list[Page]  # every column page, newest first
    neighbours: dict[Path, tuple[Page | None, Page | None]]  # (newer, older) within the column
    specials: dict[str, Special] = field(default_factory=dict)  # special columns (专题): introduction and sections

    @property
    def pages(self) -> list[Page]:
        """Every page of the site, column pages first."""
        return [p for col in self.columns.values() for p in col] + self.standalone


@dataclass
class Plan:
    """The assembled cluster: the render stage's only input besides the templates."""

    cluster: Cluster
    profile: Profile
    sites: dict[str, SitePlan]
    pages: dict[Path, Page]  # by source path
    withheld: set[Path]
    warnings: list[Problem]
    routing: Routing = field(default_factory=Routing)  # submissions (信息报送) and what each target column adopted
    unreviewed: list[Page] = field(default_factory=list)  # pages of review-required sites without an approver

    def aggregate(self, kind: str, limit: int = AGGREGATE_ITEMS) -> list[Page]:
        """Return the newest pages of all sites of `kind`, for the portal home."""
        pool = [p for sp in self.sites.values() if sp.site.kind == kind for p in sp.latest[:limit]]
        return sorted(pool, key=newest_first)[:limit]


def newest_first(page: Page) -> tuple:
    """Sort key: newest first, then a stable order."""
    return (-(page.date or EPOCH).timestamp(), page.site, page.path)


def listing_order(page: Page) -> tuple:
    """Sort key of a column listing: pinned (lighter weight first), then newest."""
    return (not page.meta.pinned, page.meta.weight if page.meta.pinned else 0, *newest_first(page))


def assemble(cluster: Cluster, content: Content, profile: Profile, routing: Routing | None = None,
             unreviewed: list[Page] | None = None) -> Plan:
    """Return the plan of the whole cluster, with the items each site adopted from others in its listings."""
    routing = routing or Routing()
    by_site: dict[str, list[Page]] = {sid: [] for sid in cluster.sites}
    for page in content.pages:
        by_site[page.site].append(page)
    warnings = list(content.warnings) + routing.warnings
    sites = {sid: _site_plan(cluster.sites[sid], pages, routing, warnings, content.indexes) for sid, pages in by_site.items()}
    return Plan(cluster, profile, sites, {p.source: p for p in content.pages}, content.withheld, warnings, routing,
                unreviewed or [])


def _site_plan(site: Site, pages: list[Page], routing: Routing, warnings: list[Problem],
               indexes: list[FolderIndex]) -> SitePlan:
    columns = {cid: sorted((p for p in pages if p.column == cid), key=listing_order) for cid in site.columns}
    latest = sorted((p for p in pages if p.column), key=newest_first)
    listings = {cid: _listing(site.id, own, routing.adopted_in(site.id, cid)) for cid, own in columns.items()}
    return SitePlan(
        site=site,
        columns=columns,
        listings=listings,
        standalone=sorted((p for p in pages if p.column is None), key=lambda p: p.slug),
        tags=_tags(latest, warnings),
        latest=latest,
        neighbours=_neighbours(columns),
        specials=specials(site, columns, indexes),
    )


def _listing(site_id: str, own: list[Page], adopted: list[Page]) -> list[Page]:
    """Return a column's own pages and the items it adopted, in listing order."""
    if not adopted:
        return own
    # an adopted item is pinned on its own site only: in the target column it takes its place by date
    return sorted(own + adopted, key=lambda p: listing_order(p) if p.site == site_id else (True, 0, *newest_first(p)))


def _tags(latest: list[Page], warnings: list[Problem]) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    for page in latest:
        for name in dict.fromkeys(page.meta.tags):
            slug = tag_slug(name)
            tag = tags.setdefault(slug, Tag(slug, name))
            if name != tag.name and not any(w.message.endswith(f"'{name}'") for w in warnings):
                warnings.append(Problem(_("the tags '{tag_name}' and '{name}' share one page (tags/{slug}/), shown as "
                                          "'{tag_name}'").format(tag_name=tag.name,
                        name=name, slug=slug), page.source, page.lines.get("tags"),
                                        hint=_("write the tag as '{tag_name}' everywhere, or make the two differ in letters")
                                             .format(tag_name=tag.name)))
            tag.pages.append(page)
    return dict(sorted(tags.items()))


def _neighbours(columns: dict[str, list[Page]]) -> dict[Path, tuple[Page | None, Page | None]]:
    out: dict[Path, tuple[Page | None, Page | None]] = {}
    for pages in columns.values():
        ordered = sorted(pages, key=newest_first)
        for i, page in enumerate(ordered):
            newer = ordered[i - 1] if i > 0 else None
            older = ordered[i + 1] if i + 1 < len(ordered) else None
            out[page.source] = (newer, older)
    return out
