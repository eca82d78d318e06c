"""The build: a short orchestrator of named stages. Everything is gathered before anything is written."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .assemble import Plan, assemble
from .config import load_config
from .disclosure import prepare as prepare_disclosure
from .errors import AssembleError, ConfigError, Problem, did_you_mean
from .load import load_content
from .markdown import Links, convert
from .models import Cluster
from .outputs import site_outputs
from .profile import Profile
from .publish import Output, WriteStats, publish
from .search import INDEX_DIR, T2S_FILE, jobs as index_jobs, t2s_map, write_indexes

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    root: Path
    out: Path
    profile: Profile
    sites: tuple[str, ...] = ()  # empty: every site


@dataclass
class BuildResult:
    """What a build did, for the summary line."""

    sites: int
    pages: int
    stats: WriteStats
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. index numbers assigned


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the cluster: config, load, assemble, convert, render, write, index."""
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    cluster = load_config(options.root)                            # 1. config
    chosen = _chosen_sites(cluster, options.sites)
    content = load_content(cluster, options.profile)               # 2. load (profile applied here, once)
    plan = assemble(cluster, content, options.profile)             # 3. assemble
    prepare_disclosure(plan)                                       # 3b. 政府信息公开: checks, 索引号, 解读
    _convert(plan, chosen, report)                                 # 4a. Markdown, links checked
    outputs = _render(plan, chosen, report)                        # 4b. templates, feeds, sitemaps
    stats = publish(outputs, options.out, chosen, prune_sites=not options.sites,
                    keep=(INDEX_DIR + "/",))                       # 5. write
    plan.index_numbers.save()                                      # only now: the build succeeded
    write_indexes(index_jobs(plan, options.out, chosen, stats.changed_sites), options.out)  # 6. index
    pages = sum(len(plan.sites[s].pages) for s in chosen)
    return BuildResult(len(chosen), pages, stats, time.perf_counter() - started, plan.warnings,
                       plan.index_numbers.notes)


def _chosen_sites(cluster: Cluster, wanted: tuple[str, ...]) -> list[str]:
    unknown = [s for s in wanted if s not in cluster.sites]
    if unknown:
        raise ConfigError([Problem(f"--site {s}: no such site{did_you_mean(s, cluster.sites)}",
                                   hint=f"sites: {', '.join(cluster.sites)}") for s in unknown])
    return list(wanted) if wanted else list(cluster.sites)


def _convert(plan: Plan, chosen: list[str], report: Progress) -> None:
    links = Links(plan.cluster, plan.pages, plan.withheld)
    pages = [p for s in chosen for p in plan.sites[s].pages]
    # pages of other sites are converted too: the portal shows their summaries
    pages += [p for s in plan.sites if s not in chosen for p in plan.sites[s].latest[:20]]
    for i, page in enumerate(pages, 1):
        convert(page, links)
        report("convert", i, len(pages))
    if links.problems:
        raise AssembleError(links.problems)
    plan.warnings += links.warnings


def _render(plan: Plan, chosen: list[str], report: Progress) -> dict[str, Output]:
    outputs: dict[str, Output] = {}
    t2s = t2s_map(plan)
    for i, site_id in enumerate(chosen, 1):
        outputs.update(site_outputs(plan, plan.sites[site_id]))
        outputs[f"{site_id}/{T2S_FILE}"] = t2s
        report("render", i, len(chosen))
    return outputs
