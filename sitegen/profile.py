"""The publishing profile: which pages exist at all in this build. Applied once, at load."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .frontmatter import PageMeta


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
