"""The check: build the cluster as the public sees it, run every rule on the plan and the build, judge each site."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.build import BuildOptions, build, chosen_sites
from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding
from sitegen.check.registry import RULES, VERDICT_RULES
from sitegen.check.rules import Rule
from sitegen.check.verdict import Report, judge, worst_first
from sitegen.config.model import Cluster
from sitegen.content.cache import CACHE_DIR, Caches
from sitegen.content.profile import Profile
from sitegen.plan import plan_cluster
from sitegen.workers import default_workers
from sitegen.write import folder


@dataclass(frozen=True)
class CheckOptions:
    """What to check, and when."""

    now: datetime  # the moment to judge at: the public profile and every age are taken at it
    sites: tuple[str, ...] = ()  # empty: every site
    external: bool = False  # also run the rules that fetch from other servers
    workers: int = field(default_factory=default_workers)


def check_dir(root: Path) -> Path:
    """Return where the check builds: never build/, so checking cannot change what is deployed; kept for next time."""
    return root / CACHE_DIR / "check"


def check(cluster: Cluster, options: CheckOptions) -> Report:
    """Build the chosen sites publicly (no search), run the rules, return every site's verdict and findings."""
    chosen = tuple(chosen_sites(cluster, options.sites))  # ConfigError for an unknown --site
    now = options.now.astimezone(cluster.tz)
    profile = Profile(now, "public")
    caches = Caches(cluster.root)  # shared by the build and the plan: front matter is parsed once
    out = check_dir(cluster.root)
    seed(cluster.root, out)
    built = build(BuildOptions(root=cluster.root, out=out, profile=profile, sites=chosen, search=False,
                               workers=options.workers, texts=True), caches=caches, cluster=cluster)  # an error stops the check
    planned = built.planned or plan_cluster(cluster, profile, caches, options.workers, texts=True)  # nothing changed: plan it here
    ctx = CheckContext(planned, out, now, chosen, options.workers)
    return judged(ctx, findings(ctx, [rule for rule in RULES if options.external or not rule.external]))


def seed(root: Path, out: Path) -> None:
    """Start the check's folder as a copy of the finished public build in build/, if it has no finished build itself.

    The build then only redoes what differs (pages published or withdrawn between the two moments): the first check
    after a build costs a copy, not a second cold build. build/ is only read, under its lock.
    """
    state, source = folder.read_state(out), root / folder.Kind().folder()
    given = folder.read_state(source)
    if (state is not None and state.complete) or given is None or not given.public:
        return
    copy = out.with_name(out.name + ".seed")
    shutil.rmtree(copy, ignore_errors=True)
    with folder.locked(source):
        shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns(folder.LOCK, "pagefind"), copy_function=_link)
    shutil.rmtree(out, ignore_errors=True)
    copy.rename(out)


def _link(source: str, target: str) -> None:
    """Share a file of build/ instead of copying it: a build never writes into a file, it replaces it (Publisher)."""
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def findings(ctx: CheckContext, rules: Iterable[Rule]) -> list[Finding]:
    """Return the findings of the rules on the chosen sites."""
    return [f for rule in rules for f in rule.find(ctx) if f.site in ctx.sites]


def judged(ctx: CheckContext, found: list[Finding]) -> Report:
    """Return the report: every chosen site judged, worst first."""
    sites = [judge(s, ctx.cluster.sites[s].name, [f for f in found if f.site == s], ctx.settings) for s in ctx.sites]
    return Report(ctx.now, worst_first(sites))


def verdicts(cluster: Cluster, now: datetime, sites: tuple[str, ...] = (), workers: int = default_workers()) -> Report:
    """Judge the chosen sites at `now` by the rules a verdict rests on alone, from the sources: no build needed.

    `sitegen deploy` asks this before anything goes live; `sitegen check` runs these and every other rule.
    """
    chosen = tuple(chosen_sites(cluster, sites))
    now = now.astimezone(cluster.tz)
    planned = plan_cluster(cluster, Profile(now, "public"), Caches(cluster.root), workers, texts=True)  # the rules read them all
    ctx = CheckContext(planned, check_dir(cluster.root), now, chosen)
    return judged(ctx, findings(ctx, VERDICT_RULES))
