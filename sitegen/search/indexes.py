"""Stage 6, index: one Pagefind search index per site over its written HTML, written side by side.

Every site's index holds its own pages and the items its columns adopted (marked as copies); the portal's search page
searches the cluster by merging every site's index into its own in the browser, leaving the copies out, so an edit
rewrites only the index of the site it touched. Beside each index, the counts of its filter values (the search page's
choices, without loading Pagefind's filter files), and on the portal the cluster's counts.
"""
from __future__ import annotations

import json
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from html import escape, unescape
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

FORMAT = "2"  # how pages are put in an index: a change re-indexes every site
COPY = "copy"  # the filter marking an adopted item in the index of a site that adopted it: the cluster search skips it
COUNTS_FILE = "filters.json"  # beside each index: {"all": counts over the index, "own": without the copies}
CLUSTER_COUNTS_FILE = "cluster-filters.json"  # in the portal's index folder: {"all": every site's "own" counts, summed}
NOT_CHOICES = ("number", COPY)  # filters that are not offered as choices on the search page
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-highlight.")  # Pagefind's interfaces: not deployed
_FILTER = re.compile(r'data-pagefind-filter="([^":]+):([^"]*)"')


@dataclass(frozen=True)
class IndexJob:
    """One index to write: which pages, under which URLs, where."""

    site: Site  # the site whose search page uses this index
    pages: list[tuple[Page, str]]  # page and the URL a reader of `site` follows to it
    folder: Path
    fingerprint: str  # of the indexed files as they are on disk
    columns: dict[int, tuple[str, ...]] = field(default_factory=dict)  # id(page) -> titles of `site`'s columns adopting it
    copies: frozenset[int] = frozenset()  # id(page) of the items adopted from other sites


def jobs(plan: Plan, out_dir: Path, chosen: list[str], manifest: Manifest, force: bool = False) -> list[IndexJob]:
    """Return the indexes this build must (re)write: public output only, where the indexed files changed or none exists
    (every one with `force`)."""
    if plan.profile.name != "public":
        return []
    cluster = plan.cluster
    todo = []
    for site_id in chosen:
        site = cluster.sites[site_id]
        adopted = adopted_columns(plan, site)
        # a site searches its own pages and the items its columns adopted (at their origin)
        pages = [(p, urls.href(site, cluster.sites[p.site], p.path))
                 for p in plan.sites[site_id].pages + [a for a, _ in adopted.values()]]
        columns = {key: titles for key, (_, titles) in adopted.items()}
        files = [urls.output_file(cluster.sites[p.site], p.path) for p, _ in pages]
        fingerprint = hexdigest(FORMAT, *(f"{url}\0{f}\0{manifest.outputs.get(f, '')}\0{columns.get(id(p), '')}"
                                          for (p, url), f in zip(pages, files, strict=True)))
        folder = out_dir / site_id / INDEX_DIR
        if force or manifest.indexes.get(site_id) != fingerprint or not folder.is_dir():
            todo.append(IndexJob(site, pages, folder, fingerprint, columns, frozenset(adopted)))
    return todo


def adopted_columns(plan: Plan, site: Site) -> dict[int, tuple[Page, tuple[str, ...]]]:
    """Return id(page) -> (page, titles of the site's columns that adopted it) for the items the site adopted."""
    out: dict[int, tuple[Page, tuple[str, ...]]] = {}
    for column_id, pages in plan.routing.adopted.get(site.id, {}).items():
        for page in pages:
            found = out.get(id(page), (page, ()))
            out[id(page)] = (page, (*found[1], site.columns[column_id].title))
    return out


def with_filters(html: str, columns: tuple[str, ...], copy: bool = False) -> str:
    """Return the page's HTML with a column filter of the indexing site for each column that adopted it, and the copy
    mark when the page is another site's."""
    if not columns and not copy:
        return html
    spans = "".join(f'<span data-pagefind-filter="column:{escape(title, quote=True)}"></span>' for title in columns)
    spans += f'<span data-pagefind-filter="{COPY}:1"></span>' if copy else ""
    at = html.find("data-pagefind-body")
    at = html.find(">", at if at >= 0 else max(html.find("<body"), 0)) + 1
    return html[:at] + spans + html[at:]


Counts = dict[str, dict[str, int]]


def filter_values(html: str) -> list[tuple[str, str]]:
    """Return the (filter, value) pairs a page gives Pagefind that the search page offers as choices."""
    return [(key, unescape(value)) for key, value in _FILTER.findall(html) if key not in NOT_CHOICES]


def write_indexes(todo: list[IndexJob], out_dir: Path, workers: int = 1,
                  report: Callable[[int, int], None] = lambda done, total: None) -> Iterator[IndexJob]:
    """Write every job's index over the written HTML, `workers` side by side (one Pagefind process each, ended as soon
    as its index is written, so none holds a finished index), yielding each job when its index is in place; `report` is
    told (pages indexed, pages to index) as Pagefind takes them."""
    if not todo:
        return
    progress = _Progress(sum(len(job.pages) for job in todo), report)
    with ThreadPoolExecutor(max(1, min(workers, len(todo)))) as pool:
        running: set[Future[IndexJob]] = {pool.submit(_write_one, job, out_dir, progress) for job in todo}
        try:
            while running:
                finished, running = wait(running, return_when=FIRST_EXCEPTION)
                for future in finished:
                    yield future.result()
        finally:
            progress.stopped = True  # the jobs not started yet stop at once
            for future in running:
                future.cancel()


class _Progress:
    def __init__(self, total: int, report: Callable[[int, int], None]) -> None:
        self.total, self.done, self.report, self.stopped = total, 0, report, False
        self._lock = threading.Lock()

    def step(self) -> None:
        with self._lock:
            self.done += 1
            self.report(self.done, self.total)


def _write_one(job: IndexJob, out_dir: Path, progress: _Progress) -> IndexJob:
    """Write one index in a Pagefind process of its own, beside the old one, and swap it in."""
    staging = job.folder.with_name(INDEX_DIR + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    counts: dict[str, Counter[tuple[str, str]]] = {"all": Counter(), "own": Counter()}
    try:
        if progress.stopped:
            raise PagefindFailed("stopped")
        with PagefindService() as service:
            index_id = service.new_index({"force_language": "zh-cn"})
            waiting = []
            for page, url in job.pages:
                html = with_filters((out_dir / page.site / page.path / "index.html").read_text(encoding="utf-8"),
                                    job.columns.get(id(page), ()), id(page) in job.copies)
                values = filter_values(html)
                counts["all"].update(values)
                if id(page) not in job.copies:
                    counts["own"].update(values)
                waiting.append(service.add_html(index_id, url, html))
            for message_id in waiting:
                service.wait(message_id)
                progress.step()
            files = service.files(index_id)
        _write_files(staging, files)
        (staging / COUNTS_FILE).write_text(_dump({part: _nested(c) for part, c in counts.items()}), encoding="utf-8")
    except PagefindFailed as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(Problem(_("search index of site '{site_id}' failed: {exc}").format(site_id=job.site.id, exc=exc),
                                 hint=_("the pages were written; run the build again to index them"))) from exc
    _swap(staging, job.folder)
    return job


def _write_files(folder: Path, files: list[tuple[str, bytes]]) -> None:
    """Write an index's files into `folder`, leaving out Pagefind's own search interfaces (the theme has its own)."""
    for rel, contents in files:
        if rel.startswith(UNUSED) or rel.startswith(("/", "\\")) or ".." in Path(rel).parts:
            continue
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents)


def _nested(counter: Counter[tuple[str, str]]) -> Counts:
    out: Counts = {}
    for (key, value), count in sorted(counter.items()):
        out.setdefault(key, {})[value] = count
    return out


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_cluster_counts(out_dir: Path, portal_id: str, site_ids: list[str]) -> None:
    """Write the portal's cluster counts: the "own" counts of the sites' indexes in the output folder, summed (a site
    not indexed yet counts nothing)."""
    total: Counter[tuple[str, str]] = Counter()
    for site_id in site_ids:
        try:
            own = json.loads((out_dir / site_id / INDEX_DIR / COUNTS_FILE).read_text(encoding="utf-8"))["own"]
        except (OSError, ValueError, KeyError):
            continue
        total.update({(key, value): count for key, values in own.items() for value, count in values.items()})
    folder = out_dir / portal_id / INDEX_DIR
    if folder.is_dir():
        (folder / CLUSTER_COUNTS_FILE).write_text(_dump({"all": _nested(total)}), encoding="utf-8")


def _swap(staging: Path, folder: Path) -> None:
    """Put the new index in place whole: a reader never sees half of one."""
    old = folder.with_name(INDEX_DIR + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
