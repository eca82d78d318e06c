"""A page as plain data: one Markdown source after the publishing profile let it through."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.content.frontmatter import PageMeta
from sitegen.content.spill import Spilled
from sitegen.content.texts import TextFacts, facts_of
from sitegen.digests import hexdigest


@dataclass(frozen=True)
class Attachment:
    """A file beside a page, copied to the output and listed with its size."""

    name: str
    title: str
    source: Path
    size: int


Reread = Callable[["Page"], str]  # gives a page's text (or HTML) again from where it is kept


class _Held:
    """A long text of a page: held in memory, or, once the build has let it go, read again whenever it is asked for (a
    template may show it). The Markdown text (`Page.let_go`) is read again from the source: 100,000 pages hold 230 MB
    of it; the converted HTML from the build's spill (`markdown.convert_all`): 244 MB."""

    def __init__(self, name: str) -> None:
        self.key = f"_{name}"

    def __get__(self, page: Page | None, owner: type | None = None) -> str:
        if page is None:
            raise AttributeError(self.key[1:])  # a field without a default
        held = page.__dict__[self.key]
        return held if type(held) is str else held(page)

    def __set__(self, page: Page, value: str) -> None:
        page.__dict__[self.key] = value


@dataclass(eq=False)
class Page:
    """One Markdown source, after the publishing profile let it through."""

    site: str
    column: str | None  # None for stand-alone pages such as /about/
    slug: str
    source: Path  # relative to the cluster root, as shown in messages
    meta: PageMeta
    body: str  # the Markdown text (see _Held)
    body_line: int  # 1-based line of the first body line in the source file
    date: datetime | None
    html: str = ""  # the converted text (see _Held)
    cover: str | None = None  # output name of the cover image, beside the page
    attachments: list[Attachment] = field(default_factory=list)
    assets: dict[str, Path] = field(default_factory=dict)  # output name -> source file
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line, e.g. 'disclosure.topic'
    key: str = ""  # digest of the source file's bytes: its front matter and text as read
    excerpt: str = ""  # the first words of the converted text, for pages without a summary of their own
    section: str | None = None  # the section (sub-folder) of a special column (专题) the page is in
    facts: TextFacts | None = None  # what the build needs to know of the text, if loading found it (see text_facts)

    def __eq__(self, other: object) -> bool:
        # field by field as stored: a text let go is not read again to compare (its source's digest, `key`, stands for it)
        return self.__dict__ == other.__dict__ if other.__class__ is self.__class__ else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # changeable, compared by value: as a dataclass's

    def let_go(self, reread: Reread) -> None:
        """Stop holding the text: `reread` gives it again when asked for."""
        if self.__dict__["_text"]:  # an empty text (依申请公开) is not in the source as it is
            self.read_from(reread)

    def read_from(self, reread: Reread) -> None:
        """Hold no text: `reread` gives it when asked for (a page loaded from the cache, whose text was not read)."""
        self.__dict__["_text"] = reread

    def html_digest(self) -> str:
        """Return the digest of the HTML (`hexdigest(page.html)`), without reading it from a spill."""
        held = self.__dict__["_html"]
        return held.digest if isinstance(held, Spilled) else hexdigest(self.html)

    def text_facts(self) -> TextFacts:
        """Return what the build needs to know of the text, as loading found it, else from the text."""
        return self.facts or facts_of(self.body)

    @property
    def path(self) -> str:
        """Site-relative URL path, e.g. 'news/slug/', 'special/section/slug/'; an _index.md's is its folder's."""
        if self.section is None:
            if not self.slug:
                return f"{self.column}/"
            return f"{self.column}/{self.slug}/" if self.column else f"{self.slug}/"
        return f"{self.column}/{self.section}/{self.slug}/" if self.slug else f"{self.column}/{self.section}/"

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def summary(self) -> str:
        """The front matter's summary, else the first words of the text."""
        return self.meta.summary or self.excerpt


# installed after the dataclass is made, which would take them for defaults
Page.body = _Held("text")  # type: ignore[assignment]
Page.html = _Held("html")  # type: ignore[assignment]


@dataclass
class FolderIndex:
    """The _index.md of a special column (专题) or of one of its sections: title, banner and introduction."""

    page: Page  # the introduction, converted like an article; its URL is the folder's, its `cover` the banner image
    banner_alt: str  # what the banner shows
    weight: int  # sections: lighter first
