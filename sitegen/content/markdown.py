"""Markdown to HTML with markdown-it-py (stage 4): links to .md files become URLs, files beside a page are copied."""
from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from sitegen import urls, workers
from sitegen.config.model import Cluster
from sitegen.content import plain
from sitegen.content.cache import Shelf
from sitegen.content.frontmatter import application_only
from sitegen.content.page import Page
from sitegen.content.spill import Spill, Spilled
from sitegen.digests import hexdigest
from sitegen.errors import Problem
from sitegen.i18n import _
from sitegen.sources.confine import inside, site_folder

SUMMARY_CHARS = 120
_ALLOWED_ATTRS = {**nh3.ALLOWED_ATTRIBUTES, "*": {"id", "class", "title", "lang"},
                  "input": {"type", "checked", "disabled"}, "th": {"style"}, "td": {"style"}}
_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"input", "section"}


def heading_slug(text: str) -> str:
    """Return an anchor id for a heading, keeping Chinese characters."""
    return re.sub(r"[^\w\- ]", "", text).strip().lower().replace(" ", "-") or "section"


@lru_cache(maxsize=2)
def parser(allow_html: bool) -> MarkdownIt:
    """Return the shared parser: CommonMark plus tables, strikethrough, footnotes, anchors, task lists."""
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug)
    return md


@dataclass
class Links:
    """What the converter needs to resolve links: every admitted page by source, and the withheld sources."""

    cluster: Cluster
    by_name: dict[str, Page]  # by POSIX source path: resolving a link makes no Path
    hidden: set[str]  # sources withheld from this build
    problems: list[Problem] = field(default_factory=list)  # filled by the links of one page's conversion
    warnings: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, cluster: Cluster, pages: dict[Path, Page], withheld: set[Path]) -> Links:
        """Return the links of a build: its admitted pages by source path, and its withheld sources."""
        return cls(cluster, {p.as_posix(): page for p, page in pages.items()}, {p.as_posix() for p in withheld})

    def scratch(self) -> Links:
        """Return links to the same pages that collect problems of their own."""
        return Links(self.cluster, self.by_name, self.hidden)


@dataclass(frozen=True)
class Converted:
    """What converting one page gave: its HTML, the files it links, every link as resolved, what was wrong."""

    html: str | Spilled
    assets: dict[str, Path]
    resolved: list[tuple[str, int, str | None]]  # (reference, line, href or None)
    problems: list[Problem]
    warnings: list[Problem]
    summary: str  # the first words of the text, for pages without a summary of their own


@dataclass
class Conversions:
    """What the convert stage returns: each converted page's result, and every problem and warning found."""

    done: dict[Path, Converted] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def attach(self, pages: list[Page]) -> None:
        """Give each page its HTML, the files it links and its excerpt (the one place pages get them)."""
        for page in pages:
            done = self.done.get(page.source)
            if done is not None:
                page.html, page.excerpt = done.html, done.summary  # type: ignore[assignment]  # a page holds spilled HTML
                page.assets.update(done.assets)


def convert_all(pages: list[Page], links: Links, cache: Shelf | None, cores: int,
                report: Callable[[int, int], None], spill: Spill | None = None) -> Conversions:
    """Convert every page (from the cache when its text and its links' targets are unchanged), on `cores` processes;
    with a `spill`, the pages' HTML is kept there as it comes, not in memory."""
    out = Conversions()
    todo = []
    for page in pages:
        cached = _from_cache(page, links, cache)
        if cached is None:
            todo.append(page)
        else:
            _add(out, page, _kept(cached, spill))
    for i, (page, done) in enumerate(zip(todo, workers.run(functools.partial(_convert, links=links), todo, cores), strict=True), 1):
        done = _kept(done, spill)
        _add(out, page, done)
        if cache is not None:
            cache.put(page.site, page.source.as_posix(), (_key(page, links), done.html, done.resolved, done.summary))
        report(i, len(todo))
    return out


def _kept(done: Converted, spill: Spill | None) -> Converted:
    """Return the conversion with its HTML in the spill, if there is one (the cache's entry keeps its own until it is
    written)."""
    return dataclasses.replace(done, html=spill.put(done.html)) if spill is not None and isinstance(done.html, str) else done


def _add(out: Conversions, page: Page, done: Converted) -> None:
    out.done[page.source] = done
    out.problems += done.problems
    out.warnings += done.warnings


def _key(page: Page, links: Links) -> str:
    # the source's digest covers the text and where it starts (a page loaded from the cache holds no text: it is not
    # read to be known); whether it was withheld at load too (依申请公开), so that a withheld text can never be served
    # from a conversion made while it was not
    return hexdigest(page.key or page.body, str(application_only(page.meta)), str(page.body_line), page.source.as_posix(),
                     str(links.cluster.sites[page.site].allow_html))


def _from_cache(page: Page, links: Links, cache: Shelf | None) -> Converted | None:
    """Return the cached conversion if the text is the same and every link resolves as it did."""
    found = cache.get(page.site, page.source.as_posix()) if cache is not None else None
    if found is None or found[0] != _key(page, links):
        return None
    scratch = links.scratch()
    assets = dict(page.assets)
    if any(_resolve(ref, page, scratch, line, assets) != href for ref, line, href in found[2]) or scratch.problems:
        return None
    return Converted(found[1], assets, found[2], [], scratch.warnings, found[3])


def _convert(page: Page, links: Links) -> Converted:
    site = links.cluster.sites[page.site]
    text = page.body  # read from its source once, if the page does not hold it
    made = plain.render(text)
    if made is not None:
        out, refs = made
        scratch, assets = links.scratch(), dict(page.assets)
        resolved = [(ref.url, line, _resolve(ref.url, page, scratch, line, assets))
                    for ref in refs for line in [page.body_line + ref.line]]
        out = plain.rewrite(out, refs, [target for _ref, _line, target in resolved])
        return _converted(out, site.allow_html, page, assets, resolved, scratch)
    return _convert_full(page, text, links)


def _convert_full(page: Page, text: str, links: Links) -> Converted:
    """Convert with markdown-it-py and its plugins, rewriting the links among its tokens."""
    allow_html = links.cluster.sites[page.site].allow_html
    md = parser(allow_html)
    tokens = md.parse(text)
    scratch = links.scratch()
    assets = dict(page.assets)
    resolved: list[tuple[str, int, str | None]] = []
    for block in tokens:
        if block.type == "inline" and block.children:
            line = page.body_line + (block.map[0] if block.map else 0)
            _rewrite(block.children, page, scratch, line, assets, resolved)
    out = md.renderer.render(tokens, md.options, {})
    return _converted(out, allow_html, page, assets, resolved, scratch)


def _converted(out: str, allow_html: bool, page: Page, assets: dict[str, Path], resolved: list[tuple[str, int, str | None]],
               scratch: Links) -> Converted:
    if allow_html:
        out = nh3.clean(out, attributes=_ALLOWED_ATTRS, tags=_ALLOWED_TAGS)
    return Converted(out, assets, resolved, scratch.problems, scratch.warnings, "" if page.meta.summary else summarize(out))


def absolute_links(fragment: str, base: str) -> str:
    """Return an HTML fragment with every relative href and src resolved against the absolute URL `base`."""
    # a feed is read away from the site, where a path or a name beside the page leads nowhere
    def resolve(_tag: str, attr: str, value: str) -> str:
        return urljoin(base, value) if attr in ("href", "src") else value
    return nh3.clean(fragment, attributes=_ALLOWED_ATTRS, tags=_ALLOWED_TAGS, link_rel=None, attribute_filter=resolve)


def summarize(fragment: str) -> str:
    """Return the first words of an HTML fragment as plain text, for listings and feeds."""
    # block ends separate words; inline tags sit inside Chinese text, which has no spaces
    spaced = re.sub(r"</(p|li|h\d|td|th|tr|div|blockquote|pre)>", " ", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", "", spaced))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rstrip() + "…"


def _rewrite(children: list[Token], page: Page, links: Links, line: int, assets: dict[str, Path],
             resolved: list[tuple[str, int, str | None]]) -> None:
    for i, tok in enumerate(children):
        attr = "href" if tok.type == "link_open" else "src" if tok.type == "image" else None
        if attr is None:
            continue
        ref = str(tok.attrGet(attr) or "")
        target = _resolve(ref, page, links, line, assets)
        resolved.append((ref, line, target))
        if target is None and attr == "href":
            _unlink(children, i)
        else:
            tok.attrSet(attr, target or "")


def _unlink(children: list[Token], i: int) -> None:
    """Turn a link into plain text (its target is withheld from this build)."""
    depth = 0
    for j in range(i, len(children)):
        if children[j].type == "link_open":
            depth += 1
        elif children[j].type == "link_close":
            depth -= 1
            if depth == 0:
                children[j].hidden = True
                break
    children[i].hidden = True


def _resolve(ref: str, page: Page, links: Links, line: int, assets: dict[str, Path]) -> str | None:
    """Return the href to write for `ref`, None to drop the link; record problems."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or ref.startswith(("/", "#")) or not parts.path:
        return ref
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(page.source.as_posix()), unquote(parts.path)))
    if rel.endswith(".md"):
        return _page_link(rel, ref, page, links, line, fragment)
    return _asset_link(Path(rel), ref, page, links, line, assets)


def _page_link(rel: str, ref: str, page: Page, links: Links, line: int, fragment: str) -> str | None:
    target = links.by_name.get(rel)
    if target is not None:
        here = links.cluster.sites[page.site]
        return urls.href(here, links.cluster.sites[target.site], target.path) + fragment
    if rel in links.hidden:
        links.warnings.append(Problem(_("link to '{ref}', which this build leaves out (draft, scheduled, expired or internal); shown as "
                                        "plain text").format(ref=ref), page.source, line))
        return None
    links.problems.append(Problem(_("link to a page that does not exist: '{ref}'").format(ref=ref), page.source, line,
                                  hint=_nearest_hint(rel, links)))
    return ref


def _nearest_hint(rel: str, links: Links) -> str:
    close = difflib.get_close_matches(rel, list(links.by_name), n=1, cutoff=0.7)
    if close:
        return f"did you mean {close[0]}? Links are relative to this file"
    return "links are relative to this file; check the path and name"


def _asset_link(rel: Path, ref: str, page: Page, links: Links, line: int, assets: dict[str, Path]) -> str:
    source = links.cluster.root / rel
    if not inside(source, site_folder(links.cluster.content_dir, page.site)) or not source.resolve().is_file():
        links.problems.append(Problem(_("linked file not found in this site's folder: '{ref}'").format(ref=ref), page.source, line,
                                      hint=_("put the file beside the page and link it by its name")))
        return ref
    name = source.name
    if assets.get(name, source) != source:  # two files of one name: keep both
        name = f"{hashlib.sha1(str(rel).encode()).hexdigest()[:8]}-{name}"
    assets[name] = source
    return urls.path(links.cluster.sites[page.site], page.path + name)
