"""The output registry: every kind of output a site gets, the URLs it owns, and the rule that no two outputs meet.

Adding an output type is one producer here plus its module. The names a producer owns at the top of a site
(`tags`, `feed.xml`) or inside every column (`page`, `feed.xml`) are reserved for it: a column, a page or a
site mounted there is an error naming both, and so are two jobs for one file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.assemble.special import Special
from sitegen.config.model import Cluster, Column, Site
from sitegen.config.schema import ColumnType
from sitegen.disclosure.catalogue import catalogue_names, site_catalogue
from sitegen.disclosure.plan import DisclosurePlan
from sitegen.errors import AssembleError, BuildError, ConfigError, Problem
from sitegen.i18n import _
from sitegen.job import Job
from sitegen.outputs import feeds, pages, search_page, sitemap, special, theme
from sitegen.outputs.pages import SiteRenderer
from sitegen.traditional import links as traditional_links
from sitegen.traditional.pages import counterparts

ALL = frozenset({"portal", "department", "township"})
LISTED = frozenset(t for t in ColumnType if t not in (ColumnType.disclosure, ColumnType.special))  # shown as listing pages


@dataclass(frozen=True)
class Producer:
    """One kind of output: what it is called, which names of a site it owns, how it makes its jobs."""

    name: str  # as messages name it, e.g. "the tag pages"
    jobs: Callable[[SiteRenderer, list[Job]], list[Job]] | None  # (renderer, jobs made before) -> jobs; None: made elsewhere
    owns: tuple[str, ...] = ()  # first path segments of the site it writes under
    in_columns: tuple[str, ...] = ()  # names it writes inside the columns of `column_types`
    kinds: frozenset[str] = ALL  # the kinds of site that get it
    column_types: frozenset[ColumnType] = frozenset(ColumnType)
    settings: tuple[str, ...] = ()  # the sites.yaml keys that configure it ('sites[].x' for a key of every site)


PRODUCERS: tuple[Producer, ...] = (
    Producer("the theme's static files", None, owns=(theme.STATIC_DIR,),  # made first: templates need their names
             settings=("defaults.theme", "sites[].theme", "sites[].theme_options")),
    Producer("the home page", lambda r, _: pages.home(r), settings=("sites[].columns[].in_nav",)),
    Producer("the column listings", lambda r, _: column_jobs(r), in_columns=("page",), column_types=LISTED,
             settings=("defaults.page_size", "sites[].columns[].page_size")),
    Producer("the articles", lambda r, _: pages.articles(r), settings=("sites[].allow_html",)),
    Producer("the tag pages", lambda r, _: pages.tag_pages(r), owns=("tags",), settings=("defaults.page_size",)),
    Producer("the cluster navigation (站群导航)", lambda r, _: pages.cluster_navigation(r), owns=("sites",),
             kinds=frozenset({"portal"})),
    Producer("the 专题 index", lambda r, _: special.index(r), owns=(special.INDEX_DIR,), kinds=frozenset({"portal"})),
    Producer("the search page", lambda r, _: search_page.jobs(r), owns=("search",)),
    Producer("the search index", None, owns=(search_page.INDEX_DIR,)),  # written by the index stage
    Producer("the 404 page", lambda r, _: pages.not_found(r), owns=("404.html",)),
    Producer("the site map (网站地图)", lambda r, _: pages.site_map(r), owns=(pages.SITE_MAP,)),
    Producer("the 联系我们 page", lambda r, _: pages.contact(r), owns=(pages.CONTACT,), settings=("sites[].footer", "sites[].interaction")),
    Producer("the 无障碍声明 page", lambda r, _: pages.accessibility(r), owns=(pages.ACCESSIBILITY,)),
    Producer("the feeds", lambda r, _: feeds.jobs(r), owns=feeds.NAMES, in_columns=feeds.NAMES,
             settings=("defaults.feed_items",)),
    Producer("the subscribe page (订阅)", lambda r, _: feeds.subscribe_page(r), owns=(feeds.SUBSCRIBE_DIR,)),
    Producer("the files beside the pages", lambda r, _: page_files(r.sp)),
    Producer("the sitemap", lambda r, made: [sitemap.sitemap(r.sp, [j.rel for j in made if j.kind == "html"])],
             owns=("sitemap.xml",)),
    Producer("robots.txt", lambda r, _: [sitemap.robots(r.site)], owns=("robots.txt",)),
    Producer("the sitemap index", lambda r, _: [sitemap.sitemap_index(r.plan)], owns=("sitemap_index.xml",),
             kinds=frozenset({"portal"})),
    # after the sitemaps, which list the Simplified pages only; its name is reserved whether or not it is on
    Producer("the Traditional Chinese (繁體) pages", lambda r, made: traditional_pages(r, made), owns=(traditional_links.FOLDER,),
             settings=("cluster.traditional",)),
)


@dataclass(frozen=True)
class ColumnProducer:
    """The outputs of a column type that is not shown as listing pages, and the names they own inside the column."""

    jobs: Callable[[SiteRenderer, Column], list[Job]]
    owns: Callable[[Site], tuple[str, ...]]
    settings: tuple[str, ...] = ()


# Column types with outputs of their own; the others (LISTED) get the listing pages.
COLUMN_PRODUCERS: dict[ColumnType, ColumnProducer] = {
    ColumnType.disclosure: ColumnProducer(lambda r, c: site_catalogue(r.plan, r.disclosure, r.sp, c, r.job,
                                                                         pages.paginate),
                                          lambda site: catalogue_names(site.kind == "portal"),
                                          settings=("disclosure.index_format", "disclosure.topics", "disclosure.genres",
                                                    "sites[].columns[].page_size")),
    ColumnType.special: ColumnProducer(special.jobs, lambda site: (), settings=("defaults.page_size", "sites[].columns[].page_size",
                                                                            "sites[].columns[].archived")),
}


def column_jobs(r: SiteRenderer) -> list[Job]:
    """Return every column's pages, made by the producer of its type."""
    out: list[Job] = []
    for column in r.site.columns.values():
        make = COLUMN_PRODUCERS[column.type].jobs if column.type in COLUMN_PRODUCERS else pages.listing
        out += [job.owned_by(f"column '{column.id}' of site '{r.site.id}' (sites.yaml)") for job in make(r, column)]
    return out


def traditional_pages(r: SiteRenderer, made: list[Job]) -> list[Job]:
    """Return the 繁體 counterpart of every HTML page made before, when the cluster publishes them."""
    if not r.cluster.traditional:
        return []
    return counterparts(r.site, r.cluster.sites.values(), made)


def page_files(sp: SitePlan) -> list[Job]:
    """Return the attachments and linked files copied beside each page."""
    out = []
    for page in sp.pages + [p for s in sp.specials.values() for p in s.pages]:
        owner = page.source.as_posix()
        out += [Job.copy(page.path + a.name, a.source).owned_by(owner) for a in page.attachments]
        out += [Job.copy(page.path + name, src).owned_by(owner) for name, src in page.assets.items()]
    return out


def site_jobs(plan: Plan, disclosure: DisclosurePlan, sp: SitePlan, shared: list[Job]) -> list[Job]:
    """Return every output of one site, placed under the build folder, in a stable order; two for one file is an error."""
    chain = theme.theme_of(plan.cluster, sp.site)
    static, assets = theme.static_files(plan.cluster, sp.site, chain)
    renderer = SiteRenderer(plan, disclosure, sp, chain, assets)
    made = [job.owned_by(PRODUCERS[0].name) for job in static]
    for producer in PRODUCERS:
        if sp.site.kind in producer.kinds and producer.jobs is not None:
            made += [job if job.owner else job.owned_by(producer.name) for job in producer.jobs(renderer, made)]
    made += shared
    placed: dict[str, Job] = {}
    problems = []
    for job in made:
        rel = urls.output_file(sp.site, job.rel)
        if rel in placed:
            problems.append(Problem(_("two outputs want the file {rel}: {owner} and {owner2}").format(rel=rel, owner=placed[rel].owner,
                    owner2=job.owner),
                                    hint=_("rename the page or column so that its URL is free")))
        placed[rel] = job.placed(rel)
    problems += _file_and_folder(placed)
    if problems:
        raise BuildError(problems)
    return [placed[rel] for rel in sorted(placed)]


def _file_and_folder(placed: dict[str, Job]) -> list[Problem]:
    """Return a problem for every output file whose path another output needs as a folder."""
    problems = []
    for rel, job in placed.items():
        parts = rel.split("/")
        for i in range(1, len(parts) - 1):
            other = placed.get("/".join(parts[:i + 1]))
            if other is not None:
                problems.append(Problem(_("{owner} writes the file {rel}, which {owner2} needs as a folder").format(owner=other.owner,
                        rel=other.rel, owner2=job.owner),
                                        hint=_("rename the page or column so that its URL is free")))
    return problems


def reserved(site: Site) -> dict[str, str]:
    """Return the first path segments of a site that its outputs own, with the output's name."""
    return {name: p.name for p in PRODUCERS if site.kind in p.kinds for name in p.owns}


def reserved_in_column(site: Site, column: Column) -> dict[str, str]:
    """Return the names inside a column of a site that its outputs own."""
    names = {name: p.name for p in PRODUCERS if site.kind in p.kinds and column.type in p.column_types for name in p.in_columns}
    if column.type in COLUMN_PRODUCERS:
        names.update(dict.fromkeys(COLUMN_PRODUCERS[column.type].owns(site), f"the {column.type.value} pages of column '{column.id}'"))
    return names


def check_urls(plan: Plan) -> None:
    """Raise AssembleError naming both sides of every URL that two things want, in every site of the cluster."""
    problems = [p for sp in plan.sites.values() for p in _site_urls(sp)]
    problems += _mounts(plan.cluster, {p.slug: str(p.source) for p in plan.sites[plan.cluster.portal.id].standalone})
    if problems:
        raise AssembleError(problems)


def check_mounts(cluster: Cluster) -> None:
    """Raise ConfigError for every site mounted where another site or a generated output is (what config alone shows)."""
    problems = _mounts(cluster, {})
    if problems:
        raise ConfigError(problems)


def _site_urls(sp: SitePlan) -> list[Problem]:
    site, problems = sp.site, []
    owned = reserved(site)
    for column in site.columns.values():
        if column.id in owned:
            problems.append(Problem(_("column '{column_id}' of site '{site_id}' wants the URL {prefix}{column_id}/, which belongs to "
                                      "{value}").format(column_id=column.id, site_id=site.id, prefix=site.prefix,
                                                        value=owned[column.id]), "sites.yaml", hint=_("give the column another id")))
    for page in sp.standalone:
        taken = owned.get(page.slug) or (f"column '{page.slug}'" if page.slug in site.columns else None)
        if taken:
            problems.append(Problem(_("this page wants the URL {prefix}{slug}/, which belongs to {taken}").format(prefix=site.prefix,
                    slug=page.slug, taken=taken),
                                    page.source, hint=_("rename the file or give it another 'slug:'")))
    for column in site.columns.values():
        inside = reserved_in_column(site, column)
        problems += [Problem(_("this page wants the URL {prefix}{page_path}, which belongs to {value}").format(prefix=site.prefix,
                page_path=page.path, value=inside[page.slug]),
                             page.source, hint=_("rename the file or give it another 'slug:'"))
                     for page in sp.columns[column.id] if page.slug in inside]
    for spec in sp.specials.values():
        problems += _section_urls(site, spec)
    return problems


def _section_urls(site: Site, spec: Special) -> list[Problem]:
    """Return a problem for every section of a special column, or item of a section, at a URL an output owns."""
    column = spec.column
    inside = reserved_in_column(site, column)
    problems = [Problem(_("the section folder '{section}' wants the URL {prefix}{column_id}/{section}/, which belongs to {value}")
                        .format(section=s.id, prefix=site.prefix, column_id=column.id, value=inside[s.id]),
                        f"content/{site.id}/{column.id}/{s.id}/", hint=_("rename the folder"))
                for s in spec.sections if s.id in inside]
    for section in spec.sections:
        problems += [Problem(_("this page wants the URL {prefix}{page_path}, which belongs to {value}").format(prefix=site.prefix,
                             page_path=page.path, value=_("the listing pages of its section")),
                             page.source, hint=_("rename the file or give it another 'slug:'"))
                     for page in section.pages if page.slug == special.PAGER]
    return problems


def _mounts(cluster: Cluster, portal_pages: dict[str, str]) -> list[Problem]:
    """Return a problem for every site mounted at a path another site, or one of its outputs or pages, owns."""
    problems = []
    order = list(cluster.sites)
    for outer in cluster.sites.values():
        for inner in cluster.sites.values():
            if inner is outer or inner.origin != outer.origin or not inner.prefix.startswith(outer.prefix):
                continue
            if inner.prefix == outer.prefix and order.index(inner.id) < order.index(outer.id):
                continue  # one address, two sites: said once, at the later one
            at = f"sites[{order.index(inner.id)}].url: site '{inner.id}' at '{inner.prefix}'"
            if inner.prefix == outer.prefix:
                problems.append(Problem(_("{at} has the same address as site '{outer_id}' ({base_url})").format(at=at, outer_id=outer.id,
                        base_url=outer.base_url),
                                        "sites.yaml", inner.line, hint=_("give each site its own path or host")))
            elif outer.prefix != "/" or outer.kind != "portal":
                problems.append(Problem(_("{at} lies inside site '{outer_id}' at '{prefix}', which owns every URL below it").format(at=at,
                        outer_id=outer.id, prefix=outer.prefix),
                                        "sites.yaml", inner.line, hint=_("mount the site at a path of its own")))
            else:
                first = inner.prefix.strip("/").split("/")[0]
                owner = _portal_owner(outer, portal_pages, first)
                if owner:
                    problems.append(Problem(_("{at}: '{prefix}' collides with the portal's own '/{first}/' ({owner})").format(at=at,
                            prefix=inner.prefix, first=first, owner=owner),
                                            "sites.yaml", inner.line, hint=_("choose another path for this site")))
    return problems


def _portal_owner(portal: Site, portal_pages: dict[str, str], segment: str) -> str | None:
    if segment in portal.columns:
        return f"column '{segment}' of site '{portal.id}'"
    return portal_pages.get(segment) or reserved(portal).get(segment)
