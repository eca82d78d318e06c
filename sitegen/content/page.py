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

    @property
    def path(self) -> str:
        """Site-relative URL path, e.g. 'news/slug/'."""
        return f"{self.column}/{self.slug}/" if self.column else f"{self.slug}/"

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def summary(self) -> str:
        """The front matter's summary, else the first words of the text."""
        return self.meta.summary or self.excerpt
