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
from sitegen.config.model import Cluster, Column, Site
from sitegen.config.schema import ColumnType
from sitegen.disclosure.catalogue import CATALOGUE_NAMES, site_catalogue
from sitegen.disclosure.plan import DisclosurePlan
from sitegen.errors import AssembleError, BuildError, Problem
from sitegen.job import Job
from sitegen.outputs import feeds, pages, search_page, sitemap, theme
from sitegen.outputs.pages import SiteRenderer

ALL = frozenset({"portal", "department", "township"})


@dataclass(frozen=True)
class Producer:
    """One kind of output: what it is called, which names of a site it owns, how it makes its jobs."""

    name: str  # as messages name it, e.g. "the tag pages"
    jobs: Callable[[SiteRenderer, list[Job]], list[Job]] | None  # (renderer, jobs made before) -> jobs; None: made elsewhere
    owns: tuple[str, ...] = ()  # first path segments of the site it writes under
    in_columns: tuple[str, ...] = ()  # names it writes inside every column
    kinds: frozenset[str] = ALL  # the kinds of site that get it


PRODUCERS: tuple[Producer, ...] = (
    Producer("the theme's static files", None, owns=(theme.STATIC_DIR,)),  # made first: templates need their names
    Producer("the home page", lambda r, _: pages.home(r)),
    Producer("the column listings", lambda r, _: column_jobs(r), in_columns=("page",)),
    Producer("the articles", lambda r, _: pages.articles(r)),
    Producer("the tag pages", lambda r, _: pages.tag_pages(r), owns=("tags",)),
    Producer("the cluster navigation (站群导航)", lambda r, _: pages.cluster_navigation(r), owns=("sites",),
             kinds=frozenset({"portal"})),
    Producer("the search page", lambda r, _: search_page.jobs(r), owns=("search",)),
    Producer("the search index", None, owns=(search_page.INDEX_DIR,)),  # written by the index stage
    Producer("the 404 page", lambda r, _: pages.not_found(r), owns=("404.html",)),
    Producer("the feeds", lambda r, _: feeds.jobs(r.cluster, r.sp), owns=feeds.NAMES, in_columns=feeds.NAMES),
    Producer("the files beside the pages", lambda r, _: page_files(r.sp)),
    Producer("the sitemap", lambda r, made: [sitemap.sitemap(r.sp, [j.rel for j in made if j.kind == "html"])],
             owns=("sitemap.xml",)),
    Producer("robots.txt", lambda r, _: [sitemap.robots(r.site)], owns=("robots.txt",)),
    Producer("the sitemap index", lambda r, _: [sitemap.sitemap_index(r.plan)], owns=("sitemap_index.xml",),
             kinds=frozenset({"portal"})),
)

# Column types with outputs of their own; every other type gets the listing pages.
COLUMN_PRODUCERS: dict[ColumnType, tuple[Callable[[SiteRenderer, Column], list[Job]], tuple[str, ...]]] = {
    ColumnType.disclosure: (lambda r, c: site_catalogue(r.plan, r.disclosure, r.sp, c, r.job), CATALOGUE_NAMES),
}


def column_jobs(r: SiteRenderer) -> list[Job]:
    """Return every column's pages, made by the producer of its type."""
    out: list[Job] = []
    for column in r.site.columns.values():
        make = COLUMN_PRODUCERS[column.type][0] if column.type in COLUMN_PRODUCERS else pages.listing
        out += [job.owned_by(f"column '{column.id}' of site '{r.site.id}' (sites.yaml)") for job in make(r, column)]
    return out


def page_files(sp: SitePlan) -> list[Job]:
    """Return the attachments and linked files copied beside each page."""
    out = []
    for page in sp.pages:
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
            problems.append(Problem(f"two outputs want the file {rel}: {placed[rel].owner} and {job.owner}",
                                    hint="rename the page or column so that its URL is free"))
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
                problems.append(Problem(f"{other.owner} writes the file {other.rel}, which {job.owner} needs as a folder",
                                        hint="rename the page or column so that its URL is free"))
    return problems


def reserved(site: Site) -> dict[str, str]:
    """Return the first path segments of a site that its outputs own, with the output's name."""
    return {name: p.name for p in PRODUCERS if site.kind in p.kinds for name in p.owns}


def reserved_in_column(column: Column) -> dict[str, str]:
    """Return the names inside a column that its outputs own."""
    names = {name: p.name for p in PRODUCERS for name in p.in_columns}
    if column.type in COLUMN_PRODUCERS:
        names.update(dict.fromkeys(COLUMN_PRODUCERS[column.type][1], f"the {column.type.value} pages of column '{column.id}'"))
    return names


def check_urls(plan: Plan) -> None:
    """Raise AssembleError naming both sides of every URL that two things want, in every site of the cluster."""
    problems = [p for sp in plan.sites.values() for p in _site_urls(sp)]
    problems += _mounts(plan.cluster, plan)
    if problems:
        raise AssembleError(problems)


def _site_urls(sp: SitePlan) -> list[Problem]:
    site, problems = sp.site, []
    owned = reserved(site)
    for column in site.columns.values():
        if column.id in owned:
            problems.append(Problem(f"column '{column.id}' of site '{site.id}' wants the URL {site.prefix}{column.id}/, "
                                    f"which belongs to {owned[column.id]}", "sites.yaml", hint="give the column another id"))
    for page in sp.standalone:
        taken = owned.get(page.slug) or (f"column '{page.slug}'" if page.slug in site.columns else None)
        if taken:
            problems.append(Problem(f"this page wants the URL {site.prefix}{page.slug}/, which belongs to {taken}",
                                    page.source, hint="rename the file or give it another 'slug:'"))
    for column in site.columns.values():
        inside = reserved_in_column(column)
        problems += [Problem(f"this page wants the URL {site.prefix}{page.path}, which belongs to {inside[page.slug]}",
                             page.source, hint="rename the file or give it another 'slug:'")
                     for page in sp.columns[column.id] if page.slug in inside]
    return problems


def _mounts(cluster: Cluster, plan: Plan) -> list[Problem]:
    """Return a problem for every site mounted at a path another site, or one of its outputs, owns."""
    problems = []
    for outer in cluster.sites.values():
        for inner in cluster.sites.values():
            if inner is outer or inner.origin != outer.origin or not inner.prefix.startswith(outer.prefix):
                continue
            at = f"sites.yaml: site '{inner.id}' at '{inner.prefix}'"
            if inner.prefix == outer.prefix:
                problems.append(Problem(f"{at} has the same address as site '{outer.id}' ({outer.base_url})",
                                        "sites.yaml", hint="give each site its own path or host"))
            elif outer.prefix != "/" or outer.kind != "portal":
                problems.append(Problem(f"{at} lies inside site '{outer.id}' at '{outer.prefix}', which owns every URL below it",
                                        "sites.yaml", hint="mount the site at a path of its own"))
            else:
                first = inner.prefix.strip("/").split("/")[0]
                owner = _portal_owner(plan, outer, first)
                if owner:
                    problems.append(Problem(f"{at}: '{inner.prefix}' collides with the portal's own '/{first}/' ({owner})",
                                            "sites.yaml", hint="choose another path for this site"))
    return problems


def _portal_owner(plan: Plan, portal: Site, segment: str) -> str | None:
    if segment in portal.columns:
        return f"column '{segment}' of site '{portal.id}'"
    page = next((p for p in plan.sites[portal.id].standalone if p.slug == segment), None)
    if page is not None:
        return str(page.source)
    return reserved(portal).get(segment)
