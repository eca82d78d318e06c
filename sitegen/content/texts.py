"""Long texts handed to code that keeps their UTF-8 form inside them (pickle, the compiled Markdown parser)."""
from __future__ import annotations

LONG = 256  # characters: a shorter text's UTF-8 form costs little, and copying it time


def unshared(text: str) -> str:
    """Return a copy of a long text that is not plain ASCII (else the text itself): reading a text as UTF-8, C code
    keeps that form inside the text for as long as it lives, and a page's text may live to the end of the build. The
    copy takes that form with it when it goes (2 us for 3 KB)."""
    return text[:-1] + text[-1:] if len(text) >= LONG and not text.isascii() else text
