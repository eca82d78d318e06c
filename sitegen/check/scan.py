"""Pure text scans for the privacy and wording rules: ID numbers, mobile numbers, banned words, typos."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import ahocorasick

from sitegen.errors import ConfigError, Problem
from sitegen.i18n import _

HitKind = Literal["privacy-id-number", "privacy-phone", "banned-word", "typo"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One finding in a text: what, where (offsets), the matched text (masked if personal) and a fix."""

    kind: HitKind
    start: int
    end: int
    found: str
    suggestion: str | None = None


# full-width digits are one character each, like ASCII ones: folding them keeps every offset
_FOLD_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－　", "0123456789Xx+- ")


def line_of(text: str, offset: int, first_line: int = 1) -> int:
    """Return the line number of `offset` in `text`, counting the first line as `first_line`."""
    return text.count("\n", 0, offset) + first_line


# --- resident ID numbers (GB 11643) ---------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# 18 characters standing alone: a letter or digit on either side makes it part of some other code
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])", re.ASCII)
# provinces (11–65), Taiwan 71, and the Hong Kong / Macao / Taiwan residence permits 81–83
_PROVINCES = frozenset(str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
                                         *range(50, 55), *range(61, 66), 71, 81, 82, 83))
# 15-digit first-generation numbers are not scanned: they carry no check digit, so they cannot be told apart
# from the 15-digit 工商注册号 and order numbers that fill 公示 pages, and first-generation cards stopped
# being valid on 2013-01-01, so new pages rarely carry them.


def id_check_char(body: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of an ID number."""
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _birth_date_ok(digits: str, today: date) -> bool:
    """Tell whether YYYYMMDD is a real date between 1900-01-01 and today."""
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def _is_id_number(number: str, today: date) -> bool:
    """Tell whether 18 characters are a well-formed resident ID number: province, birth date, check digit."""
    return (number[:2] in _PROVINCES and _birth_date_ok(number[6:14], today)
            and id_check_char(number[:17]) == number[17].upper())


def mask_id(number: str) -> str:
    """Return an ID number with all but its first and last four characters hidden."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def id_numbers(text: str, today: date | None = None) -> list[Hit]:
    """Return the unmasked resident ID numbers in `text` whose birth date and check digit are valid."""
    today = today or date.today()
    folded = text.translate(_FOLD_WIDTH)
    return [Hit("privacy-id-number", m.start(), m.end(), mask_id(text[m.start():m.end()]))
            for m in _ID_CANDIDATE.finditer(folded)
            if _is_id_number(m.group(), today) and not _is_labelled_org_code(folded, m)]


# --- 统一社会信用代码 (GB 32100), which an all-digit code can share the ID number's shape with ---------

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_LABELS = ("信用代码", "索引号", "机构代码")
_LABEL_REACH = 12  # characters before the number where a label such as "统一社会信用代码：" may end


def credit_code_valid(code: str) -> bool:
    """Tell whether 18 characters carry a valid GB 32100 统一社会信用代码 check character."""
    code = code.upper()
    if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
        return False
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def _is_labelled_org_code(text: str, match: re.Match[str]) -> bool:
    """Tell whether an ID-shaped number is really an organisation's code: a valid credit code, so labelled."""
    # both checks, not one: 1 in 31 real ID numbers also passes the credit-code check, so the context decides
    if not credit_code_valid(match.group()):
        return False
    before = text[max(0, match.start() - _LABEL_REACH):match.start()]
    return text.startswith("/", match.end()) or any(label in before for label in _ORG_LABELS)


# --- mainland mobile numbers ----------------------------------------------------------------------

# 3-4-4 with one kind of separator throughout (none, spaces or hyphens), optionally after +86 / 86
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)([ -]?)(\d{4})\2(\d{4})(?!\d)", re.ASCII)
_GROUPED_DIGIT_BEFORE = re.compile(r"\d[ -]$", re.ASCII)
_GROUPED_DIGIT_AFTER = re.compile(r"[ -]\d", re.ASCII)


def national_number(number: str) -> str:
    """Return the 11 digits of a mobile number written in any form ('+86 138-1234-5678' -> '13812345678')."""
    digits = re.sub(r"\D", "", number.translate(_FOLD_WIDTH), flags=re.ASCII)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def mask_phone(written: str) -> str:
    """Return a mobile number as written with the 4th to 7th digits of its national number hidden."""
    digits = [i for i, c in enumerate(written.translate(_FOLD_WIDTH)) if "0" <= c <= "9"][-11:]
    hidden = set(digits[3:7])
    return "".join("*" if i in hidden else c for i, c in enumerate(written))


def _part_of_grouped_number(text: str, match: re.Match[str]) -> bool:
    """Tell whether a number written in groups continues with more groups (a bank card, an order number)."""
    if not match.group(2):
        return False
    return bool(_GROUPED_DIGIT_BEFORE.search(text, max(0, match.start() - 2), match.start())
                or _GROUPED_DIGIT_AFTER.match(text, match.end()))


def phone_numbers(text: str, allowed: Iterable[str] = ()) -> list[Hit]:
    """Return the unmasked mainland mobile numbers in `text`, except those in `allowed` (official lines)."""
    official = {national_number(a) for a in allowed}
    folded = text.translate(_FOLD_WIDTH)
    return [Hit("privacy-phone", m.start(), m.end(), mask_phone(text[m.start():m.end()]))
            for m in _MOBILE.finditer(folded)
            if national_number(m.group()) not in official and not _part_of_grouped_number(folded, m)]


# --- banned words and typos -----------------------------------------------------------------------

# what a key means: kind, suggested right form, length (the automaton reports only where a key ends)
_Entry = tuple[HitKind, str | None, int]


class Dictionary:
    """Banned words and typos compiled into one Aho-Corasick automaton: every word in one pass."""

    def __init__(self, banned: Iterable[str] = (), typos: Mapping[str, str] | None = None):
        self._automaton = ahocorasick.Automaton()
        for wrong, right in (typos or {}).items():
            self._automaton.add_word(wrong, ("typo", right, len(wrong)))
        # added last so that a word on both lists is reported as banned, the graver finding
        for word in banned:
            self._automaton.add_word(word, ("banned-word", None, len(word)))
        self._size = len(self._automaton)
        if self._size:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        """Return the number of distinct words."""
        return self._size

    @classmethod
    def load(cls, banned: Path | None, typos: Path | None) -> Dictionary:
        """Read a banned-word list and a typo list (UTF-8, `#` comments); raise ConfigError for bad lines."""
        problems: list[Problem] = []
        words = [w for _, w in _entries(banned, problems)] if banned else []
        corrections = _parse_typos(typos, problems) if typos else {}
        if problems:
            raise ConfigError(problems)
        return cls(words, corrections)

    def find(self, text: str) -> list[Hit]:
        """Return the banned words and typos in `text`, leftmost-longest and not overlapping."""
        if not self._size:
            return []
        # iter_long() of pyahocorasick 2.3.1 misses matches near the end of a text, so choose from iter()
        longest: dict[int, _Entry] = {}
        for end, entry in self._automaton.iter(text):
            start = end + 1 - entry[2]
            if start not in longest or entry[2] > longest[start][2]:
                longest[start] = entry
        hits: list[Hit] = []
        cursor = 0
        for start in sorted(longest):
            if start >= cursor:
                kind, right, length = longest[start]
                hits.append(Hit(kind, start, start + length, text[start:start + length], right))
                cursor = start + length
        return hits


def _entries(path: Path, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) for the non-blank, non-comment lines of a word list."""
    try:
        content = path.read_text(encoding="utf-8-sig")  # -sig: lists saved by Windows Notepad start with a BOM
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(_("cannot read the word list: {error}").format(error=error), path, hint=_("save it as UTF-8 text")))
        return
    for number, line in enumerate(content.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, stripped


def _parse_typos(path: Path, problems: list[Problem]) -> dict[str, str]:
    """Return {wrong: right} from a typo list, adding a problem for every malformed or conflicting line."""
    corrections: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for number, line in _entries(path, problems):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 2 or not all(fields) or fields[0] == fields[1]:
            problems.append(Problem(_("expected \"wrong<TAB>right\", got \"{line}\"").format(line=line), path, number,
                                    hint=_("one typo per line: the wrong form, one tab, the right form")))
        elif corrections.setdefault(fields[0], fields[1]) != fields[1]:
            problems.append(Problem(_("\"{value}\" is corrected to \"{value2}\" on line {value3} and to \"{value4}\" here")
                                    .format(value=fields[0],
                    value2=corrections[fields[0]], value3=first_line[fields[0]], value4=fields[1]), path, number))
        else:
            first_line.setdefault(fields[0], number)
    return corrections
