"""Plain texts by the compiled parser (markdown-it.rs): byte for byte the HTML markdown-it-py makes, ten times faster.

A text is plain when it has none of the constructs on which the two parsers are known to differ, or which sitegen's
plugins change: raw HTML and autolinks, quotes, code, tables, footnotes (also inline ones, ^[...]), task lists,
reference definitions, '_' and '~' emphasis, entities and backslash escapes, tabs, whitespace other than spaces and
line ends (U+3000 at the end of a paragraph), bare carriage returns, empty list items, images whose text is not
simple, '*' beside a symbol, and level 2-4 headings (they get anchors). Links and images are kept: their targets are
rewritten here in the HTML, where the full parser rewrites its tokens. tests/unit/content/test_plain_markdown.py
holds the two to the same output.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import markdown_it_pyrs
from markdown_it.common.utils import escapeHtml

from sitegen.content.texts import unshared

# characters, then sequences, that send a text to the full parser (whitespace: all that str.isspace() knows but ' \n\r')
_NOT_PLAIN_CHAR = re.compile("[<>`|_~\\\\&\t\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_NOT_PLAIN_BRACKETS = re.compile(r"\[\^|\^\[|\]:|\[[ xX]\]|!\[(?![^\]\[*\n\r]*\])")
_EMPTY_ITEM = re.compile(r"^ *(?:[-+*]|[0-9]+[.)])[ \r]*$", re.M)
_LONE_CR = re.compile(r"\r(?!\n)")
_STARS = re.compile(r"\*+")
_ANCHORED = re.compile(r"<h[2-4][ >]")
_TAGS = re.compile(r'<a href="([^"]*)"[^>]*>|<img src="([^"]*)"')
_BLOCKS = frozenset({"root", "paragraph", "heading", "lheading", "bullet_list", "ordered_list", "list_item", "hr",
                     "code_block", "fence", "blockquote", "html_block", "table", "thead", "tbody", "trow", "tcell"})


@dataclass(frozen=True)
class Ref:
    """A link or an image of the HTML: its target as the full parser gives it, and where it is."""

    link: bool  # False: an image
    url: str
    line: int  # 0-based line of the text where its paragraph or heading starts
    tag: tuple[int, int]  # the opening tag in the HTML
    value: tuple[int, int]  # the target in the HTML
    close: int  # a link's '</a>'


@lru_cache(maxsize=1)
def _parser() -> markdown_it_pyrs.MarkdownIt:
    return markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])


def render(body: str) -> tuple[str, list[Ref]] | None:
    """Return the HTML of a plain text and its links and images in order; None if the text is not plain."""
    if (_NOT_PLAIN_CHAR.search(body) or ("[" in body and _NOT_PLAIN_BRACKETS.search(body)) or _EMPTY_ITEM.search(body)
            or ("\r" in body and _LONE_CR.search(body)) or ("*" in body and _symbol_beside_stars(body))):
        return None
    text = unshared(body)  # `sitegen serve` and `check` keep the texts: 33 MB more at 10,000 pages otherwise
    out = _parser().render(text)
    if _ANCHORED.search(out):
        return None
    refs = _refs(text, out) if "[" in body else []
    return None if refs is None else (out, refs)


def _refs(body: str, out: str) -> list[Ref] | None:
    """Return the links and images of the HTML with their targets and lines from the parser's tree; None if the two
    do not pair up (which cannot happen without raw HTML: never guess)."""
    found: list[tuple[bool, str, int]] = []
    if not _targets(_parser().tree(body), body.encode("utf-8"), found):
        return None
    tags = list(_TAGS.finditer(out))
    if len(tags) != len(found) or any((tag.group(1) is not None) != link for tag, (link, _u, _l) in zip(tags, found, strict=False)):
        return None
    return [Ref(link, url, line, tag.span(), tag.span(1 if link else 2), out.find("</a>", tag.end()) if link else -1)
            for tag, (link, url, line) in zip(tags, found, strict=True)]


def _symbol_beside_stars(body: str) -> bool:
    # CommonMark 0.31 counts symbols as punctuation beside emphasis, 0.30 did not
    for stars in _STARS.finditer(body):
        start, end = stars.span()
        for c in body[start - 1:start] + body[end:end + 1]:
            if not c.isascii() and unicodedata.category(c)[0] == "S":
                return True
    return False


def rewrite(out: str, refs: list[Ref], targets: list[str | None]) -> str:
    """Return the HTML with each link's or image's target replaced; a link whose target is None becomes its text."""
    edits: list[tuple[int, int, str]] = []
    for ref, target in zip(refs, targets, strict=True):
        if target is None and ref.link:
            edits += [(*ref.tag, ""), (ref.close, ref.close + len("</a>"), "")]
        else:
            edits.append((*ref.value, escapeHtml(target or "")))
    pieces, at = [], 0
    for start, end, text in sorted(edits):
        pieces += [out[at:start], text]
        at = end
    return "".join(pieces) + out[at:]


def _targets(node: markdown_it_pyrs.Node, data: bytes, found: list[tuple[bool, str, int]], line: int | None = None) -> bool:
    """Add the links and images below `node`, each with the line where its run of inline text starts (the line the
    full parser reports); False if a position is unknown."""
    for child in node.children:
        if child.name in _BLOCKS:
            if not _targets(child, data, found):
                return False
            line = None  # a new run of inline text starts after a block
            continue
        if line is None:
            if child.srcmap is None:
                return False
            line = data.count(b"\n", 0, child.srcmap[0])
        if child.name in ("link", "image"):
            found.append((child.name == "link", str(child.meta["url"]), line))
        if child.children and not _targets(child, data, found, line):
            return False
    return True
