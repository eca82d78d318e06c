"""Special columns (专题专栏): the landing page's introduction and banner, and the sections by sub-folder."""
from __future__ import annotations

from dataclasses import dataclass

from sitegen.config.model import Column, Site
from sitegen.config.schema import ColumnType
from sitegen.content.page import FolderIndex, Page


@dataclass(frozen=True)
class Section:
    """One section (sub-folder) of a special column and its items in listing order."""

    id: str  # the folder name, its URL segment
    title: str
    pages: list[Page]
    intro: Page | None  # the section's _index.md, if it has one


@dataclass(frozen=True)
class Special:
    """A special column as its landing page shows it."""

    column: Column
    archived: bool  # a historical 专题: labelled as such (Column leaves it out of the site key)
    intro: Page | None  # the column's _index.md: title, banner (its cover) and introduction
    banner_alt: str
    sections: list[Section]

    @property
    def title(self) -> str:
        return self.intro.title if self.intro is not None else self.column.title

    @property
    def pages(self) -> list[Page]:
        """The intro pages of the column and its sections, converted and copied like articles."""
        return [p for p in (self.intro, *(s.intro for s in self.sections)) if p is not None]


def specials(site: Site, columns: dict[str, list[Page]], indexes: list[FolderIndex]) -> dict[str, Special]:
    """Return every special column of a site with its sections; `columns` holds each column's pages in listing order."""
    out = {}
    for column in site.columns.values():
        if column.type is not ColumnType.special:
            continue
        mine = {i.page.section: i for i in indexes if i.page.site == site.id and i.page.column == column.id}
        top = mine.pop(None, None)
        out[column.id] = Special(column, column.archived, top.page if top else None, top.banner_alt if top else "",
                                 _sections(columns[column.id], mine))
    return out


def _sections(pages: list[Page], indexes: dict[str | None, FolderIndex]) -> list[Section]:
    names = list(dict.fromkeys([p.section for p in pages if p.section] + [s for s in indexes if s]))

    def order(name: str) -> tuple[int, str]:
        found = indexes.get(name)
        return (found.weight if found else 0, name)

    return [Section(name, indexes[name].page.title if name in indexes else name, [p for p in pages if p.section == name],
                    indexes[name].page if name in indexes else None) for name in sorted(names, key=order)]
