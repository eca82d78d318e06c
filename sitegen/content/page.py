"""A page as plain data: one Markdown source after the publishing profile let it through."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.content.frontmatter import PageMeta
from sitegen.content.texts import TextFacts, facts_of


@dataclass(frozen=True)
class Attachment:
    """A file beside a page, copied to the output and listed with its size."""

    name: str
    title: str
    source: Path
    size: int


Reread = Callable[["Page"], str]  # gives a page's text again from its source


class _Text:
    """A page's Markdown text: held in memory, or, once the build has converted it and let it go (`Page.let_go`), read
    again from the source whenever it is asked for (a template may show it). 100,000 pages hold 230 MB of text."""

    def __get__(self, page: Page | None, owner: type | None = None) -> str:
        if page is None:
            raise AttributeError("body")  # a field without a default
        held = page.__dict__["_text"]
        return held if type(held) is str else held(page)

    def __set__(self, page: Page, value: str) -> None:
        page.__dict__["_text"] = value


@dataclass(eq=False)
class Page:
    """One Markdown source, after the publishing profile let it through."""

    site: str
    column: str | None  # None for stand-alone pages such as /about/
    slug: str
    source: Path  # relative to the cluster root, as shown in messages
    meta: PageMeta
    body: str  # the Markdown text (see _Text)
    body_line: int  # 1-based line of the first body line in the source file
    date: datetime | None
    html: str = ""
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


Page.body = _Text()  # type: ignore[assignment]  # installed after the dataclass is made, which would take it for a default


@dataclass
class FolderIndex:
    """The _index.md of a special column (专题) or of one of its sections: title, banner and introduction."""

    page: Page  # the introduction, converted like an article; its URL is the folder's, its `cover` the banner image
    banner_alt: str  # what the banner shows
    weight: int  # sections: lighter first
