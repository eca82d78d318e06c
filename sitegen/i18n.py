"""Messages in the reader's language: Chinese by default, English on request.

Every message an information officer reads is written in English in the code, marked with `_()`, and
translated from the gettext catalogue compiled into the package (sitegen/locale/, kept with Babel). The
language is chosen once per command, before anything is read: `--lang`, else `SITEGEN_LANG`, else the
cluster's `language` in sites.yaml, else Chinese. Worker processes are forked, so they speak it too.
"""
from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "sitegen"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "zh-CN"
CHINESE = "zh_CN"  # the catalogue's folder

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def catalogue(language: str) -> str | None:
    """Return the catalogue a language setting reads (zh, zh-CN, zh_Hans... → zh_CN), or None for English."""
    return CHINESE if language.lower().replace("_", "-").startswith("zh") else None


def use(language: str) -> None:
    """Speak `language` from now on (an unknown one: English)."""
    global _active, _language
    found = catalogue(language)
    _active = gettext.translation(DOMAIN, LOCALE_DIR, [found], fallback=True) if found else gettext.NullTranslations()
    _language = "zh-CN" if found else "en"


def language() -> str:
    """Return the language messages are in: 'zh-CN' or 'en'."""
    return _language


def _(message: str) -> str:
    """Return `message` in the current language."""
    return _active.gettext(message)


def n_(singular: str, plural: str, count: int) -> str:
    """Return the singular or plural form for `count` in the current language (Chinese has one form)."""
    return _active.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark `message` for the catalogue where it is defined; `_()` translates it where it is shown."""
    return message


use(os.environ.get("SITEGEN_LANG") or DEFAULT)
