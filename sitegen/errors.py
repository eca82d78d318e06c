"""One exception hierarchy: every error names its stage, its source file and, where known, the line."""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.i18n import N_, _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def location(self) -> str:
        """Return `file:line:col` (as much of it as is known)."""
        if self.path is None:
            return ""
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self, stage: str) -> str:
        """Return the problem as the lines a user reads."""
        where = self.location()
        stage = _(stage)
        head = f"{stage}: {where}: {self.message}" if where else f"{stage}: {self.message}"
        fix = _("fix:")
        return head + (f"\n    {fix} {self.hint}" if self.hint else "")


class Problems(ValueError):
    """Raised inside a stage for located problems; the stage collects them into its SitegenError."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class SitegenError(Exception):
    """Base class: a user-facing failure carrying one or more problems."""

    stage = N_("sitegen")
    exit_code = 1

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.render())

    def __reduce__(self) -> tuple:
        # raised in a worker process and re-raised in the build: keep the problems, not the message
        return (type(self), (self.problems,))

    def render(self) -> str:
        """Return every problem, one block each."""
        return "\n".join(p.format(self.stage) for p in self.problems)


class ConfigError(SitegenError):
    """sites.yaml or a _site.yaml is wrong."""

    stage = N_("config")


class ContentError(SitegenError):
    """A content file is wrong."""

    stage = N_("load")


class AssembleError(SitegenError):
    """Content is individually valid but does not fit together (links, slugs)."""

    stage = N_("assemble")


class BuildError(SitegenError):
    """Rendering or writing the output failed."""

    stage = N_("build")


class DeployError(SitegenError):
    """Uploading or switching a release failed."""

    stage = N_("deploy")


class InitError(SitegenError):
    """A new cluster cannot be written where or as asked (sitegen init)."""

    stage = "init"


class InternalError(SitegenError):
    """A bug in sitegen, reported with the file that was being processed."""

    stage = N_("internal")
    exit_code = 70


FIX = "; fix: "  # a validator's ValueError: the message, this mark, then the hint (sources.validation splits them)


def invalid(message: str, hint: str) -> ValueError:
    """Return the ValueError a schema validator raises: a message and its fix, both already translated."""
    return ValueError(message + FIX + hint)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' (did you mean "x"?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(' (did you mean "{word}"?)').format(word=close[0]) if close else ""
