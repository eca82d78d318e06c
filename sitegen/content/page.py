"""A page as plain data: one Markdown source after the publishing profile let it through."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.content.frontmatter import PageMeta


@dataclass(frozen=True)
class Attachment:
    """A file beside a page, copied to the output and listed with its size."""

    name: str
    title: str
    source: Path
    size: int


@dataclass
class Page:
    """One Markdown source, after the publishing profile let it through."""

    site: str
    column: str | None  # None for stand-alone pages such as /about/
    slug: str
    source: Path  # relative to the cluster root, as shown in messages
    meta: PageMeta
    body: str
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


@dataclass
class FolderIndex:
    """The _index.md of a special column (专题) or of one of its sections: title, banner and introduction."""

    page: Page  # the introduction, converted like an article; its URL is the folder's, its `cover` the banner image
    banner_alt: str  # what the banner shows
    weight: int  # sections: lighter first
