"""The assembled cluster, as every command that needs it gets it: config → load → review → submissions → assemble →
政府信息公开."""
from __future__ import annotations

from dataclasses import dataclass

from sitegen.assemble.plan import Plan, assemble
from sitegen.config.model import Cluster
from sitegen.content.cache import Caches
from sitegen.content.load import Content, load_content
from sitegen.content.profile import Profile
from sitegen.disclosure.plan import DisclosurePlan, prepare
from sitegen.outputs.registry import check_urls
from sitegen.review.gate import withhold_unreviewed
from sitegen.submissions.routing import route


@dataclass(frozen=True)
class ClusterPlan:
    """Every stage's result up to rendering: the loaded content, the assembled plan, the disclosure plan."""

    cluster: Cluster
    content: Content
    plan: Plan
    disclosure: DisclosurePlan


@dataclass(frozen=True)
class SiteCount:
    """One line of `sitegen list`: a site, its columns and how many pages each has."""

    id: str
    name: str
    kind: str
    url: str
    columns: list[tuple[str, int]]
    pages: int


def plan_cluster(cluster: Cluster, profile: Profile, caches: Caches | None = None, workers: int = 1,
                 read: dict[str, str] | None = None, texts: bool = False) -> ClusterPlan:
    """Load, assemble and check the cluster; raise the first stage's error with every problem of that stage. `read`:
    the digests of the text sources as the build just read them (a source found in the cache is not read again);
    `texts`: every page holds its text (a page found in the cache is otherwise read only if its text is asked for)."""
    content = load_content(cluster, profile, caches.front if caches else None, workers, read, texts)  # profile applied here, once
    unreviewed = withhold_unreviewed(cluster, content, profile)  # 三审: no approver, not published
    plan = assemble(cluster, content, profile, route(cluster, content), unreviewed)  # with the adopted submissions
    check_urls(plan)  # every URL wanted by one thing only
    return ClusterPlan(cluster, content, plan, prepare(plan, caches.front if caches else None))


def site_counts(planned: ClusterPlan) -> list[SiteCount]:
    """Return every site with the number of pages of each column and in all."""
    out = []
    for sp in planned.plan.sites.values():
        site = sp.site
        columns = [(c.id, len(sp.columns[c.id])) for c in site.columns.values()]
        out.append(SiteCount(site.id, site.name, site.kind, site.base_url, columns, len(sp.pages)))
    return out
