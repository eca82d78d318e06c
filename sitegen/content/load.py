"""Stage 2, load: walk content/, parse every page, apply the publishing profile once."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from sitegen import workers
from sitegen.config.model import Cluster, Site
from sitegen.content import walk
from sitegen.content.cache import Shelf
from sitegen.content.frontmatter import AttachmentSpec, PageMeta, application_only, parse_index_meta, parse_meta, shared, split
from sitegen.content.page import Attachment, FolderIndex, Page
from sitegen.content.profile import Profile, Window, window
from sitegen.content.texts import PLAIN, TextFacts, control_problem, facts_of, text_problems
from sitegen.content.walk import Source
from sitegen.digests import hexdigest, text_digest
from sitegen.errors import ContentError, InternalError, Problem, Problems
from sitegen.i18n import _
from sitegen.sources.encoding import decode

IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


@dataclass
class Content:
    """Every page the profile admits, and the sources it left out (links to them are not broken)."""

    pages: list[Page]
    withheld: set[Path] = field(default_factory=set)
    held: list[Page] = field(default_factory=list)  # the pages of `withheld`, read but not published
    warnings: list[Problem] = field(default_factory=list)
    window: Window = (None, None)  # the moments for which the profile admits these same pages
    indexes: list[FolderIndex] = field(default_factory=list)  # the _index.md of special columns and their sections


def load_content(cluster: Cluster, profile: Profile, cache: Shelf | None = None, cores: int = 1,
                 read: dict[str, str] | None = None, texts: bool = False) -> Content:
    """Return the cluster's pages, or raise ContentError naming every bad file. A page found in the cache holds no text
    (it is read when asked for), unless `texts`: the caller reads them all."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    index_sources: list[Source] = []
    sources = list(walk.sources(cluster, problems, warnings, index_sources))
    if not sources and not problems:
        raise ContentError(Problem(_("the content tree is empty: no .md files under content/"), "content/",
                                   hint=_("add pages as content/<site>/<column>/<name>.md")))
    found = _parse_all(cluster, sources, cache, cores, read or {}, texts)
    reread = SourceText(cluster.root, str(cluster.tz))
    parsed = [page for page in (_load_one(*source, found[source[3]], reread, problems) for source in sources) if page]
    indexes = [index for index in (_load_index(cluster, *source, problems) for source in index_sources) if index]
    # duplicates are checked before the profile, so a colliding draft fails now, not on publication day
    problems += _duplicate_slugs(parsed)
    if problems:
        raise ContentError(problems)
    content = Content(pages=[], warnings=warnings, window=window((p.meta for p in parsed), profile.now), indexes=indexes)
    for page in parsed:
        if profile.admits(page.meta):
            content.pages.append(page)
        else:
            content.withheld.add(page.source)
            content.held.append(page)
    return content


# (front matter, key lines, text (None: not held, read when asked for), its first line, what the build needs to know of it)
Parsed = tuple[PageMeta, dict[str, int], str | None, int, TextFacts] | list[Problem]
Read = tuple[str, Parsed, Path]  # the digest of the file's bytes, what they parsed to, the file as shown in messages


def _parse_all(cluster: Cluster, sources: list[Source], cache: Shelf | None,
               cores: int, read: dict[str, str], texts: bool) -> dict[Path, Read]:
    """Parse every source: from the cache when its bytes were seen before (known by their digest in `read`, or read
    now), without its text unless `texts`; the others on `cores` processes, which read them and give their texts only
    if `texts` (a cold build of 100,000 pages held 330 MB of their bytes and 230 MB of texts from parsing on)."""
    out: dict[Path, Read] = {}
    todo = []
    zone = str(cluster.tz)
    for site, _column, _section, src in sources:
        shown = src.relative_to(cluster.root)
        found = cache.get(site.id, shown.as_posix()) if cache is not None else None
        known = read.get(str(src))
        if found is not None and known is not None and not texts:
            if found[0] == _key(known, zone):
                out[src] = (found[0], found[1], shown)
                continue
        elif found is not None:  # not read by the digest, or its text asked for: the key of the bytes read now
            data = src.read_bytes()
            if found[0] == _key(text_digest(data), zone):
                out[src] = (found[0], _with_text(found[1], data, shown) if texts else found[1], shown)
                continue
        todo.append((site.id, src, shown))
    parse = functools.partial(_parse, tz=cluster.tz, texts=texts)
    for (site_id, src, shown), (key, parsed) in zip(todo, workers.run(parse, todo, cores), strict=True):
        out[src] = (key, parsed, shown)
        if cache is not None and not isinstance(parsed, list):
            meta, lines, _body, body_line, facts = parsed
            cache.put(site_id, shown.as_posix(), (key, (meta, lines, None, body_line, facts)))  # texts are not cached
    return out


def _with_text(parsed: Parsed, data: bytes, shown: Path) -> Parsed:
    """Return a cached parse with the text of the bytes it was made from."""
    assert not isinstance(parsed, list), "only parses without problems are cached"
    meta, lines, _none, body_line, facts = parsed
    return meta, lines, split(decode(data, shown), shown)[1], body_line, facts


@dataclass(frozen=True)
class SourceText:
    """Gives a loaded page's text again from its source (`Page.let_go`), as loading gave it."""

    root: Path
    zone: str

    def __call__(self, page: Page) -> str:
        data = (self.root / page.source).read_bytes()
        if _key(text_digest(data), self.zone) != page.key:
            raise ContentError(Problem(_("the file was changed while the site was being built"), page.source,
                                       hint=_("run the build again")))
        return split(decode(data, page.source), page.source)[1]


def _key(digest: str, zone: str) -> str:
    """Return the cache key of a source whose bytes have `digest`, parsed in the time zone `zone`."""
    return hexdigest(digest, zone)


def text_only_edit(cluster: Cluster, page: Page, data: bytes, digest: str) -> tuple[str, str, TextFacts] | None:
    """Return the page's key, text and what the build needs to know of it as `data` (its source's bytes now, of
    `digest`) gives them, if its front matter is still the page's and the text has nothing a build would refuse; else
    None (the source must be loaded again)."""
    key = _key(digest, str(cluster.tz))
    parsed = _parse_bytes(data, page.source, cluster.tz, texts=True)
    if isinstance(parsed, list):
        return None
    meta, lines, body, body_line, facts = parsed
    assert body is not None, "a source parsed now has its text"
    if meta != page.meta or lines != page.lines or body_line != page.body_line or application_only(meta):
        return None
    if text_problems(meta, facts, body_line, page.slug, page.column, page.source):
        return None
    return key, body, facts


def _parse(item: tuple[str, Path, Path], tz: tzinfo, texts: bool) -> tuple[str, Parsed]:
    """Return the key of a source's bytes, read now, and what they parse to, with the text only if `texts`."""
    data = item[1].read_bytes()
    return _key(text_digest(data), str(tz)), _parse_bytes(data, item[2], tz, texts)


def _parse_bytes(data: bytes, shown: Path, tz: tzinfo, texts: bool) -> Parsed:
    try:
        front, body, body_line = split(decode(data, shown), shown)
        meta, lines = parse_meta(front, shown, tz)
    except Problems as exc:
        return exc.problems
    except Exception as exc:  # a bug: still say which file it happened in
        raise InternalError(Problem(_("unexpected {name}: {exc}").format(name=type(exc).__name__, exc=exc), shown)) from exc
    return meta, lines, body if texts else None, body_line, facts_of(body)


def _load_one(site: Site, column: str | None, section: str | None, src: Path, read: Read, reread: SourceText,
              problems: list[Problem]) -> Page | None:
    key, parsed, shown = read
    if isinstance(parsed, list):
        problems += parsed
        return None
    try:
        page = _read_page(site, column, src, shown, key, parsed, reread)
        page.section = section
        return page
    except Problems as exc:
        problems += exc.problems
    except Exception as exc:  # a bug: still say which file it happened in
        raise InternalError(Problem(_("unexpected {name}: {exc}").format(name=type(exc).__name__, exc=exc), shown)) from exc
    return None


def _read_page(site: Site, column: str | None, src: Path, shown: Path, key: str,
               parsed: tuple[PageMeta, dict[str, int], str | None, int, TextFacts], reread: SourceText) -> Page:
    meta, lines, body, body_line, facts = parsed
    meta = shared(meta)
    slug = meta.slug if meta.slug is not None else src.stem
    problems = text_problems(meta, facts, body_line, slug, column, shown)
    attachments = [a for a in (_attachment(spec, src, shown, problems) for spec in meta.attachments) if a]
    cover = _beside(src, meta.cover) if meta.cover else None
    if meta.cover and cover is None:
        problems.append(Problem(_("cover image '{cover}' not found beside the page").format(cover=meta.cover), shown, line=2,
                                hint=_("put the file in {parent}/ or fix the name").format(parent=shown.parent)))
    if problems:
        raise Problems(problems)
    if application_only(meta):
        # in any column, draft or not: the text is given on application, never put online
        body, attachments = "", []
    page = Page(site=site.id, column=column, slug=slug, source=shown, meta=meta, body=body or "", body_line=body_line,
                date=meta.date, attachments=attachments, lines=lines, key=key, facts=PLAIN if facts == PLAIN else facts)
    if body is None:
        page.read_from(reread)
    if cover is not None:
        page.cover = cover.name
        page.assets[cover.name] = cover
    return page


def _attachment(spec: str | AttachmentSpec, src: Path, shown: Path, problems: list[Problem]) -> Attachment | None:
    name = spec if isinstance(spec, str) else spec.file
    title = (None if isinstance(spec, str) else spec.title) or Path(name).stem
    found = _beside(src, name)
    if found is None:
        problems.append(Problem(_("attachment '{name}' not found beside the page").format(name=name), shown, line=2,
                                hint=_("put the file in {parent}/ or fix the name").format(parent=shown.parent)))
        return None
    return Attachment(name=found.name, title=title, source=found, size=found.stat().st_size)


def _beside(src: Path, name: str) -> Path | None:
    """Return the file `name` relative to the page's folder, if it exists and stays inside it."""
    folder = src.parent.resolve()
    target = (folder / name).resolve()
    return target if target.is_file() and target.is_relative_to(folder) else None


def _load_index(cluster: Cluster, site: Site, column: str | None, section: str | None, src: Path,
                problems: list[Problem]) -> FolderIndex | None:
    """Return the title, banner and introduction of a special column or section, or None having added its problems."""
    assert column is not None
    shown = src.relative_to(cluster.root)
    data = src.read_bytes()
    try:
        front, body, body_line = split(decode(data, shown), shown)
        meta, lines = parse_index_meta(front, shown, cluster.tz)
    except Problems as exc:
        problems += exc.problems
        return None
    title = meta.title or (section if section is not None else site.columns[column].title)
    page = Page(site=site.id, column=column, slug="", source=shown, meta=PageMeta(title=title), body=body,
                body_line=body_line, date=None, lines=lines, key=text_digest(data), section=section)
    if (control := control_problem(facts_of(body), body_line, shown)) is not None:
        problems.append(control)
    if meta.banner is not None and not _banner(page, src, meta.banner, problems):
        return None
    return FolderIndex(page, meta.banner_alt or "", meta.weight)


def _banner(page: Page, src: Path, name: str, problems: list[Problem]) -> bool:
    """Give the page its banner image, copied beside it; return False having added a problem if it cannot be."""
    shown, line = page.source, page.lines.get("banner", 2)
    found = _beside(src, name)
    if found is None:
        problems.append(Problem(_("banner image '{name}' not found beside {file}").format(name=name, file=shown.name), shown, line,
                                hint=_("put the image in {parent}/ or fix the name after 'banner:'").format(parent=shown.parent)))
        return False
    if found.suffix.lower() not in IMAGES:
        problems.append(Problem(_("the banner '{name}' is not an image").format(name=name), shown, line,
                                hint=_("use a .png, .jpg, .gif, .svg or .webp file")))
        return False
    page.cover = found.name
    page.assets[found.name] = found
    return True


def _duplicate_slugs(pages: list[Page]) -> list[Problem]:
    seen: dict[tuple[str, str], Page] = {}
    problems = []
    for page in pages:
        key = (page.site, page.path)
        if key in seen:
            problems.append(Problem(_("two pages want the URL '{page_path}': this one and {source}").format(page_path=page.path,
                    source=seen[key].source),
                                    page.source, line=2, hint=_("rename one of the files or give it another 'slug:'")))
        seen.setdefault(key, page)
    return problems
