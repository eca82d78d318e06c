"""Stage 6, index: Pagefind search indexes over the written HTML; a sub-site searches itself, the portal the cluster."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from sitegen import urls
from sitegen.assemble.plan import Plan
from sitegen.config.model import Site
from sitegen.content.page import Page
from sitegen.digests import hexdigest
from sitegen.errors import BuildError, Problem
from sitegen.i18n import _
from sitegen.incremental.manifest import Manifest
from sitegen.outputs.search_page import INDEX_DIR
from sitegen.search.pagefind import PagefindFailed, PagefindService


@dataclass(frozen=True)
class IndexJob:
    """One index to write: which pages, under which URLs, where."""

    site: Site  # the site whose search page uses this index
    pages: list[tuple[Page, str]]  # page and the URL a reader of `site` follows to it
    folder: Path
    fingerprint: str  # of the indexed files as they are on disk
    columns: dict[int, tuple[str, ...]] = field(default_factory=dict)  # id(page) -> titles of `site`'s columns adopting it


def jobs(plan: Plan, out_dir: Path, chosen: list[str], manifest: Manifest, force: bool = False) -> list[IndexJob]:
    """Return the indexes this build must (re)write: public output only, where the indexed files changed or none exists
    (every one with `force`)."""
    if plan.profile.name != "public":
        return []
    cluster, portal = plan.cluster, plan.cluster.portal
    todo = []
    for site_id in chosen:
        site = cluster.sites[site_id]
        adopted = adopted_columns(plan, site)
        if site.kind == "portal":
            # the portal searches the whole cluster: any change anywhere rewrites its index
            pages = [(p, urls.href(portal, cluster.sites[p.site], p.path)) for sp in plan.sites.values() for p in sp.pages]
        else:
            own = plan.sites[site_id].pages
            # a sub-site searches its own pages and the items its columns adopted (at their origin)
            pages = [(p, urls.href(site, cluster.sites[p.site], p.path)) for p in own + [a for a, _ in adopted.values()]]
        columns = {key: titles for key, (_, titles) in adopted.items()}
        files = [urls.output_file(cluster.sites[p.site], p.path) for p, _ in pages]
        fingerprint = hexdigest(*(f"{url}\0{f}\0{manifest.outputs.get(f, '')}\0{columns.get(id(p), '')}"
                                  for (p, url), f in zip(pages, files, strict=True)))
        folder = out_dir / site_id / INDEX_DIR
        if force or manifest.indexes.get(site_id) != fingerprint or not folder.is_dir():
            todo.append(IndexJob(site, pages, folder, fingerprint, columns))
    return todo


def adopted_columns(plan: Plan, site: Site) -> dict[int, tuple[Page, tuple[str, ...]]]:
    """Return id(page) -> (page, titles of the site's columns that adopted it) for the items the site adopted."""
    out: dict[int, tuple[Page, tuple[str, ...]]] = {}
    for column_id, pages in plan.routing.adopted.get(site.id, {}).items():
        for page in pages:
            found = out.get(id(page), (page, ()))
            out[id(page)] = (page, (*found[1], site.columns[column_id].title))
    return out


def with_filters(html: str, columns: tuple[str, ...]) -> str:
    """Return the page's HTML with a column filter of the indexing site for each column that adopted it."""
    if not columns:
        return html
    spans = "".join(f'<span data-pagefind-filter="column:{escape(title, quote=True)}"></span>' for title in columns)
    at = html.find("data-pagefind-body")
    at = html.find(">", at if at >= 0 else max(html.find("<body"), 0)) + 1
    return html[:at] + spans + html[at:]


def write_indexes(todo: list[IndexJob], out_dir: Path,
                  report: Callable[[int, int], None] = lambda done, total: None) -> Iterator[IndexJob]:
    """Run Pagefind for every job over the written HTML, yielding each job when its index is in place; `report` is
    told (pages indexed, pages to index) as Pagefind takes them."""
    if not todo:
        return
    total, done = sum(len(job.pages) for job in todo), 0
    with PagefindService() as service:
        for job in todo:
            staging = job.folder.with_name(INDEX_DIR + ".new")
            shutil.rmtree(staging, ignore_errors=True)
            try:
                index_id = service.new_index({"force_language": "zh-cn"})
                waiting = [service.add_html(index_id, url, with_filters(
                               (out_dir / page.site / page.path / "index.html").read_text(encoding="utf-8"),
                               job.columns.get(id(page), ()))) for page, url in job.pages]
                for message_id in waiting:
                    service.wait(message_id)
                    done += 1
                    report(done, total)
                service.write(index_id, str(staging))
            except PagefindFailed as exc:
                shutil.rmtree(staging, ignore_errors=True)
                raise BuildError(Problem(_("search index of site '{site_id}' failed: {exc}").format(site_id=job.site.id, exc=exc),
                                         hint=_("the pages were written; run the build again to index them"))) from exc
            _swap(staging, job.folder)
            yield job


def _swap(staging: Path, folder: Path) -> None:
    """Put the new index in place whole: a reader never sees half of one."""
    old = folder.with_name(INDEX_DIR + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
