"""Pages' Markdown texts apart from the pages: what the build needs to know of a text without holding it, and long
texts handed to code that keeps their UTF-8 form inside them (pickle, the compiled Markdown parser)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.content.frontmatter import PageMeta
from sitegen.errors import Problem
from sitegen.i18n import _
from sitegen.sources.encoding import CONTROL
from sitegen.urls import is_safe_slug

LONG = 256  # characters: a shorter text's UTF-8 form costs little, and copying it time
_FOLDER = re.compile(r"[a-z0-9-]+(?=/)")  # a run of the characters of a site's id (config.schema.ID_PATTERN) before a "/"
_ESCAPED_LINK = re.compile(r"\]\([^)\s]*%|href=[\"'][^\"']*%")


@dataclass(frozen=True)
class TextFacts:
    """What the build needs to know of a page's text, found when its source is parsed and kept in the cache with the
    front matter, so that a page loaded from the cache is built without its text being read (15,500 pages: 46 MB of
    text not read on every build)."""

    control: tuple[int, int] | None = None  # the first invisible control character: (its code, its line in the text)
    folders: frozenset[str] = frozenset()  # every longest run of a site id's characters just before a "/"
    escaped: bool = False  # the text may hold a percent-encoded link, which may name any folder

    def may_name(self, site_ids: set[str]) -> bool:
        """Return whether the text may link into the folder of one of these sites: it has "<id>/" or an escaped link."""
        return self.escaped or any(folder.endswith(site_id) for folder in self.folders for site_id in site_ids)


PLAIN = TextFacts()  # a text with no control character, no "/" and no escaped link


def facts_of(text: str) -> TextFacts:
    """Return what the build needs to know of a text."""
    found = CONTROL.search(text)
    control = (ord(found.group()), text.count("\n", 0, found.start())) if found else None
    folders = frozenset(_FOLDER.findall(text)) if "/" in text else frozenset()
    escaped = "%" in text and _ESCAPED_LINK.search(text) is not None
    return TextFacts(control, folders, escaped) if control or folders or escaped else PLAIN


def text_problems(meta: PageMeta, facts: TextFacts, body_line: int, slug: str, column: str | None, shown: Path) -> list[Problem]:
    """Return what is wrong with a page's own words: its URL name, invisible characters, a missing date."""
    problems = []
    if not is_safe_slug(slug):
        problems.append(Problem(_("slug '{slug}' cannot be used in a URL").format(slug=slug), shown, line=2,
                                hint=_("use letters, digits, '-', '_' and '.', with no '/' or '..'")))
    if (control := control_problem(facts, body_line, shown)) is not None:
        problems.append(control)
    if column is not None and meta.date is None:
        problems.append(Problem(_("'date' is required: every item in a column shows its publish date"), shown, line=2,
                                hint=_("add 'date: YYYY-MM-DD' (or 'date: YYYY-MM-DD HH:MM')")))
    return problems


def control_problem(facts: TextFacts, body_line: int, shown: Path) -> Problem | None:
    """Return the problem of an invisible control character in a text whose first line is `body_line`, if it has one."""
    if facts.control is None:
        return None
    code, line = facts.control
    return Problem(_("the text contains an invisible control character (U+{code:04X})").format(code=code), shown,
                   line=body_line + line, hint=_("type that line again, or paste the text as plain text (it often comes from Word)"))


def unshared(text: str) -> str:
    """Return a copy of a long text that is not plain ASCII (else the text itself): reading a text as UTF-8, C code
    keeps that form inside the text for as long as it lives, and a page's text may live to the end of the build. The
    copy takes that form with it when it goes (2 us for 3 KB)."""
    return text[:-1] + text[-1:] if len(text) >= LONG and not text.isascii() else text
