"""Stage 6, index: Pagefind search indexes over the written HTML; a sub-site searches itself, the portal the cluster."""
from __future__ import annotations

import queue
import shutil
import threading
from collections import deque
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
from sitegen.workers import default_workers


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


def write_indexes(todo: list[IndexJob], out_dir: Path, report: Callable[[int, int], None] = lambda done, total: None,
                  workers: int | None = None) -> Iterator[IndexJob]:
    """Run Pagefind for every job over the written HTML, yielding each job when its index is in place; `report` is
    told (pages indexed, pages to index) as Pagefind takes them.

    Indexes are written side by side, one Pagefind process each on up to `workers` cores (default: every core), the
    largest first (the portal's, of the whole cluster, takes longest); a process ends with its index, and its memory
    with it. On a failure no new index is started; those under way are finished.
    """
    if not todo:
        return
    waiting = deque(sorted(todo, key=lambda job: -len(job.pages)))
    events: queue.SimpleQueue[tuple[str, IndexJob | None, BaseException | None]] = queue.SimpleQueue()
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                job = waiting.popleft() if waiting else None
            if job is None:
                return
            try:
                _write_index(job, out_dir, lambda: events.put(("page", None, None)))
                events.put(("done", job, None))
            except BaseException as exc:  # handed to the caller's thread, which raises it
                events.put(("failed", job, exc))
                return

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(workers or default_workers(), len(todo)))]
    for thread in threads:
        thread.start()
    total, done, running, failure = sum(len(job.pages) for job in todo), 0, len(todo), None
    try:
        while running:
            kind, job, exc = events.get()
            if kind == "page":
                done += 1
                report(done, total)
                continue
            running -= 1
            if exc is not None:
                failure = failure or exc
                with lock:
                    running -= len(waiting)
                    waiting.clear()
            elif job is not None and failure is None:
                yield job
    finally:
        with lock:
            waiting.clear()
        for thread in threads:
            thread.join()
    if failure is not None:
        raise failure


def _write_index(job: IndexJob, out_dir: Path, added: Callable[[], None]) -> None:
    """Write one index in a Pagefind process of its own, then put it in place whole."""
    staging = job.folder.with_name(INDEX_DIR + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with PagefindService() as service:
            index_id = service.new_index({"force_language": "zh-cn"})
            sent = [service.add_html(index_id, url, with_filters(
                        (out_dir / page.site / page.path / "index.html").read_text(encoding="utf-8"), job.columns.get(id(page), ())))
                    for page, url in job.pages]
            for message_id in sent:
                service.wait(message_id)
                added()
            service.write(index_id, str(staging))
    except PagefindFailed as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(Problem(_("search index of site '{site_id}' failed: {exc}").format(site_id=job.site.id, exc=exc),
                                 hint=_("the pages were written; run the build again to index them"))) from exc
    _swap(staging, job.folder)


def _swap(staging: Path, folder: Path) -> None:
    """Put the new index in place whole: a reader never sees half of one."""
    old = folder.with_name(INDEX_DIR + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
