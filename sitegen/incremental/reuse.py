"""The cluster as the last build in this process planned it (`sitegen serve`), and the edits that let the next build
start from it instead of loading and assembling every source again: the text of pages, their front matter unchanged.

Front matter decides every listing, tag, number and order of the plan; a page's text decides only what the page
shows and what it links to, which the render stage works out again for the sites it makes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.content.load import text_only_edit
from sitegen.content.page import Page
from sitegen.content.profile import within
from sitegen.content.texts import TextFacts
from sitegen.digests import text_digest
from sitegen.incremental.fingerprint import Digester
from sitegen.incremental.inputs import Digests

if TYPE_CHECKING:
    from sitegen.plan import ClusterPlan  # the orchestrator's result, held here as it is


@dataclass(frozen=True)
class LastBuild:
    """What a successful build leaves for the next one in the same process."""

    planned: ClusterPlan
    read: Digests  # what it read
    settings: str  # the options it was built with
    digester: Digester  # what it digested (kept): the next build's fingerprints, and which sites showed an edited page


def text_edits(last: LastBuild | None, read: Digests, settings: str, now: datetime) -> list[Page] | None:
    """Return the pages of `last` whose text alone changed since it was built, given their new text, when nothing
    else did (no other file, setting or moment of publication); else None, and no page is changed."""
    if last is None or last.settings != settings or not within(last.planned.content.window, now):
        return None
    edited = read.edited(last.read)
    if not edited:  # nothing but text changed, and no text: only a build that replays itself gets here
        return None
    cluster = last.planned.cluster
    found: list[tuple[Page, str, str, TextFacts]] = []
    for path in map(Path, edited):
        page = last.planned.plan.pages.get(path.relative_to(cluster.root)) if path.is_relative_to(cluster.root) else None
        if page is None:  # not an admitted page: a site's settings, a store, a draft left out
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest = text_digest(data)
        if digest != read.files[str(path)]:  # changed again since it was digested
            return None
        new = text_only_edit(cluster, page, data, digest)
        if new is None:
            return None
        found.append((page, *new))
    rows = last.planned.disclosure.rows  # a catalogue row shows the summary, which may come from the text
    changed: list[object] = []
    for page, key, body, facts in found:  # only now that every edit qualifies
        page.key, page.body, page.facts, page.html, page.excerpt = key, body, facts, "", ""
        changed += [page, rows.pop(page.source, None)]
    last.digester.next_build(changed)
    return [page for page, *_new in found]
