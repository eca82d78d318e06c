"""Simplified to Traditional Chinese in an HTML page: text and the attributes readers see, phrase by phrase (OpenCC s2t).

Never converted: URLs, scripts, styles, code, data attributes, and elements that declare their own language
(the 简体 link of the switch). Links to pages of the cluster are sent to their Traditional counterparts.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable

import opencc

LANG = "zh-Hant"
SEPARATOR = "\ue000"  # a private-use character: no phrase spans it and OpenCC leaves it alone
# whole elements left as they are: scripts and styles are not text; code is the same in both scripts
_RAW = r"<(?P<raw>script|style|pre|code|kbd|samp|textarea)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</(?P=raw)\s*>"
# text, then the elements kept whole (`<script>` is not to be read as an opening tag), the rest, a '<' that opens nothing
_TOKEN = re.compile(r"([^<]+)|" + _RAW + r"|<!--.*?-->|<![^>]*>|</[A-Za-z][^>]*>|<([A-Za-z][^\s/>]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|<",
                    re.S | re.I)
# the attributes this conversion may change or must read; most tags have none of them
_WANTED = re.compile(r"\s(?:href|src|action|poster|formaction|title|alt|aria-[a-z]+|placeholder|label|content|lang|translate|hreflang)"
                     r"\s*=", re.I)
_ATTR = re.compile(r"""(\s)([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_TEXT_ATTRS = frozenset({"title", "alt", "aria-label", "aria-description", "aria-roledescription", "placeholder", "label"})
_LINK_ATTRS = frozenset({"href", "src", "action", "poster", "formaction"})
# meta tags whose content is text for readers and crawlers (not Url, PubDate, SiteDomain, SiteIDCode, ColumnType)
_TEXT_META = frozenset({"description", "keywords", "sitename", "columnname", "columndescription", "columnkeywords",
                        "articletitle", "contentsource", "author"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

Retarget = Callable[[str], str]  # the link a Traditional page writes for a link of the Simplified one


@functools.cache
def converter() -> opencc.OpenCC:
    """Return this process's OpenCC converter (loading the dictionaries takes longer than converting a page)."""
    return opencc.OpenCC("s2t.json")


def convert_text(texts: list[str]) -> list[str]:
    """Return the texts in Traditional Chinese, converted in one call when none holds the separator."""
    joined = SEPARATOR.join(texts)
    if SEPARATOR not in "".join(texts):
        out = converter().convert(joined).split(SEPARATOR)
        if len(out) == len(texts):
            return out
    return [converter().convert(t) for t in texts]


class _Page:
    """One page being converted: the pieces of its HTML, and which of them are text to convert."""

    def __init__(self, retarget: Retarget):
        self.retarget = retarget
        self.pieces: list[str] = []
        self.texts: list[int] = []  # indices into pieces
        self.kept: str | None = None  # the element whose content keeps its language (declared with lang=)
        self.depth = 0

    def text(self, value: str) -> None:
        if self.kept is None and not value.isascii():
            self.texts.append(len(self.pieces))
        self.pieces.append(value)

    def tag(self, tag: str, name: str) -> None:
        name = name.lower()
        if self.kept is not None:
            self.depth += name == self.kept and not _void(name, tag)
        if name != "html" and not _WANTED.search(tag):
            self.pieces.append(tag)
            return
        if name == "html":
            tag = _with_attr(tag, "lang", LANG)
        found = list(_ATTR.finditer(tag))
        attrs = {m.group(2).lower(): m for m in found}
        if name == "a" and "hreflang" in attrs:  # the switch: the link to the page's own language is the current one
            tag = _current(tag, _value(attrs["hreflang"]) == LANG)
            found = list(_ATTR.finditer(tag))
        meta = name == "meta" and _value(attrs.get("name")).lower() in _TEXT_META
        at = 0
        for m in found:
            key, start = m.group(2).lower(), _value_start(m)
            if start < 0:
                continue
            value = _value(m)
            if key in _LINK_ATTRS and "hreflang" not in attrs:  # the language links already say where they lead
                self.pieces.append(tag[at:start] + self.retarget(value))
                at = start + len(value)
            elif (key in _TEXT_ATTRS or (meta and key == "content")) and self.kept is None:
                self.pieces.append(tag[at:start])
                self.text(value)
                at = start + len(value)
        self.pieces.append(tag[at:])
        declared = name != "html" and ("lang" in attrs or _value(attrs.get("translate")) == "no")
        if self.kept is None and declared and not _void(name, tag):
            self.kept, self.depth = name, 1

    def closing(self, tag: str) -> None:
        if self.kept is not None and tag[2:-1].strip().lower() == self.kept:
            self.depth -= 1
            if self.depth == 0:
                self.kept = None
        self.pieces.append(tag)

    def result(self) -> str:
        for i, value in zip(self.texts, convert_text([self.pieces[i] for i in self.texts]), strict=True):
            self.pieces[i] = value
        return "".join(self.pieces)


def to_traditional(html: str, retarget: Retarget) -> str:
    """Return the Traditional counterpart of an HTML page, its links passed through `retarget`."""
    page = _Page(retarget)
    for m in _TOKEN.finditer(html):
        text, _raw, name = m.groups()
        if text is not None:
            page.text(text)
        elif name is not None:
            page.tag(m.group(0), name)
        elif m.group(0).startswith("</"):
            page.closing(m.group(0))
        else:  # comments, the doctype, the elements kept whole, a lone '<'
            page.pieces.append(m.group(0))
    return page.result()


def _value(m: re.Match[str] | None) -> str:
    if m is None:
        return ""
    return next((g for g in m.group(4, 5, 6) if g is not None), "")


def _value_start(m: re.Match[str]) -> int:
    return next((m.start(g) for g in (4, 5, 6) if m.group(g) is not None), -1)


def _void(name: str, tag: str) -> bool:
    """Tell whether an opening tag has no content (nor closing tag)."""
    return name in _VOID or tag.endswith("/>")


def _with_attr(tag: str, key: str, value: str) -> str:
    """Return an opening tag with attribute `key` set to `value` (added when missing)."""
    found = re.search(rf"(\s{key}\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+)", tag, re.I)
    if found:
        return tag[:found.start(2)] + f'"{value}"' + tag[found.end(2):]
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end]} {key}="{value}"{tag[end:]}'


def _current(tag: str, current: bool) -> str:
    """Return a language link marked as the page's own language (aria-current) or not."""
    tag = re.sub(r"\saria-current\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+)", "", tag)
    return _with_attr(tag, "aria-current", "page") if current else tag
