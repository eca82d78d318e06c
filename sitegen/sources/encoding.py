"""Read source text as UTF-8, recognise GBK/GB18030 files and convert them on request."""
from __future__ import annotations

import re
from pathlib import Path

from sitegen.errors import Problem, Problems, invalid
from sitegen.i18n import _

BOM = b"\xef\xbb\xbf"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # invisible characters no web page or feed may carry


def visible(value: object) -> object:
    """Return a value (a string or a list of them) unchanged; raise ValueError naming an invisible control character."""
    for text in (value if isinstance(value, list) else [value]):
        if isinstance(text, str) and (found := CONTROL.search(text)):
            raise invalid(_("contains an invisible control character (U+{code})").format(code=f"{ord(found.group()):04X}"),
                          _("type the text again, or paste it as plain text (it often comes from Word)"))
    return value


def read_text(path: Path, shown: Path | str | None = None) -> str:
    """Return the file's text (UTF-8, BOM dropped, newlines normalised) or raise Problems."""
    return decode(path.read_bytes(), shown if shown is not None else path)


def decode(data: bytes, shown: Path | str) -> str:
    """Return the text of a file's bytes (UTF-8, BOM dropped, newlines normalised) or raise Problems."""
    try:
        text = data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problems(_describe(data, exc, shown)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _describe(data: bytes, exc: UnicodeDecodeError, shown: Path | str) -> Problem:
    line = data.count(b"\n", 0, exc.start) + 1
    if is_gb18030(data):
        return Problem(
            _("the file is saved in GBK/GB18030 encoding, not UTF-8"),
            shown,
            line=line,
            hint=_("convert it with `sitegen fix-encoding {file}` (or save it as UTF-8 in your editor)").format(file=shown),
        )
    return Problem(
        _("the file is not valid UTF-8 (byte 0x{byte})").format(byte=f"{data[exc.start]:02x}"),
        shown,
        line=line,
        hint=_("save the file as UTF-8 text"),
    )


def is_gb18030(data: bytes) -> bool:
    """Return True if `data` decodes as GB18030 and holds CJK text (not just random bytes)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def fix_encoding(path: Path) -> bool:
    """Rewrite a GBK/GB18030 file as UTF-8; return True if it was converted."""
    data = path.read_bytes()
    try:
        data.removeprefix(BOM).decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    if not is_gb18030(data):
        raise Problems(Problem(_("neither UTF-8 nor GBK/GB18030: cannot convert it safely"), path))
    tmp = path.with_name(path.name + ".utf8-tmp")
    tmp.write_bytes(data.decode("gb18030").encode("utf-8"))
    tmp.replace(path)
    return True


def text_files(paths: list[Path]) -> list[Path]:
    """Return the files named, and every .md and .yaml file inside the folders named."""
    return [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.md")) + sorted(p.rglob("*.yaml")))]
