"""The publishing profile: which pages exist at all in this build. Applied once, at load."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sitegen.content.frontmatter import PageMeta

Window = tuple[float | None, float | None]  # [from, until) as timestamps; None: unbounded


@dataclass(frozen=True)
class Profile:
    """Public or internal output, with or without drafts, at a fixed moment."""

    now: datetime
    name: Literal["public", "internal"] = "public"
    drafts: bool = False

    def admits(self, meta: PageMeta) -> bool:
        """Return True if a page with this front matter belongs in this build."""
        if meta.draft and not self.drafts:
            return False
        if meta.visibility == "internal" and self.name != "internal":
            return False
        if meta.publish_at is not None and meta.publish_at > self.now:
            return False
        return meta.expire_at is None or meta.expire_at > self.now


def window(metas: Iterable[PageMeta], now: datetime) -> Window:
    """Return the span of moments around `now` in which no page is published or expires."""
    moments = {t.timestamp() for m in metas for t in (m.publish_at, m.expire_at) if t is not None}
    at = now.timestamp()
    return max((t for t in moments if t <= at), default=None), min((t for t in moments if t > at), default=None)


def within(span: Window, now: datetime) -> bool:
    """Return True if `now` lies in the span."""
    at = now.timestamp()
    return (span[0] is None or span[0] <= at) and (span[1] is None or at < span[1])
