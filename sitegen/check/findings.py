"""What a check rule reports: a Finding with its severity, located in the sources or in the built site."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sitegen.i18n import N_

# what the verdict counts a finding as (Finding.counts); the limits are in the check: section of sites.yaml
STALE_COLUMN = N_("stale column")
EMPTY_COLUMN = N_("empty column")
LONG_STALE_COLUMN = N_("long-stale column")


class Severity(str, Enum):
    """How bad a finding is: a veto alone makes a site 不合格; errors count towards it; warnings are advice."""

    veto = "veto"
    error = "error"
    warning = "warning"

    @property
    def rank(self) -> int:
        """Return 3 for veto, 2 for error, 1 for warning: higher is worse."""
        return {"veto": 3, "error": 2, "warning": 1}[self.value]


@dataclass(frozen=True)
class Finding:
    """One thing an inspector would fault, with where to fix it.

    `path` is relative to the cluster root (`content/finance/news/x.md`, or `content/finance/news/` for a column);
    `url` is the public address of the page or column concerned.
    """

    rule: str
    severity: Severity
    site: str
    message: str
    path: str | None = None
    line: int | None = None
    url: str | None = None
    counts: tuple[str, ...] = ()  # what the site's verdict counts it as, e.g. STALE_COLUMN

    @property
    def where(self) -> str:
        """Return `path:line`, the path, or the URL: where an officer goes to fix it."""
        if self.path is None:
            return self.url or ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path
