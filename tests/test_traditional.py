"""Traditional Chinese (繁體) pages: converted at build time under <site>/zh-hant/, linked both ways, incremental."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from conftest import FIXTURES, build, copy_example, make_cluster, page, run, serve, tree

MINI_YAML = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8")
TRADITIONAL_YAML = MINI_YAML.replace("  base_url: https://www.test.gov.cn\n", "  base_url: https://www.test.gov.cn\n  traditional: true\n")
# the mini cluster's sites: (origin, path) -> output folder
SITES = {("https://www.test.gov.cn", "/town/"): "town", ("https://www.test.gov.cn", "/"): "portal",
         ("https://czj.test.gov.cn", "/"): "finance"}


@pytest.fixture
def traditional(tmp_path) -> Path:
    """The mini cluster with Traditional pages, built without search; returns the build folder."""
    root = make_cluster(tmp_path, {"sites.yaml": TRADITIONAL_YAML})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    return root / "build"


def parsed(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def target(origin: str, href: str) -> Path | None:
    """Return the output file (relative to the build folder) a link of a page on `origin` leads to, None if outside the cluster."""
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else origin
    path = unquote(parts.path)
    for (o, prefix), site in SITES.items():
        if o == origin and path.startswith(prefix):
            rel = path[len(prefix):]
            return Path(site, rel + "index.html" if rel == "" or rel.endswith("/") else rel)
    return None


def test_traditional_pages_are_converted_phrase_by_phrase_with_their_language(traditional):
    article = parsed(traditional / "portal/zh-hant/disclosure/rule/index.html")
    assert article.get("lang") == "zh-Hant"
    assert "政府信息公開" in article.xpath("string(//nav[@class='mainnav'])")
    assert "政府信息公开" not in article.xpath("string(//body)")
    assert article.xpath("string(//title)").endswith("測試市人民政府")
    assert article.xpath("//meta[@name='SiteName']/@content") == ["測試市人民政府"]
    assert article.xpath("//nav[@class='mainnav']/@aria-label") == ["欄目導航"]
    # what is not text for readers stays as it is: the page's address, data for the search index
    assert article.xpath("//meta[@name='Url']/@content") == ["https://www.test.gov.cn/disclosure/rule/"]
    assert "site:测试市人民政府" in article.xpath("//article//@data-pagefind-meta")


def test_every_page_links_to_its_counterpart_both_ways(traditional):
    simplified = parsed(traditional / "portal/notices/notice/index.html")
    hant = parsed(traditional / "portal/zh-hant/notices/notice/index.html")
    for doc in (simplified, hant):
        assert doc.xpath("//link[@rel='alternate'][@hreflang='zh-Hans']/@href") == ["https://www.test.gov.cn/notices/notice/"]
        assert doc.xpath("//link[@rel='alternate'][@hreflang='zh-Hant']/@href") == ["https://www.test.gov.cn/zh-hant/notices/notice/"]
        switch = {a.get("hreflang"): a for a in doc.xpath("//*[@class='lang-switch']/a")}
        assert {k: (a.get("href"), a.get("lang"), a.text) for k, a in switch.items()} == {
            "zh-Hans": ("/notices/notice/", "zh-Hans", "简体"), "zh-Hant": ("/zh-hant/notices/notice/", "zh-Hant", "繁體")}
    assert [a.text for a in simplified.xpath("//*[@class='lang-switch']/a[@aria-current='page']")] == ["简体"]
    assert [a.text for a in hant.xpath("//*[@class='lang-switch']/a[@aria-current='page']")] == ["繁體"]
    assert hant.xpath("//link[@rel='canonical']/@href") == ["https://www.test.gov.cn/zh-hant/notices/notice/"]
    town = parsed(traditional / "town/zh-hant/index.html")
    assert town.xpath("//*[@class='lang-switch']/a[@hreflang='zh-Hans']/@href") == ["/town/"]


def test_links_in_traditional_pages_stay_traditional_but_files_are_shared(traditional):
    article = parsed(traditional / "portal/zh-hant/news/first/index.html")
    body = article.xpath("//div[@class='article-body']//a/@href")
    assert body == ["https://czj.test.gov.cn/zh-hant/news/budget/#details", "/town/zh-hant/news/market/"]
    assert "/zh-hant/news/" in article.xpath("//nav[@class='mainnav']//a/@href")
    assert article.xpath("//form[@role='search']/@action") == ["/zh-hant/search/"]
    stylesheets = article.xpath("//link[@rel='stylesheet']/@href")
    assert stylesheets and all(h.startswith("/static/") for h in stylesheets)
    assert article.xpath("//link[@type='application/rss+xml']/@href") == ["/feed.xml"]
    notice = parsed(traditional / "portal/zh-hant/notices/notice/index.html")
    assert notice.xpath("//section[@class='attachments']//a/@href") == ["/notices/notice/plan.pdf"]


def test_every_link_of_a_traditional_page_leads_to_a_built_file(traditional):
    broken = []
    for site, origin in (("portal", "https://www.test.gov.cn"), ("town", "https://www.test.gov.cn"), ("finance", "https://czj.test.gov.cn")):
        for path in (traditional / site / "zh-hant").rglob("*.html"):
            doc = parsed(path)
            for href in doc.xpath("//a/@href | //link/@href | //img/@src | //script/@src | //form/@action"):
                found = target(origin, href)
                if found is not None and not (traditional / found).is_file():
                    broken.append(f"{path.relative_to(traditional)}: {href}")
    assert broken == []


def test_traditional_pages_are_not_in_the_sitemaps_or_feeds(traditional):
    for site in ("portal", "finance", "town"):
        assert (traditional / site / "zh-hant/index.html").is_file()
        assert "zh-hant" not in (traditional / site / "sitemap.xml").read_text(encoding="utf-8")
        assert "zh-hant" not in (traditional / site / "feed.xml").read_text(encoding="utf-8")
        assert not (traditional / site / "zh-hant/feed.xml").exists()
    simplified = {rel for rel in tree(traditional) if rel.endswith(".html") and "/zh-hant/" not in rel}
    counterparts = {rel.replace("/zh-hant/", "/", 1) for rel in tree(traditional) if "/zh-hant/" in rel}
    assert counterparts == simplified


def test_an_edit_converts_again_only_the_pages_that_show_it(traditional):
    root = traditional.parent
    untouched = traditional / "portal/zh-hant/news/second/index.html"
    untouched.write_bytes(b"edited by hand")  # only a page the build converts again loses this
    before = tree(traditional)
    market = root / "content/town/news/market.md"
    market.write_text(market.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造完成。新增摊位发展经济。"), encoding="utf-8")
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    after = tree(traditional)
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert "town/zh-hant/news/market/index.html" in changed
    assert "新增攤位發展經濟" in after["town/zh-hant/news/market/index.html"].decode()
    assert untouched.read_bytes() == b"edited by hand"
    # the Traditional pages that changed are exactly the counterparts of the Simplified pages that changed
    hant = {rel.replace("/zh-hant/", "/", 1) for rel in changed if "/zh-hant/" in rel}
    assert hant == {rel for rel in changed if rel.endswith(".html") and "/zh-hant/" not in rel}
    assert len(hant) < len([rel for rel in after if "/zh-hant/" in rel]) // 2


def test_without_the_setting_no_traditional_pages_and_no_switch(built):
    assert not list(built.glob("*/zh-hant"))
    home = parsed(built / "portal/index.html")
    assert home.xpath("//*[@class='lang-switch'] | //link[@hreflang]") == []


def test_turning_traditional_off_removes_the_pages(traditional):
    root = traditional.parent
    (root / "sites.yaml").write_text(MINI_YAML, encoding="utf-8")
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert not [rel for rel in tree(traditional) if "zh-hant" in rel]


@pytest.mark.parametrize("files, expected", [
    ({"sites.yaml": TRADITIONAL_YAML.replace("      - {id: notices, title: 通知公告, type: notice}",
                                             "      - {id: notices, title: 通知公告, type: notice}\n      - {id: zh-hant, title: 繁体, type: general}")},
     ["column 'zh-hant' of site 'portal' wants the URL /zh-hant/", "the Traditional Chinese (繁體) pages"]),
    ({"content/portal/zh-hant.md": page("正文。", title="繁体说明")},
     ["content/portal/zh-hant.md", "this page wants the URL /zh-hant/, which belongs to the Traditional Chinese (繁體) pages"]),
])
def test_a_column_or_page_named_zh_hant_is_an_error_naming_both(tmp_path, files, expected):
    root = make_cluster(tmp_path, files)
    result = build(root, "--no-search")
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output


def test_traditional_search_page_uses_the_sites_index(browser, tmp_path):
    root = copy_example(tmp_path / "example")
    assert run(root, "build", "--now", "2026-11-21 12:00").exit_code == 0
    assert not (root / "build/portal/zh-hant/pagefind").exists()
    base = serve(root)
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(base["portal"] + "zh-hant/")
    assert tab.get_attribute("html", "lang") == "zh-Hant"
    tab.fill("#header-q", "營商環境")
    tab.press("#header-q", "Enter")
    tab.wait_for_selector(".search-results li")
    assert re.search(r"/zh-hant/search/\?q=", tab.url)
    assert "示范市人民政府关于进一步优化营商环境的若干措施" in tab.locator(".search-results h2 a").all_text_contents()
    tab.click(".lang-switch a[hreflang='zh-Hans']")
    tab.wait_for_load_state()
    assert tab.get_attribute("html", "lang") == "zh-CN" and "/zh-hant/" not in tab.url
    assert errors == []


def test_code_stays_as_written_and_files_beside_a_page_stay_shared(tmp_path):
    body = "发展经济，代码 `发展` 不变：\n\n```\n政府信息公开\n```\n\n![发展图片](photo.png)\n\n见[附件](plan.pdf)，a < b。"
    root = make_cluster(tmp_path, {"sites.yaml": TRADITIONAL_YAML, "content/portal/news/code.md": page(body, title="代码示例"),
                                   "content/portal/news/photo.png": b"\x89PNG\r\n\x1a\n", "content/portal/news/plan.pdf": b"%PDF-1.4\n"})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    hant = parsed(root / "build/portal/zh-hant/news/code/index.html")
    body = hant.xpath("//div[@class='article-body']")[0]
    assert body.xpath("string(p[1])") == "發展經濟，代碼 发展 不變："
    assert body.xpath("string(pre)") == "政府信息公开\n"
    assert body.xpath("string(p[last()])") == "見附件，a < b。"
    img = body.xpath(".//img")[0]
    assert img.get("alt") == "發展圖片"
    for src in [img.get("src"), *body.xpath(".//a/@href")]:
        assert not src.startswith("/zh-hant/") and (root / "build/portal" / src.lstrip("/")).is_file(), src
