"""Search: Pagefind indexes written by the build, Chinese recall, and the search page in real Chromium."""
from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

import lxml.html
import pytest

from conftest import REPO, build, copy_example, make_cluster, page, run, serve

sys.path.insert(0, str(REPO / "bench"))
from corpus import WORDS2, WORDS3, WORDS4, generate

NOW = "2026-11-21 12:00"
EXAMPLE_QUERIES = [
    "财政", "预算", "教育", "养老", "就业", "森林", "环境", "公开", "补贴", "学生",
    "老年人", "专项债", "招聘会", "助餐点", "卫生院", "征求意见", "一卡通",
    "营商环境", "政务服务", "森林防火", "老旧小区", "乡村振兴", "一网通办", "安全生产", "大气污染",
    "示范市人民政府", "市生态环境局", "东城街道", "青山镇",
    "示财预〔2026〕31号", "示政发〔2026〕18号", "11990000MB0000102C/2026-00004",
]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example cluster, built with its indexes and served; yields (root, site id -> base URL)."""
    root = copy_example(tmp_path_factory.mktemp("example"))
    assert run(root, "build", "--now", NOW).exit_code == 0
    return root, serve(root, local=True)


def article_texts(out: Path, site_ids: list[str]) -> dict[tuple[str, str], str]:
    """Return (site, URL path on its host) -> indexed text (the article without its data-pagefind-ignore parts), for every
    article page of the given sites."""
    texts = {}
    for site_id in site_ids:
        for html in (out / site_id).rglob("index.html"):
            if "zh-hant" in html.relative_to(out / site_id).parts:
                continue  # the Traditional counterparts are not indexed: search finds the Simplified page
            article = lxml.html.fromstring(html.read_bytes()).xpath("//article[@data-pagefind-body]")
            for ignored in article[0].xpath(".//*[@data-pagefind-ignore]") if article else []:
                ignored.drop_tree()
            if article:
                texts[(site_id, "/" + html.parent.relative_to(out / site_id).as_posix() + "/")] = article[0].text_content()
    return texts


def pagefind_search(tab, index: str, query: str, filters: dict | None = None) -> list[str]:
    """Run Pagefind's own search API in the page and return the result URLs."""
    return tab.evaluate("""async ([index, query, filters]) => {
        const pf = await import(index + 'pagefind.js');
        await pf.options({baseUrl: '/'});  // as the search page does
        const found = await pf.search(query, {filters});
        return Promise.all(found.results.map(r => r.data().then(d => d.url)));
    }""", [index, query, filters or {}])


def recall(tab, index: str, texts: dict[tuple[str, str], str], queries: list[str]) -> tuple[int, int, list[str]]:
    """Return (found, expected, misses) of searching `queries`, against a plain substring scan of `texts`."""
    found = expected = 0
    misses = []
    for query in queries:
        want = {path for (_, path), text in texts.items() if query in text}
        hits = len(want & set(pagefind_search(tab, index, query)))
        found += hits
        expected += len(want)
        if hits < len(want):
            misses.append(f"{query} {hits}/{len(want)}")
    return found, expected, misses


# --- the index stage --------------------------------------------------------------------------

def test_public_build_writes_an_index_per_site_internal_build_none(tmp_path):
    root = make_cluster(tmp_path)
    assert build(root).exit_code == 0
    for site in ("portal", "finance", "town"):
        assert (root / "build" / site / "pagefind/pagefind.js").is_file()
        assert (root / "build" / site / "search/index.html").is_file()
    internal = tmp_path / "internal"
    assert build(root, "--profile", "internal", "--out", str(internal)).exit_code == 0
    assert not list(internal.rglob("pagefind*"))
    assert "内部版本不提供搜索" in (internal / "portal/search/index.html").read_text(encoding="utf-8")


def test_a_site_whose_output_did_not_change_is_not_reindexed(tmp_path):
    root = make_cluster(tmp_path)
    assert build(root).exit_code == 0
    entry = {s: root / "build" / s / "pagefind/pagefind-entry.json" for s in ("portal", "finance", "town")}
    before = {s: p.stat().st_mtime_ns for s, p in entry.items()}
    assert build(root).exit_code == 0
    assert {s: p.stat().st_mtime_ns for s, p in entry.items()} == before
    market = root / "content/town/news/market.md"
    market.write_text(market.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert build(root).exit_code == 0
    after = {s: p.stat().st_mtime_ns for s, p in entry.items()}
    # only the town's index is rewritten: the portal searches the cluster by merging the sites' indexes in the browser
    assert after["finance"] == before["finance"] and after["portal"] == before["portal"]
    assert after["town"] != before["town"]


def town_edited_without_search(tmp_path: Path) -> tuple[Path, Path, int]:
    """Build the mini cluster, then edit the town's article and build without search; return (root, the town's index
    entry, its time before)."""
    root = make_cluster(tmp_path)
    assert build(root).exit_code == 0
    index = root / "build/town/pagefind/pagefind-entry.json"
    before = index.stat().st_mtime_ns
    market = root / "content/town/news/market.md"
    market.write_text(market.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0
    assert index.stat().st_mtime_ns == before  # the index is now behind the pages
    return root, index, before


def test_pages_written_without_search_are_indexed_by_the_next_build(tmp_path):
    root, index, before = town_edited_without_search(tmp_path)
    result = build(root)  # nothing to render, but the index must catch up
    assert result.exit_code == 0 and "0 files written" in result.output
    assert "search index of 1 site written" in result.output  # the town's alone
    assert index.stat().st_mtime_ns != before


def test_an_edit_built_without_search_is_indexed_by_the_next_build_that_changes_another_site(tmp_path):
    root, index, before = town_edited_without_search(tmp_path)
    budget = root / "content/finance/news/budget.md"
    budget.write_text(budget.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    result = build(root)  # the finance site changed; the town's index is behind its pages since the last build
    assert result.exit_code == 0 and "search index of 2 sites written" in result.output, result.output
    assert index.stat().st_mtime_ns != before


# --- recall, in the browser ------------------------------------------------------------------

def test_chinese_recall_on_the_example_cluster(browser, example):
    root, base = example
    tab = browser.new_page()
    tab.goto(base["portal"] + "404.html")
    texts = article_texts(root / "build", ["portal"])
    found, expected, misses = recall(tab, base["portal"] + "pagefind/", texts, EXAMPLE_QUERIES)
    print(f"\nexample portal: recall {found}/{expected} = {found / expected:.1%}; misses: {misses}")
    # 49 expected hits: the source line and the catalogue table are result fields and filters, not indexed text
    assert expected > 45 and found / expected >= 0.95, misses


def test_chinese_recall_on_a_generated_corpus(browser, tmp_path):
    root = generate(tmp_path / "corpus", sites=2, pages=300, seed=7)
    assert run(root, "build", "--now", NOW).exit_code == 0
    base = serve(root)
    tab = browser.new_page()
    tab.goto(base["portal"] + "404.html")
    texts = article_texts(root / "build", ["portal"])
    queries = WORDS2[:12] + WORDS3 + WORDS4 + ["测portal发〔2025〕2号", "测portal发〔2025〕101号", "基准测试portal单位"]
    found, expected, misses = recall(tab, base["portal"] + "pagefind/", texts, queries)
    print(f"\ngenerated corpus: recall {found}/{expected} = {found / expected:.1%}; misses: {misses}")
    assert expected > 1000 and found / expected >= 0.95, misses


# --- the search page, as a reader uses it ---------------------------------------------------

def open_search(browser, url: str):
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    tab.goto(url)
    return tab, errors


def ask(tab, query: str) -> str:
    tab.fill("#search-q", query)
    tab.press("#search-q", "Enter")
    # done when the status is final and, if it found something, the first results are shown
    tab.wait_for_function("""() => { const s = document.querySelector('.search-status').textContent;
        return s && !s.startsWith('正在') && (!s.startsWith('找到') || document.querySelector('.search-results li')); }""")
    return tab.text_content(".search-status")


def test_search_page_finds_filters_and_follows_results(browser, example):
    _, base = example
    tab, errors = open_search(browser, base["portal"] + "search/")
    status = ask(tab, "营商环境")
    assert status.startswith("找到 ")
    titles = tab.locator(".search-results h2 a").all_text_contents()
    assert "示范市人民政府关于进一步优化营商环境的若干措施" in titles
    assert tab.locator(".search-results .excerpt mark").count() > 0
    assert "发布日期：2026年" in tab.locator(".search-results .result-meta").first.text_content()
    tab.select_option("select[data-filter=column]", "政策解读")
    tab.wait_for_function("document.querySelectorAll('.search-results li').length === 1")
    assert tab.locator(".search-results h2 a").all_text_contents() == ["《关于进一步优化营商环境的若干措施》政策解读"]
    assert "column=" in tab.url and "q=" in tab.url
    tab.click(".search-results h2 a")
    tab.wait_for_load_state()
    assert tab.url.endswith("/interpret/2026-10-02-jiedu-yingshang/")
    assert tab.text_content("h1") == "《关于进一步优化营商环境的若干措施》政策解读"
    assert errors == []


def test_portal_search_covers_the_cluster_with_site_filter(browser, example):
    _, base = example
    tab, errors = open_search(browser, base["portal"] + "search/?q=财会监督")
    tab.wait_for_selector(".search-results li")
    link = tab.locator(".search-results h2 a").first
    assert link.text_content() == "市财政局开展财会监督专项检查"
    assert link.get_attribute("href") == base["finance"] + "news/2026-11-16-jiandu-jiancha/"  # read from its own host
    assert "示范市财政局" in tab.locator(".search-results .result-meta").first.text_content()
    assert "示范市财政局" in tab.locator("select[data-filter=site]").text_content()
    assert errors == []


def test_subsite_search_stays_on_the_site_with_its_path(browser, example):
    _, base = example
    tab, errors = open_search(browser, base["education"] + "search/")
    ask(tab, "双减")
    hrefs = tab.locator(".search-results h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/jyj/") for h in hrefs)
    tab.click(".search-results h2 a")
    tab.wait_for_load_state()
    assert tab.text_content("h1") == "我市“双减”工作督导检查结果通报"
    assert errors == []


def result_rows(tab) -> list[tuple[str, str, str]]:
    """Return (href, 来源, 发布日期 as YYYY-MM-DD) of every result shown."""
    rows = []
    for item in tab.locator(".search-results li").all():
        meta = item.locator(".result-meta").text_content()
        source = re.search(r"来源：(\S+)", meta)
        day = re.search(r"(\d{4})年(\d+)月(\d+)日", meta)
        rows.append((item.locator("h2 a").get_attribute("href"), source.group(1) if source else "",
                     f"{day.group(1)}-{int(day.group(2)):02}-{int(day.group(3)):02}" if day else ""))
    return rows


def test_cluster_search_sorted_by_date_is_newest_first_across_the_merged_indexes(browser, example):
    _, base = example
    tab, errors = open_search(browser, base["portal"] + "search/?sort=date")
    assert ask(tab, "公开").startswith("找到 9 条")
    rows = result_rows(tab)
    dates = [day for _, _, day in rows]
    assert dates == sorted(dates, reverse=True) and "" not in dates, rows
    assert {"示范市财政局", "示范市青山镇人民政府", "示范市人民政府"} <= {source for _, source, _ in rows}
    tab.select_option("select[name=sort]", "")  # back to relevance: the same results, in another order
    tab.wait_for_function("document.querySelectorAll('.search-results li').length === 9")
    again = result_rows(tab)
    assert sorted(again) == sorted(rows) and again != rows
    assert errors == []


def test_a_site_whose_index_cannot_be_read_leaves_the_rest_of_the_cluster_searchable(browser, example, tmp_path):
    root, _ = example
    out = tmp_path / "build"
    shutil.copytree(root / "build", out, symlinks=True)
    shutil.rmtree(out / "finance" / "pagefind")  # as if that site's server were down
    base = serve(root, out, local=True)
    tab, errors = open_search(browser, base["portal"] + "search/")
    assert ask(tab, "公开").startswith("找到")
    sources = {source for _, source, _ in result_rows(tab)}
    assert "示范市人民政府" in sources and "示范市财政局" not in sources
    assert errors == []


def test_a_site_whose_server_does_not_answer_is_left_out_after_a_few_seconds(browser, example):
    _, base = example
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.route(base["finance"] + "pagefind/**", lambda route: None)  # never answered: a stalled server
    tab.goto(base["portal"] + "search/")
    started = time.monotonic()
    assert ask(tab, "公开").startswith("找到")
    assert time.monotonic() - started < 10
    sources = {source for _, source, _ in result_rows(tab)}
    assert "示范市人民政府" in sources and "示范市财政局" not in sources
    assert errors == []


def test_header_search_box_opens_the_search_page_with_results(browser, example):
    _, base = example
    tab, errors = open_search(browser, base["portal"])
    tab.fill("#header-q", "森林防火")
    tab.press("#header-q", "Enter")
    tab.wait_for_selector(".search-results li")
    assert tab.input_value("#search-q") == "森林防火"
    assert errors == []


@pytest.mark.parametrize("query, expected", [
    ("", "请输入要搜索的内容。"),
    ("   ", "请输入要搜索的内容。"),
    ("税", "请至少输入两个字"),
    ("營商環境", "已按简体“营商环境”搜索"),
    ("<script>alert(1)</script>", "没有找到与“<script>alert(1)</script>”相关的信息"),
    ("\"'&<b>财政</b>", "相关的信息"),
])
def test_awkward_queries_get_a_sensible_message(browser, example, query, expected):
    _, base = example
    tab, errors = open_search(browser, base["portal"] + "search/")
    status = ask(tab, query)
    assert expected in status
    assert tab.locator(".search-results script, .search-results b").count() == 0
    assert errors == []
    if query == "營商環境":
        assert "示范市人民政府关于进一步优化营商环境的若干措施" in tab.locator(".search-results h2 a").all_text_contents()


@pytest.mark.parametrize("query", ["示财预〔2026〕31号", "示财预[2026]31号", " 示财预（2026）31号 ", "11990000MB0000102C/2026-00004"])
def test_a_document_number_or_index_number_finds_that_document_first(browser, example, query):
    _, base = example
    tab, errors = open_search(browser, base["portal"] + "search/")
    assert ask(tab, query).startswith("找到")
    first = tab.locator(".search-results li").first
    assert first.locator("h2 a").get_attribute("href") == base["finance"] + "disclosure/2026-11-10-yusuan-fangan/"
    assert errors == []


def result_of(browser, example, query: str, path: str):
    """Search the example portal for `query`; return (tab, errors, the result linking to a URL ending in `path`)."""
    _, base = example
    tab, errors = open_search(browser, base["portal"] + "search/")
    assert ask(tab, query).startswith("找到")
    return tab, errors, tab.locator(".search-results li", has=tab.locator(f"a[href$='{path}']"))


def test_results_show_source_and_date_as_fields_and_an_excerpt_of_the_text_only(browser, example):
    tab, errors, hit = result_of(browser, example, "预算编制", "/disclosure/2026-11-10-yusuan-fangan/")
    assert hit.locator(".result-meta span").all_text_contents() == ["来源：示范市财政局", "发布日期：2026年11月10日"]
    assert hit.locator(".result-meta").text_content() == "来源：示范市财政局 发布日期：2026年11月10日"  # read as two fields
    excerpt = hit.locator(".excerpt").text_content()
    title = hit.locator("h2").text_content()
    assert "预算编制" in excerpt and hit.locator(".excerpt mark").first.text_content() == "预算编制"
    for not_text in (title, "发布日期", "来源", "索引号", "示财预〔2026〕31号", ". "):
        assert not_text not in excerpt, (not_text, excerpt)
    assert not excerpt.lstrip("…")[:1].isdigit()  # from a sentence's start, never mid-number
    assert tab.locator(".search-results li .result-meta").count() == tab.locator(".search-results li").count()
    assert errors == []


def test_words_of_a_query_that_stand_apart_in_the_text_are_marked_where_they_are(browser, example):
    # Pagefind matches "财政资金监督" by its words: the text holds "财政专项资金", not the query as typed
    tab, errors, hit = result_of(browser, example, "财政资金监督", "/disclosure/2026-05-12-zhuanxiang-zijin/")
    assert "财政" in hit.locator(".excerpt mark").all_text_contents()
    for item in tab.locator(".search-results li").all():
        assert item.locator(".excerpt mark").count() > 0, item.text_content()
    assert errors == []

def test_internal_page_never_reaches_an_index(browser, tmp_path):
    canary = "内部金丝雀词语"
    root = make_cluster(tmp_path, {"content/portal/news/secret.md": page(canary, title="内部通知", visibility="internal"),
                                   "content/portal/news/open.md": page("公开的金丝雀对照词语", title="公开通知")})
    assert build(root).exit_code == 0
    base = serve(root)
    tab = browser.new_page()
    tab.goto(base["portal"] + "404.html")
    assert pagefind_search(tab, base["portal"] + "pagefind/", "对照词语") == ["/news/open/"]  # the index works
    assert pagefind_search(tab, base["portal"] + "pagefind/", canary) == []
    assert pagefind_search(tab, base["town"] + "pagefind/", canary) == []


def test_bytes_downloaded_for_one_query_on_a_10000_page_site(browser, tmp_path):
    root = generate(tmp_path / "big", sites=1, pages=10_000, seed=3)
    assert run(root, "build", "--now", NOW, "-q").exit_code == 0
    base = serve(root)
    tab = browser.new_page()
    sizes: list[int] = []
    tab.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    tab.goto(base["portal"] + "search/")
    sizes.clear()  # count what the query costs, not the page itself
    tab.fill("#search-q", "营商环境")
    tab.press("#search-q", "Enter")
    tab.wait_for_selector(".search-results li")
    tab.wait_for_load_state("networkidle")
    total = sum(sizes)
    print(f"\none query on a 10,000-page site: {total / 1024:.0f} KiB in {len(sizes)} requests")
    assert tab.locator(".search-results li").count() == 10
    assert total < 500 * 1024, total  # measured: about 380 KiB, cold cache, WASM included (README)


def test_cluster_search_through_nginx_reads_the_indexes_on_other_hosts(browser, tmp_path):
    """The portal's search page, served by nginx as `nginx-config` writes it, merges the index of a site on its own host:
    CORS on that host's index, connect-src on the portal's, no error in Chromium."""
    from servers import free_port, start_nginx
    from test_deploy import need_nginx

    from conftest import CHROMIUM, CHROMIUM_ARGS

    need_nginx()
    port = free_port()
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://www.test.gov.cn", f"http://www.test.gov.cn:{port}")
                      .replace("https://czj.test.gov.cn/", f"http://czj.test.gov.cn:{port}/"), encoding="utf-8")
    assert build(root).exit_code == 0
    (tmp_path / "release").mkdir()
    (tmp_path / "release/current").symlink_to(root / "build")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    result = run(root, "nginx-config", "--standalone", "--root", str(tmp_path / "release"), "--listen", f"127.0.0.1:{port}",
                 "--prefix", str(prefix), "--user", "root", "--out", str(prefix / "nginx.conf"))
    assert result.exit_code == 0, result.output
    server = start_nginx(prefix / "nginx.conf", prefix, port)
    # both host names lead to this nginx, which tells them apart by the Host header
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM),
                                           args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP *.test.gov.cn 127.0.0.1"])
    try:
        tab = chromium.new_page()
        console: list[str] = []
        tab.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
        tab.goto(f"http://www.test.gov.cn:{port}/search/")
        assert ask(tab, "预算").startswith("找到"), console
        hrefs = [a.get_attribute("href") for a in tab.locator(".search-results h2 a").all()]
        assert f"http://czj.test.gov.cn:{port}/news/budget/" in hrefs
        assert console == []
        # the policy is in force: the portal's page may not read from a host it does not name
        tab.evaluate("() => fetch('http://other.test.gov.cn:' + location.port + '/').catch(() => null)")
        tab.wait_for_timeout(300)
        assert any("connect-src" in line for line in console), console
    finally:
        chromium.close()
        server.stop()
