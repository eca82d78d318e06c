"""HTML pages: the site renderer (theme templates with the site's helpers) and every page producer."""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.config.model import Column, Site
from sitegen.config.taxonomy import Taxonomy
from sitegen.content.page import Page
from sitegen.disclosure.catalogue import FACETS, facet_rel, row
from sitegen.disclosure.plan import DisclosurePlan, is_application_only
from sitegen.errors import BuildError, InternalError, Problem, SitegenError
from sitegen.i18n import N_, _
from sitegen.job import Job
from sitegen.outputs.theme import Theme, environment

HOME_ITEMS = 8
SITE_MAP, CONTACT, ACCESSIBILITY = "sitemap", "contact", "accessibility"  # the service pages every footer links to
SANDBOX_HINT = N_("a site's own templates may show what pages show (page, site, column, the helpers), nothing of "
                "Python's internals or of the servers: remove this expression")
SITE_GROUPS = {"portal": "门户网站", "department": "部门网站", "township": "乡镇（街道）网站"}


@dataclass(frozen=True)
class Pager:
    """One page of a paginated listing."""

    number: int
    total: int
    items: list[Page]
    base: str  # site-relative URL of page 1

    def rel(self, number: int) -> str:
        return urls.page_rel(self.base, number)

    def window(self, around: int = 2) -> list[int | None]:
        """Return the page numbers to link: the first, the last and `around` either side of this one; None where some are left out.

        A 600-item column at 20 a page links at most 9 numbers, never all 30: the pager stays one line on a phone.
        """
        shown = sorted({1, self.total, *range(max(1, self.number - around), min(self.total, self.number + around) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) == 2:
                out.append(n - 1)  # a gap of one page: the number itself is as short as the mark
            elif out and n - (out[-1] or 0) > 2:
                out.append(None)
            out.append(n)
        return out


def paginate(base: str, pages: list[Page], size: int) -> Iterator[Pager]:
    """Yield the pages of a listing; an empty listing still has page 1."""
    total = max(1, math.ceil(len(pages) / size))
    for n in range(1, total + 1):
        yield Pager(n, total, pages[(n - 1) * size:n * size], base)


@dataclass(frozen=True)
class SiteRef:
    """What a page may show of another site: exactly what every site's fingerprint digests of it."""

    id: str
    name: str
    kind: str
    origin: str
    prefix: str

    @property
    def base_url(self) -> str:
        return self.origin + self.prefix


@dataclass(frozen=True)
class PageLink:
    """A link to a page of the site: its title and site-relative URL (the footer's pages, the site map's sections)."""

    title: str
    path: str


@dataclass(frozen=True)
class ClusterFacts:
    """What a page may show of the cluster: its settings in the site key, and every site as a SiteRef."""

    name: str
    language: str
    sites: dict[str, SiteRef]
    traditional: bool  # every page has a 繁體 counterpart under zh-hant/


@dataclass(frozen=True)
class ProfileFacts:
    """What a page may show of the publishing profile (not its clock: that is in no fingerprint)."""

    name: str
    drafts: bool


def facts(plan: Plan) -> tuple[ClusterFacts, ProfileFacts]:
    """Return the cluster and profile as templates see them."""
    refs = {s.id: SiteRef(s.id, s.name, s.kind, s.origin, s.prefix) for s in plan.cluster.sites.values()}
    cluster = ClusterFacts(plan.cluster.name, plan.cluster.language, refs, plan.cluster.traditional)
    return cluster, ProfileFacts(plan.profile.name, plan.profile.drafts)


class SiteRenderer:
    """Renders one site's templates; holds the template helpers bound to that site."""

    def __init__(self, plan: Plan, disclosure: DisclosurePlan, site_plan: SitePlan, theme: Theme, assets: dict[str, str]):
        self.plan, self.disclosure, self.sp = plan, disclosure, site_plan
        self.site, self.cluster = site_plan.site, plan.cluster
        self.theme, self.assets = theme, assets
        self.env = environment(theme)
        self.facts, self.profile = facts(plan)
        # the site's own pages outside its columns (关于本站 ...), linked from every page's footer
        self.footer_pages = tuple(PageLink(p.title, p.path) for p in site_plan.standalone)

    def job(self, template: str, rel: str, *, column_name: str, **context: Any) -> Job:
        """Return the job rendering `template` at `rel`; its inputs are exactly what the template is given."""
        # flat: names and values in turn (a tuple per pair would be digested as one more container)
        inputs = (rel, column_name, self.assets, self.footer_pages, *[x for pair in sorted(context.items()) for x in pair])
        return Job(rel, inputs, lambda: self.page(template, rel, column_name=column_name, **context), "html",
                   template=(self.env, template))

    def page(self, template: str, rel: str, *, column_name: str, source: Path | None = None, **context: Any) -> bytes:
        """Render one template with the site-wide context; a template's mistake names its file and line and the page."""
        where = source or urls.output_file(self.site, rel)
        try:
            tpl = self.env.get_template(template)
            return tpl.render(self._context(rel, column_name, source=source, **context)).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(Problem(_("template error: {message}").format(message=exc.message), self._shown(exc.filename or template),
                                     exc.lineno)) from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(Problem(_("template '{exc_name}' not found in the theme of site '{site_id}'").format(exc_name=exc.name,
                    site_id=self.site.id),
                                     hint=_("add it to the theme or to content/<site>/_theme/templates/"))) from None
        except SitegenError:  # what a template was shown could not be had (a page's text read again): not its mistake
            raise
        except Exception as exc:
            frames = _template_frames(exc.__traceback__, self.theme.template_dirs, self.helpers)
            # a unit's own template answers for anything that goes wrong under it (its helpers cannot reach further)
            if not frames or not (self.theme.sandboxed or _template_mistake(exc, frames)):
                raise InternalError(Problem(_("rendering {template} failed: {name}: {exc}").format(template=template,
                        name=type(exc).__name__, exc=exc), where)) from exc
            file, line, _unused = frames[-1]
            hint = _(SANDBOX_HINT) if isinstance(exc, SecurityError) else \
                _("fix the template at this line; the previous output is unchanged")
            raise BuildError(Problem(_("template error while rendering {where}: {what}").format(where=where, what=_what(exc)),
                                     self._shown(file), line,
                                     hint=hint)) from None

    def _shown(self, file: str) -> str:
        """Return a template's path as messages show it: from the cluster's folder."""
        path = Path(file)
        return path.relative_to(self.cluster.root).as_posix() if path.is_relative_to(self.cluster.root) else file

    def _context(self, rel: str, column_name: str, **extra: Any) -> dict[str, Any]:
        return {
            # only settings every fingerprint covers, and the values of the job: nothing else can reach a page
            "cluster": self.facts, "site": self.site, "rel": rel,
            "nav": [c for c in self.site.columns.values() if c.in_nav], "portal": self.facts.sites[self.cluster.portal.id],
            "column_name": column_name, "page": None, "column": None, "profile": self.profile, "footer_pages": self.footer_pages,
            "url": self.url, "link": self.link, "site_url": self.site_url, "asset": self.asset,
            "has_asset": lambda name: name in self.assets, "canonical": urls.absolute(self.site, rel),
            "tag_url": self.tag_url, "facet_rel": facet_rel, "catalogue_facets": FACETS,
            "is_application_only": is_application_only, "topic_top": Taxonomy.top,
            **extra,
        }

    @property
    def helpers(self) -> frozenset[Any]:
        """The code of the helpers templates call: an error raised directly in one is the calling template's."""
        return frozenset(f.__code__ for f in (SiteRenderer.url, SiteRenderer.link, SiteRenderer.site_url,
                                              SiteRenderer.asset, SiteRenderer.tag_url, facet_rel, is_application_only))

    def url(self, rel: str = "") -> str:
        """Return the link to `rel` within this site."""
        return urls.path(self.site, rel)

    def link(self, page: Page) -> str:
        """Return the link to any page of the cluster from this site."""
        return urls.href(self.site, self.cluster.sites[page.site], page.path)

    def site_url(self, site: urls.Site, rel: str = "") -> str:
        """Return the link to `rel` of another site."""
        return urls.href(self.site, site, rel)

    def asset(self, name: str) -> str:
        """Return the fingerprinted URL of a static file of the theme."""
        return urls.path(self.site, self.assets[name])

    def tag_url(self, name: str) -> str:
        """Return the link to the page of a tag of this site."""
        return self.url(tag_rel(name))


def tag_rel(name: str) -> str:
    """Return the site-relative URL of a tag's page."""
    return f"tags/{urls.tag_slug(name)}/"


def _template_frames(tb: TracebackType | None, dirs: tuple[Path, ...], helpers: frozenset[Any]) -> list[tuple[str, int, bool]]:
    """Return (template file, line, the template's own doing) for every template frame of a traceback, outermost first.

    The template's own doing: the error was raised on its line, or in a helper that line called (wrong arguments,
    a value of the wrong kind), not deeper in sitegen.
    """
    frames = []
    roots = tuple(str(d) for d in dirs)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(roots):  # Jinja rewrites template frames to the template's file and line
            after = tb.tb_next
            own = after is None or (after.tb_frame.f_code in helpers and after.tb_next is None)
            frames.append((filename, tb.tb_lineno, own))
        tb = tb.tb_next
    return frames


def _template_mistake(exc: Exception, frames: list[tuple[str, int, bool]]) -> bool:
    """Return True if the template itself went wrong, not sitegen code it called."""
    # an undefined name and a sandbox refusal fail inside Jinja; anything else counts if raised in the template's own line
    return isinstance(exc, (jinja2.UndefinedError, SecurityError)) or frames[-1][2]


def _what(exc: Exception) -> str:
    return str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"


def home(r: SiteRenderer) -> list[Job]:
    """The home page: a block per navigation column; on the portal, the newest items of every unit."""
    blocks = [(c, r.sp.listings[c.id][:HOME_ITEMS]) for c in r.site.columns.values() if c.in_nav]
    extra: dict[str, Any] = {"blocks": blocks, "departments": [], "townships": []}
    if r.site.kind == "portal":
        extra.update(departments=r.plan.aggregate("department"), townships=r.plan.aggregate("township"),
                     groups=site_groups(r.plan))
    return [r.job("home.html", "", column_name="首页", **extra)]


def listing(r: SiteRenderer, column: Column) -> list[Job]:
    """A column's listing pages: pinned first, then newest; the items adopted from other sites by date."""
    pages = r.sp.listings[column.id]
    return [r.job("list.html", pager.rel(pager.number), column_name=column.title, column=column, pager=pager)
            for pager in paginate(f"{column.id}/", pages, column.page_size)]


def articles(r: SiteRenderer) -> list[Job]:
    """One page per article, with its neighbours, its disclosure row and its policy links."""
    return [_article(r, page) for page in r.sp.pages]


def _article(r: SiteRenderer, page: Page) -> Job:
    column = r.site.columns.get(page.column or "")
    newer, older = r.sp.neighbours.get(page.source, (None, None))
    entry = row(r.plan, r.disclosure, page) if page.meta.disclosure is not None and page.date is not None else None
    special = r.sp.specials.get(page.column or "")
    # of a special column (专题): its section, and whether it is a historical one (the column's key leaves that out)
    section = next((s.title for s in special.sections if s.id == page.section), None) if special else None
    job = r.job("article.html", page.path, column_name=column.title if column else page.title,
                column=column, page=page, newer=newer, older=older, source=page.source, entry=entry,
                section=section, archived=special.archived if special else False,
                policy=r.disclosure.interpreted.get(page.source),
                interpretations=r.disclosure.interpretations.get(page.source, []))
    return job.owned_by(page.source.as_posix())


def tag_pages(r: SiteRenderer) -> list[Job]:
    """The tag index and one paginated listing per tag."""
    out = [r.job("tags.html", "tags/", column_name="标签", tags=list(r.sp.tags.values()))]
    for tag in r.sp.tags.values():
        for pager in paginate(tag_rel(tag.name), tag.pages, r.cluster.page_size):
            out.append(r.job("tag.html", pager.rel(pager.number), column_name=f"标签：{tag.name}", tag=tag, pager=pager))
    return out


def cluster_navigation(r: SiteRenderer) -> list[Job]:
    """The portal's 站群导航: every site, grouped by kind."""
    return [r.job("sites.html", "sites/", column_name="站群导航", groups=site_groups(r.plan))]


def site_map(r: SiteRenderer) -> list[Job]:
    """The 网站地图: every column of the site with what it holds, its own pages and its services."""
    # what the site holds, not how much: a new article rebuilds no site map
    sections = {cid: [PageLink(s.title, f"{cid}/{s.id}/") for s in special.sections] for cid, special in r.sp.specials.items()}
    return [r.job("sitemap.html", f"{SITE_MAP}/", column_name="网站地图", columns=list(r.site.columns.values()),
                  sections=sections, standalone=[PageLink(p.title, p.path) for p in r.sp.standalone],
                  has_tags=bool(r.sp.tags), specials=r.site.kind == "portal")]


def contact(r: SiteRenderer) -> list[Job]:
    """联系我们: the footer's sponsor, organiser and contact, and the site's 互动交流 channels."""
    return [r.job("contact.html", f"{CONTACT}/", column_name="联系我们")]


def accessibility(r: SiteRenderer) -> list[Job]:
    """无障碍声明: what the site does for readers with disabilities and elderly readers, and whom to tell of a barrier."""
    return [r.job("accessibility.html", f"{ACCESSIBILITY}/", column_name="无障碍声明")]


def not_found(r: SiteRenderer) -> list[Job]:
    """The 404 page."""
    return [r.job("404.html", "404.html", column_name="页面未找到")]


def site_groups(plan: Plan) -> list[tuple[str, list[Site]]]:
    """Return the cluster's sites grouped by kind, portal first."""
    sites = list(plan.cluster.sites.values())
    return [(label, [s for s in sites if s.kind == kind]) for kind, label in SITE_GROUPS.items()
            if any(s.kind == kind for s in sites)]
