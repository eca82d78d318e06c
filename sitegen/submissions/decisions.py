"""The target site's decisions on submitted items: content/<target site>/_submissions.yaml, a list its editors keep.

The file is a log: the last decision for a source and column counts, so changing one's mind is one more entry and
the history stays readable. Each target site keeps its own file in its own folder, so each side writes only its own.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sitegen.config.model import Cluster
from sitegen.content.frontmatter import parse_datetime
from sitegen.errors import Problem, Problems
from sitegen.i18n import _
from sitegen.sources.confine import inside, outside_problem, site_folder
from sitegen.sources.encoding import read_text, visible
from sitegen.sources.validation import problems_from
from sitegen.sources.yamlio import parse

FILE_NAME = "_submissions.yaml"
ADOPTED, DECLINED = "adopted", "declined"


class DecisionSpec(BaseModel):
    """One entry of _submissions.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1, description="the submitted page, from content/: finance/news/2026-11-15-x.md")
    column: str = Field(min_length=1, description="the column of this site it was submitted to")
    decision: Literal["adopted", "declined"]
    by: str = Field(min_length=1, description="the editor who decided")
    at: date = Field(description="date of the decision, YYYY-MM-DD")
    note: str = ""

    @field_validator("*", mode="before")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        return visible(value)

    @field_validator("at", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return parse_datetime(value, UTC).date() if isinstance(value, str) else value

    @field_validator("source")
    @classmethod
    def _from_content(cls, value: str) -> str:
        return value.strip().removeprefix("./").removeprefix("content/")


@dataclass(frozen=True)
class Decision:
    """A decision of a target site's editors, located in their file."""

    target: str  # the site whose file it is
    source: str  # the page, from the cluster's folder: content/finance/news/x.md
    column: str
    decision: str  # ADOPTED or DECLINED
    by: str
    at: date
    note: str
    line: int

    @property
    def file(self) -> str:
        return decisions_file(self.target)


def decisions_file(site_id: str) -> str:
    """Return a site's decisions file, from the cluster's folder."""
    return f"content/{site_id}/{FILE_NAME}"


def load_decisions(cluster: Cluster) -> list[Decision]:
    """Return every site's decisions in file order, or raise Problems naming every bad entry."""
    out: list[Decision] = []
    problems: list[Problem] = []
    for site_id in cluster.sites:
        try:
            out += read_decisions(cluster, site_id)
        except Problems as exc:
            problems += exc.problems
    if problems:
        raise Problems(problems)
    return out


def read_decisions(cluster: Cluster, site_id: str) -> list[Decision]:
    """Return one site's decisions ([] without a file), or raise Problems."""
    path = cluster.content_dir / site_id / FILE_NAME
    allowed = site_folder(cluster.content_dir, site_id)
    shown = decisions_file(site_id)
    if os.path.lexists(path) and not inside(path, allowed):
        raise Problems(outside_problem(path, cluster.root, allowed))
    if not path.is_file():
        return []
    data, node = parse(read_text(path, Path(shown)), shown)
    if data is None:
        return []
    if not isinstance(data, list) or node is None:
        raise Problems(Problem(_("the file must be a list of decisions, each starting with '- source: ...'"), shown, 1,
                               hint=_("see the entries sitegen submissions adopt writes, and write yours the same way")))
    out, problems = [], []
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        try:
            spec = DecisionSpec.model_validate(item)
        except ValidationError as exc:
            problems += problems_from(exc, DecisionSpec, item_node, shown)
            continue
        out.append(Decision(site_id, "content/" + spec.source, spec.column, spec.decision, spec.by.strip(), spec.at,
                            spec.note.strip(), line))
    if problems:
        raise Problems(problems)
    return out
