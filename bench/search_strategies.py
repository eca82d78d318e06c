"""Compare two ways for the portal to search the whole cluster, on an already built cluster.

    python bench/search_strategies.py CLUSTER_ROOT [--query 营商环境 ...] [--json out.json]

A: one cluster index on the portal, over every page of every site (what sitegen built before 2026-11).
B: each site's own index, merged in the reader's browser with Pagefind's mergeIndex() (what sitegen builds: the
   portal's search page lists the indexes it merges).
Reports, for the build, the seconds and peak memory of writing the indexes (B: side by side, as the build does), and
for a reader with a cold cache, the bytes, requests and milliseconds of one query and its first ten results, in
Debian's Chromium.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sitegen import urls  # noqa: E402
from sitegen.config.loader import load_config  # noqa: E402
from sitegen.content.profile import Profile  # noqa: E402
from sitegen.outputs.search_page import INDEX_DIR  # noqa: E402
from sitegen.plan import plan_cluster  # noqa: E402
from sitegen.search.indexes import IndexJob, write_indexes  # noqa: E402
from sitegen.workers import default_workers  # noqa: E402

CLUSTER_DIR, OWN_DIR = "pagefind-bench-cluster", INDEX_DIR  # B rewrites the build's own site indexes


def plan_of(root: Path):
    cluster = load_config(root)
    profile = Profile(now=__import__("datetime").datetime(2100, 1, 1, tzinfo=cluster.tz))
    return plan_cluster(cluster, profile).plan


def timed(jobs: list[IndexJob], out: Path, workers: int = 1) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    for _ in write_indexes(jobs, out, workers):
        pass
    return time.perf_counter() - start, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def build_indexes(root: Path) -> dict[str, dict]:
    plan = plan_of(root)
    out, portal = root / "build", plan.cluster.portal
    everything = [(p, urls.href(portal, plan.cluster.sites[p.site], p.path)) for sp in plan.sites.values() for p in sp.pages]
    own = [IndexJob(sp.site, [(p, urls.path(sp.site, p.path)) for p in sp.pages], out / sp.site.id / OWN_DIR, "")
           for sp in plan.sites.values()]
    cluster_s, cluster_kb = timed([IndexJob(portal, everything, out / portal.id / CLUSTER_DIR, "")], out)
    own_s, own_kb = timed(own, out, default_workers())
    return {"pages": len(everything), "sites": len(own),
            "A_cluster_index": {"seconds": round(cluster_s, 1), "peak_rss_mb": cluster_kb // 1024},
            "B_site_indexes": {"seconds": round(own_s, 1), "peak_rss_mb": own_kb // 1024}}


MERGED = """async ([own, others, query]) => {
  const pf = await import(own + 'pagefind.js');
  await pf.options({baseUrl: '/'});
  await Promise.all(others.map(o => pf.mergeIndex(o.index, {baseUrl: o.base})));
  const found = await pf.search(query, others.length ? {filters: {not: {copy: '1'}}} : {});
  await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return found.results.length; }"""


def reader(root: Path, queries: list[str]) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS, serve

    cluster = load_config(root)
    base = serve(root)
    portal = base[cluster.portal.id]
    # B as the portal's search page merges them: each site's index at its own host, result URLs at that host
    others = [{"index": base[s] + OWN_DIR + "/", "base": "/".join(base[s].split("/")[:3]) + "/"}
              for s in cluster.sites if s != cluster.portal.id]
    results: dict[str, list[dict]] = {"A_cluster_index": [], "B_site_indexes": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for query in queries:
            for name, args in (("A_cluster_index", [portal + CLUSTER_DIR + "/", [], query]),
                               ("B_site_indexes", [portal + OWN_DIR + "/", others, query])):
                results[name].append(_one_query(browser, portal, args) | {"query": query})
        browser.close()
    return results


def _one_query(browser, portal: str, args: list) -> dict:
    tab = browser.new_page()  # a fresh page: cold cache
    sizes: list[int] = []
    tab.goto(portal + "404.html")
    tab.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
    start = time.perf_counter()
    hits = tab.evaluate(MERGED, args)
    ms = (time.perf_counter() - start) * 1000
    tab.close()
    return {"hits": hits, "kib": round(sum(sizes) / 1024), "requests": len(sizes), "ms": round(ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--query", action="append", default=None)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = {"build": build_indexes(args.root), "reader": reader(args.root, args.query or ["营商环境", "老年人", "财政"])}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
