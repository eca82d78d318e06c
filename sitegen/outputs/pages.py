"""Stage 4, render: every HTML page of a site through its theme's Jinja templates."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import jinja2

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.config.model import Site
from sitegen.config.schema import ColumnType
from sitegen.content.page import Page
from sitegen.disclosure.catalogue import site_catalogue
from sitegen.errors import BuildError, InternalError, Problem
from sitegen.job import Job
from sitegen.outputs.theme import environment, theme_of

HOME_ITEMS = 8


@dataclass(frozen=True)
class Pager:
    """One page of a paginated listing."""

    number: int
    total: int
    items: list[Page]
    base: str  # site-relative URL of page 1

    def rel(self, number: int) -> str:
        return urls.page_rel(self.base, number)


def paginate(base: str, pages: list[Page], size: int) -> Iterator[Pager]:
    """Yield the pages of a listing; an empty listing still has page 1."""
    total = max(1, math.ceil(len(pages) / size))
    for n in range(1, total + 1):
        yield Pager(n, total, pages[(n - 1) * size:n * size], base)


class SiteRenderer:
    """Renders one site's HTML; holds the template helpers bound to that site."""

    def __init__(self, plan: Plan, site_plan: SitePlan, assets: dict[str, str]):
        self.plan = plan
        self.sp = site_plan
        self.site = site_plan.site
        self.cluster = plan.cluster
        self.assets = assets
        self.env = environment(theme_of(self.cluster, self.site))

    def jobs(self) -> list[Job]:
        """Return every HTML output of the site, each under its site-relative URL."""
        out = [self.job("home.html", "", column_name="首页", **self._home())]
        for column in self.site.columns.values():
            if column.type == ColumnType.disclosure:
                out += site_catalogue(self.plan, self.sp, column, self.job)
                continue
            for pager in paginate(f"{column.id}/", self.sp.columns[column.id], column.page_size):
                out.append(self.job("list.html", pager.rel(pager.number), column_name=column.title, column=column, pager=pager))
        out += [self._article(page) for page in self.sp.pages]
        out += self._tag_pages()
        if self.site.kind == "portal":
            out.append(self.job("sites.html", "sites/", column_name="站群导航", groups=self._site_groups()))
        out.append(self.job("search.html", "search/", column_name="搜索"))
        out.append(self.job("404.html", "404.html", column_name="页面未找到"))
        return out

    def job(self, template: str, rel: str, *, column_name: str, **context: Any) -> Job:
        """Return the job rendering `template` at `rel`; its inputs are exactly what the template is given."""
        # flat: names and values in turn (a tuple per pair would be digested as one more container)
        inputs = (rel, column_name, self.assets, *[x for pair in sorted(context.items()) for x in pair])
        return Job(rel, inputs, lambda: self.page(template, rel, column_name=column_name, **context), "html",
                   template=(self.env, template))

    def _home(self) -> dict[str, Any]:
        blocks = [(c, self.sp.columns[c.id][:HOME_ITEMS]) for c in self.site.columns.values() if c.in_nav]
        extra: dict[str, Any] = {"blocks": blocks, "departments": [], "townships": []}
        if self.site.kind == "portal":
            extra["departments"] = self.plan.aggregate("department")
            extra["townships"] = self.plan.aggregate("township")
            extra["groups"] = self._site_groups()
        return extra

    def _site_groups(self) -> list[tuple[str, list[Site]]]:
        sites = list(self.cluster.sites.values())
        names = {"portal": "门户网站", "department": "部门网站", "township": "乡镇（街道）网站"}
        return [(label, [s for s in sites if s.kind == kind]) for kind, label in names.items()
                if any(s.kind == kind for s in sites)]

    def _article(self, page: Page) -> Job:
        column = self.site.columns.get(page.column or "")
        newer, older = self.sp.neighbours.get(page.source, (None, None))
        return self.job("article.html", page.path, column_name=column.title if column else page.title,
                         column=column, page=page, newer=newer, older=older, source=page.source,
                         policy=self.plan.interpreted.get(page.source),
                         interpretations=self.plan.interpretations.get(page.source, []))

    def _tag_pages(self) -> list[Job]:
        out = [self.job("tags.html", "tags/", column_name="标签", tags=list(self.sp.tags.values()))]
        for tag in self.sp.tags.values():
            for pager in paginate(f"tags/{tag.slug}/", tag.pages, self.cluster.page_size):
                out.append(self.job("tag.html", pager.rel(pager.number), column_name=f"标签：{tag.name}", tag=tag, pager=pager))
        return out

    def page(self, template: str, rel: str, *, column_name: str, source: Path | None = None, **context: Any) -> bytes:
        """Render one template with the site-wide context; name the template and source on failure."""
        try:
            tpl = self.env.get_template(template)
            return tpl.render(self._context(rel, column_name, **context)).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(Problem(f"template error: {exc.message}", exc.filename or template, exc.lineno)) from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(Problem(f"template '{exc.name}' not found in the theme of site '{self.site.id}'",
                                     hint="add it to the theme or to content/<site>/_theme/templates/")) from None
        except Exception as exc:
            where = source or f"{self.site.id}/{rel or 'index.html'}"
            raise InternalError(Problem(f"rendering {template} failed: {type(exc).__name__}: {exc}", where)) from exc

    def _context(self, rel: str, column_name: str, **extra: Any) -> dict[str, Any]:
        return {
            # only settings every fingerprint covers, and the values of the job: nothing else can reach a page
            "cluster": self.cluster, "site": self.site, "rel": rel,
            "nav": [c for c in self.site.columns.values() if c.in_nav], "portal": self.cluster.portal,
            "column_name": column_name, "page": None, "column": None, "profile": self.plan.profile,
            "url": self.url, "link": self.link, "site_url": self.site_url, "asset": self.asset,
            "has_asset": lambda name: name in self.assets, "canonical": urls.absolute(self.site, rel),
            **extra,
        }

    def url(self, rel: str = "") -> str:
        """Return the link to `rel` within this site."""
        return urls.path(self.site, rel)

    def link(self, page: Page) -> str:
        """Return the link to any page of the cluster from this site."""
        return urls.href(self.site, self.cluster.sites[page.site], page.path)

    def site_url(self, site: Site, rel: str = "") -> str:
        """Return the link to `rel` of another site."""
        return urls.href(self.site, site, rel)

    def asset(self, name: str) -> str:
        """Return the fingerprinted URL of a static file of the theme."""
        return urls.path(self.site, self.assets[name])
