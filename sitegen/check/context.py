"""What every check rule is given: the planned cluster, a finished public build of it, and the moment to judge at."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sitegen import urls
from sitegen.assemble.plan import Plan, SitePlan
from sitegen.config.model import Cluster, Column, Site
from sitegen.config.schema import CheckSpec
from sitegen.plan import ClusterPlan

T = TypeVar("T")


@dataclass(frozen=True)
class CheckContext:
    """The cluster as sitegen planned and built it: content rules read `planned`, output rules read `out`."""

    planned: ClusterPlan  # the public profile at `now`: drafts, internal and scheduled pages left out
    out: Path  # folder of a finished public build of the same sources (without search indexes)
    now: datetime  # aware, in the cluster's time zone
    sites: tuple[str, ...]  # ids of the sites to check, in sites.yaml order
    workers: int = 1  # processes a rule may read the build on
    made: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # see once()

    @property
    def cluster(self) -> Cluster:
        return self.planned.cluster

    @property
    def plan(self) -> Plan:
        return self.planned.plan

    @property
    def settings(self) -> CheckSpec:
        """The check: section of sites.yaml."""
        return self.cluster.check

    def site_plans(self) -> Iterator[SitePlan]:
        """Yield the plan of every site to check."""
        for site_id in self.sites:
            yield self.plan.sites[site_id]

    def url(self, site: Site, rel: str = "") -> str:
        """Return the public URL of a site-relative path, as readers and inspectors see it."""
        return urls.absolute(site, rel)

    def column_path(self, site: Site, column: Column) -> str:
        """Return a column's source folder relative to the cluster root, e.g. `content/finance/news/`."""
        return f"content/{site.id}/{column.id}/"

    def once(self, key: str, make: Callable[[], T]) -> T:
        """Return what `make` returns, made on the first call only: rules that share one pass over the build use it."""
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]
