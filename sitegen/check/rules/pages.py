"""Pages as readers and inspectors' crawlers get them: dates shown, footer identifiers, meta tags, image text, files.

These rules read the build, one pass over every HTML page of the checked sites. What a template leaves out is
missing on every page it renders: such findings are grouped, one per site and thing missing, with the number of
pages, an example page and the template to fix (a unit's own, if it has one). What the unit wrote in one article
(an image without text, a link to a file that is not there) is reported at that article's source line.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markupsafe import escape

from sitegen import urls, workers
from sitegen.check.built import HREF_RX, BuiltPage, located, output_path, page_files, read_page, resolve
from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding, Severity
from sitegen.check.rules import Rule
from sitegen.config.model import Site
from sitegen.content.page import Page
from sitegen.i18n import _

DATE_MISSING = "date-missing"
FOOTER_MISSING = "footer-missing"
META_MISSING = "meta-missing"
IMAGE_ALT = "image-alt"
ATTACHMENT_MISSING = "attachment-missing"
SEVERITY = {DATE_MISSING: Severity.error, FOOTER_MISSING: Severity.error, META_MISSING: Severity.warning,
            IMAGE_ALT: Severity.warning, ATTACHMENT_MISSING: Severity.error}

# the footer identifiers of GOV-RULES.md: (Footer field, what readers call it)
FOOTER = (("sponsor", "主办单位"), ("site_code", "网站标识码"), ("icp", "ICP备案号"), ("police", "公安机关备案号"),
          ("conac_url", "党政机关网站标识"))
# the meta tags inspectors' crawlers read (GOV-RULES.md); a name in MAY_BE_EMPTY must be there but may be empty
SITE_META = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_META = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
ARTICLE_META = ("ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Url")
MAY_BE_EMPTY = frozenset({"SiteIDCode", "Keywords", "Author"})  # SiteIDCode: footer-missing says when it is not set
PUB_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
# the template a unit would fix, by what is missing: the first of these the unit has of its own
TEMPLATES = {"footer": ("_footer.html", "base.html"), "site": ("base.html",), "column": ("base.html",),
             "article": ("article.html", "base.html"), "listing": ("_macros.html", "list.html", "home.html")}

META_RX = re.compile(r"<meta\s+name=\"([A-Za-z]+)\"\s+content=\"([^\"]*)\"")
ITEM_RX = re.compile(r"<(li|tr)\b[^>]*>(.*?)</\1>", re.S)
IMG_RX = re.compile(r"<img\b[^>]*>", re.I)
ATTR_RX = {name: re.compile(rf"\b{name}\s*=\s*\"([^\"]*)\"") for name in ("alt", "src")}
REF_RX = re.compile(r"\b(?:href|src)\s*=\s*\"([^\"]+)\"")
NOT_FILES = ("#", "mailto:", "tel:", "javascript:", "data:")


Hit = tuple[str, str, str]  # rule, what is wrong (grouped by), a detail of the first one


@dataclass
class Tally:
    """Findings of the pass, grouped: how many, and the first page and detail, for each (rule, site, what)."""

    count: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    first: dict[tuple[str, str, str], tuple[BuiltPage, str]] = field(default_factory=dict)

    def add(self, page: BuiltPage, hits: list[Hit]) -> None:
        for rule, what, detail in hits:
            key = (rule, page.site.id, what)
            self.count[key] += 1
            self.first.setdefault(key, (page, detail))


def examine(ctx: CheckContext) -> dict[str, list[Finding]]:
    """Read every built page once (on all cores); return the findings of every rule of this module, by rule id."""
    dated, exists, tally = dated_links(ctx), ExistsCache(ctx), Tally()

    def one(file: tuple[str, str]) -> list[Hit]:
        page, hits = read_page(ctx, *file), list[Hit]()
        footer(page, hits)
        meta(page, hits)
        dates(page, dated, hits)
        images(page, hits)
        files(ctx, page, exists, hits)
        return hits

    listed = page_files(ctx)
    for file, hits in zip(listed, workers.run(one, listed, ctx.workers), strict=True):
        if hits:
            tally.add(located(ctx, *file), hits)
    found: dict[str, list[Finding]] = {rule: [] for rule in SEVERITY}
    found[FOOTER_MISSING] += unset_footers(ctx)
    for key in tally.first:
        found[key[0]].append(_finding(ctx, key, tally))
    return found


def footer(page: BuiltPage, hits: list[Hit]) -> None:
    """Count every footer identifier the site has that this page does not show."""
    for key, _label in FOOTER:
        value = getattr(page.site.footer, key)
        if value and str(escape(value)) not in page.body:
            hits.append((FOOTER_MISSING, key, ""))


def meta(page: BuiltPage, hits: list[Hit]) -> None:
    """Count every meta tag the page should have and lacks, leaves empty, or (PubDate) writes in another form."""
    found = dict(META_RX.findall(page.head))
    wanted = SITE_META + (COLUMN_META if page.kind == "list" else ())
    wanted += ARTICLE_META if page.kind == "article" and page.source and page.source.column else ()
    for name in wanted:
        value = found.get(name)
        if value is None or (not value.strip() and name not in MAY_BE_EMPTY):
            hits.append((META_MISSING, name, "empty" if value is not None else "missing"))
        elif name == "PubDate" and not PUB_DATE.fullmatch(value):
            hits.append((META_MISSING, name, f"written '{value}'"))


def dated_links(ctx: CheckContext) -> dict[str, Page]:
    """Return every dated item of the cluster by the links pages make to it (root-relative and absolute)."""
    links: dict[str, Page] = {}
    for page in ctx.plan.pages.values():
        if page.date is not None and page.column is not None:
            site = ctx.cluster.sites[page.site]
            links[urls.path(site, page.path)] = links[urls.absolute(site, page.path)] = page
    return links


def shows_date(text: str, page: Page) -> bool:
    """Return True if `text` shows the page's publish date (2026-11-20 or 2026年11月20日)."""
    day = page.date
    return day is not None and (f"{day:%Y-%m-%d}" in text or f"{day.year}年{day.month}月{day.day}日" in text)


def dates(page: BuiltPage, dated: dict[str, Page], hits: list[Hit]) -> None:
    """Count an article that does not show its date, and every listed item shown without its date."""
    if page.kind == "article" and page.source and page.source.column and not shows_date(page.body, page.source):
        hits.append((DATE_MISSING, "article", ""))
    for _unused, item in ITEM_RX.findall(page.body):
        link = HREF_RX.search(item)
        listed = dated.get(html.unescape(link.group(1))) if link else None
        if listed is not None and not shows_date(item, listed):
            hits.append((DATE_MISSING, "listing", listed.title))


def images(page: BuiltPage, hits: list[Hit]) -> None:
    """Count every image without a text alternative (decorative ones, hidden from screen readers, excepted)."""
    for tag in IMG_RX.findall(page.body):
        if 'aria-hidden="true"' in tag or 'role="presentation"' in tag:
            continue
        alt, src = (ATTR_RX[name].search(tag) for name in ("alt", "src"))
        if alt is None or not alt.group(1).strip():
            hits.append((IMAGE_ALT, html.unescape(src.group(1)) if src else "", ""))


class ExistsCache:
    """Whether a file of the checked sites is in the build, each asked of the disk once."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx, self.known = ctx, dict[str, bool]()
        self.resolved: dict[tuple[str, str], tuple[Site, str] | None] = {}

    def resolve(self, page: BuiltPage, ref: str) -> tuple[Site, str] | None:
        """Return the site and path a link leads to; a link from the site's root (most are) is worked out once."""
        if not ref.startswith(("/", "http:", "https:")):
            return resolve(self.ctx.cluster, self.ctx.url(page.site, page.rel), ref)
        key = (page.site.origin, ref)
        if key not in self.resolved:
            self.resolved[key] = resolve(self.ctx.cluster, self.ctx.url(page.site), ref)
        return self.resolved[key]

    def missing(self, site: Site, rel: str) -> bool:
        key = f"{site.id}/{rel}"
        if key not in self.known:
            self.known[key] = not output_path(self.ctx.out, site, rel).is_file()
        return self.known[key]


def files(ctx: CheckContext, page: BuiltPage, exists: ExistsCache, hits: list[Hit]) -> None:
    """Count every link to a file (an attachment, an image) of the checked sites that the build does not have."""
    for raw in REF_RX.findall(page.body):
        ref = html.unescape(raw) if "&" in raw else raw
        name = ref.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
        if "." not in name or ref.startswith(NOT_FILES) or name.endswith((".html", ".htm")):
            continue
        target = exists.resolve(page, ref)
        if target is not None and target[0].id in ctx.sites and target[1] and exists.missing(*target):
            hits.append((ATTACHMENT_MISSING, f"{target[0].id}/{target[1]}", ref))


def unset_footers(ctx: CheckContext) -> Iterator[Finding]:
    """Yield a finding for every footer identifier a checked site has no value for in sites.yaml."""
    for sp in ctx.site_plans():
        site = sp.site
        for key, label in FOOTER:
            if getattr(site.footer, key):
                continue
            message = (_("sites.yaml gives this site no {label} (footer.{key}), so no page can show it, and every page's "
                         "footer must; fix: ask a cluster admin to add {key} under the site's footer: in sites.yaml, or add "
                         "it under footer: in content/{site_id}/_site.yaml").format(label=label, key=key, site_id=site.id))
            yield Finding(FOOTER_MISSING, Severity.error, site.id, message, "sites.yaml", site.line, ctx.url(site))


def _finding(ctx: CheckContext, key: tuple[str, str, str], tally: Tally) -> Finding:
    rule, _unused, what = key
    page, detail = tally.first[key]
    count = tally.count[key]
    message, path, line = MESSAGES[rule](ctx, page, what, detail, count)
    return Finding(rule, SEVERITY[rule], page.site.id, message, path, line, ctx.url(page.site, page.rel))


Located = tuple[str, str | None, int | None]  # message, path, line


def _pages(count: int, page: BuiltPage) -> str:
    return _("this page") if count == 1 else _("{count} pages (this one first)").format(count=count)


def template(ctx: CheckContext, site: Site, kind: str) -> str | None:
    """Return the unit's own template that makes this part of its pages, if the site has one, e.g. its base.html."""
    folder = ctx.cluster.content_dir / site.id / "_theme" / "templates"
    own = next((name for name in TEMPLATES[kind] if (folder / name).is_file()), None)
    return _("content/{site_id}/_theme/templates/{own}").format(site_id=site.id, own=own) if own else None


def _fix_template(path: str | None) -> str:
    return (_("fix: put it back in {path}, this site's own template (copy the part from the cluster's theme)").format(path=path) if path
            else _("fix: ask the cluster admin: the shared theme leaves it out"))


def _footer_message(ctx: CheckContext, page: BuiltPage, what: str, detail: str, count: int) -> Located:
    label = dict(FOOTER)[what]
    path = template(ctx, page.site, "footer")
    return (_("the footer of {pages} does not show the {label} ({getattr}), which every page must show; "
              "{fix_template}").format(pages=_pages(count, page), label=label, getattr=getattr(page.site.footer, what),
                      fix_template=_fix_template(path)), path, None)


def _meta_message(ctx: CheckContext, page: BuiltPage, what: str, detail: str, count: int) -> Located:
    kind = "article" if what in ARTICLE_META else "column" if what in COLUMN_META else "site"
    path = template(ctx, page.site, kind)
    shape = _(" (it must be YYYY-MM-DD HH:MM)") if detail.startswith("written") else ""
    said = _("empty") if detail == "empty" else _("missing") if detail == "missing" else \
        _("written '{value}'").format(value=detail.removeprefix("written '").removesuffix("'"))
    return (_("the meta tag {what}, read by the inspectors' crawlers, is {detail}{shape} on {pages}; {fix_template}").format(what=what,
            detail=said, shape=shape, pages=_pages(count, page), fix_template=_fix_template(path)), path, None)


def _date_message(ctx: CheckContext, page: BuiltPage, what: str, detail: str, count: int) -> Located:
    path = template(ctx, page.site, "article" if what == "article" else "listing")
    shown = (_("does not show its publish date (发布日期)") if what == "article"
             else _("lists '{detail}' without its publish date").format(detail=detail))
    return (_("{pages}: the page {shown}; an item without a visible date counts as not updated; {fix_template}").format(pages=_pages(count,
                                                                                                                                     page),
            shown=shown, fix_template=_fix_template(path)), path or page.path, None)


def _image_message(ctx: CheckContext, page: BuiltPage, what: str, detail: str, count: int) -> Located:
    line = _line_of(page.source, PurePosixPath(what).name) if page.source else None
    return (_("the image {value} has no text alternative (alt) on {pages}: readers who cannot see it get nothing; "
              "fix: describe it between the brackets, e.g. ![2026年春耕现场](photo.jpg)").format(value=what or '(without src)',
                      pages=_pages(count, page)),
            page.path or template(ctx, page.site, "site"), line)


def _file_message(ctx: CheckContext, page: BuiltPage, what: str, detail: str, count: int) -> Located:
    line = _line_of(page.source, detail) or _line_of(page.source, PurePosixPath(detail).name) if page.source else None
    return (_("the link to {detail} on {pages} leads to a file that is not in the built site; fix: put the file "
              "beside the page and link to it by its name (e.g. [通知全文](notice.pdf)), or correct the address").format(detail=detail,
                      pages=_pages(count, page)),
            page.path or template(ctx, page.site, "site"), line)


MESSAGES = {FOOTER_MISSING: _footer_message, META_MISSING: _meta_message, DATE_MISSING: _date_message,
            IMAGE_ALT: _image_message, ATTACHMENT_MISSING: _file_message}


def _line_of(page: Page | None, needle: str) -> int | None:
    """Return the source line of the first place the page's text names `needle`, if it does."""
    if page is None or not needle:
        return None
    at = page.body.find(needle)
    return page.body_line + page.body.count("\n", 0, at) if at >= 0 else None


def rule(rule_id: str, about: str) -> Rule:
    """Return one rule of this module: its findings come from the shared pass over the build."""
    return Rule(rule_id, SEVERITY[rule_id], lambda ctx: ctx.once("pages", lambda: examine(ctx))[rule_id], about)


RULES = (
    rule(DATE_MISSING, "an article, or an item in a list, shown without its publish date (counts as not updated)"),
    rule(FOOTER_MISSING, "a page whose footer lacks 主办单位, 网站标识码, ICP备案号, 公安机关备案号 or the 党政机关网站标识"),
    rule(META_MISSING, "a page without the meta tags inspectors' crawlers read (SiteName, ColumnName, ArticleTitle, PubDate, ...)"),
    rule(IMAGE_ALT, "an image without a text alternative (alt)"),
    rule(ATTACHMENT_MISSING, "a link to an attachment or file of the site that is not in the built site"),
)
