"""Special columns (专题专栏): landing page with banner and introduction, sections, archived 专题, the portal's index."""
from __future__ import annotations

import json

import lxml.html
import pytest

from conftest import FIXTURES, assert_refused, build, make_cluster, page, run

MINI_COLUMNS = "      - {id: disclosure, title: 政府信息公开, type: disclosure}\n"
SPECIALS = ("      - {id: yshj, title: 优化营商环境, type: special}\n"
            "      - {id: rkpc, title: 第七次全国人口普查, type: special, archived: true, description: 历史资料}\n")
BANNER = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="2"><rect width="8" height="2" fill="#a40000"/></svg>'
FILES = {
    "content/portal/yshj/_index.md": "---\nbanner: banner.svg\nbanner_alt: 营商环境横幅\n---\n\n持续打造**一流营商环境**。\n",
    "content/portal/yshj/banner.svg": BANNER,
    "content/portal/yshj/zcjs/_index.md": "---\ntitle: 政策措施\nweight: -1\n---\n",
    "content/portal/yshj/zcjs/fangan.md": page(title="实施方案", date="2026-03-01"),
    "content/portal/yshj/zcjs/cuoshi.md": page(title="若干措施", date="2026-02-01"),
    "content/portal/yshj/zcjs/tongzhi.md": page(title="工作通知", date="2026-01-01"),
    "content/portal/yshj/gzdt/zuotan.md": page(title="政企座谈会", date="2026-03-05"),
    "content/portal/rkpc/_index.md": "---\ntitle: 七普专题\n---\n\n普查已结束。\n",
    "content/portal/rkpc/gongbao/gb.md": page(title="主要数据公报", date="2021-06-01"),
}
NOW = "2026-03-10 12:00"


def special_cluster(tmp_path, files=None, columns=SPECIALS):
    sites = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8")
    return make_cluster(tmp_path, {"sites.yaml": sites.replace(MINI_COLUMNS, MINI_COLUMNS + columns, 1),
                                              **FILES, **(files or {})})


@pytest.fixture
def out(tmp_path):
    root = special_cluster(tmp_path)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    return root / "build/portal"


def html(path):
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def text(doc, xpath):
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def test_the_landing_page_shows_banner_introduction_and_every_section_with_its_latest_items(out):
    doc = html(out / "yshj/index.html")
    banner = doc.xpath("//main//img[@class='special-banner']")[0]
    assert banner.get("src") == "/yshj/banner.svg" and banner.get("alt") == "营商环境横幅"
    assert (out / "yshj/banner.svg").read_bytes() == BANNER
    assert text(doc, "//main//section[contains(@class,'special-intro')]//strong") == ["一流营商环境"]
    assert text(doc, "//h1") == ["优化营商环境"]  # no title in _index.md: the column's
    # sections by weight, then folder name; a section without _index.md is titled by its folder
    assert text(doc, "//main//section[@class='block']/h2/a[1]") == ["政策措施", "gzdt"]
    assert text(doc, "//section[@aria-labelledby='section-zcjs']//li/a") == ["实施方案", "若干措施", "工作通知"]
    assert doc.xpath("//nav[@class='mainnav']//a[@aria-current='page']/@href") == ["/yshj/"]
    assert not doc.xpath("//*[contains(@class,'badge')][contains(.,'历史专题')]")


def test_a_section_has_its_own_paginated_listing_and_its_items_their_pages(out):
    first, second = html(out / "yshj/zcjs/index.html"), html(out / "yshj/zcjs/page/2/index.html")  # page_size 2
    assert text(first, "//main//ul[@class='items']/li/a") == ["实施方案", "若干措施"]
    assert text(second, "//main//ul[@class='items']/li/a") == ["工作通知"]
    assert text(first, "//nav[@class='breadcrumb']/a") == ["首页", "优化营商环境"]
    article = html(out / "yshj/zcjs/fangan/index.html")
    assert text(article, "//nav[@class='breadcrumb']/a") == ["首页", "优化营商环境", "政策措施"]


def test_an_archived_special_is_labelled_on_its_pages_and_the_current_one_is_not(out):
    for rel in ("rkpc/index.html", "rkpc/gongbao/index.html", "rkpc/gongbao/gb/index.html"):
        assert "历史专题" in text(html(out / rel), "//h1//span[contains(@class,'badge')]"), rel
    assert "本专题已归档" in html(out / "rkpc/index.html").text_content()
    assert not html(out / "yshj/zcjs/fangan/index.html").xpath("//h1//span[contains(.,'历史专题')]")


def test_the_portal_lists_every_special_current_first_and_archived_in_their_own_group(tmp_path):
    town = ("  - id: town\n    name: 测试镇人民政府\n    kind: township\n    url: /town/\n    footer: {site_code: \"9900000003\"}\n"
            "    columns:\n      - {id: news, title: 工作动态, type: news}\n      - {id: cjwm, title: 创建文明城市, type: special}\n")
    root = special_cluster(tmp_path, {"content/town/cjwm/dt/one.md": page(title="创建动态", date="2026-03-02")})
    yaml = (root / "sites.yaml").read_text(encoding="utf-8")
    start = yaml.index("  - id: town")
    (root / "sites.yaml").write_text(yaml[:start] + town, encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0
    doc = html(root / "build/portal/zhuanti/index.html")
    current = doc.xpath("//section[@aria-labelledby='specials-current']//li")
    archived = doc.xpath("//section[@aria-labelledby='specials-archived']//li")
    assert [li.xpath("a")[0].text for li in current] == ["优化营商环境", "创建文明城市"]  # newest item first
    assert [li.xpath("a/@href")[0] for li in current] == ["/yshj/", "/town/cjwm/"]
    assert "[测试镇人民政府]" in current[1].text_content()
    assert [li.xpath("a")[0].text for li in archived] == ["七普专题"] and "历史专题" in archived[0].text_content()
    assert "/zhuanti/" in html(root / "build/portal/index.html").xpath("//main//a/@href")


def test_special_pages_are_in_the_sitemap_and_the_feeds(out):
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for rel in ("yshj/", "yshj/zcjs/", "yshj/zcjs/fangan/", "rkpc/", "zhuanti/"):
        assert f"<loc>https://www.test.gov.cn/{rel}</loc>" in sitemap, rel
    assert "若干措施" in (out / "yshj/feed.xml").read_text(encoding="utf-8")
    assert "政企座谈会" in (out / "feed.xml").read_text(encoding="utf-8")


def check_findings(root, now):
    result = run(root, "check", "--now", now, "--format", "json")
    return [(f["rule"], f["path"], f["message"]) for s in json.loads(result.stdout)["sites"] for f in s["findings"]]


def test_check_exempts_an_archived_special_but_not_a_current_one_past_its_limit(tmp_path):
    root = special_cluster(tmp_path)
    assert [f for f in check_findings(root, NOW) if "yshj" in f[1] or "rkpc" in f[1]] == []
    late = [f for f in check_findings(root, "2026-09-20 12:00") if f[0] == "column-stale"]
    assert [f[1] for f in late if "yshj" in f[1] or "rkpc" in f[1]] == ["content/portal/yshj/"]
    assert "check.special_days" in next(f[2] for f in late if f[1] == "content/portal/yshj/")


def test_marking_a_special_archived_relabels_its_pages(tmp_path):
    root = special_cluster(tmp_path)
    assert build(root, "--no-search").exit_code == 0
    yaml = (root / "sites.yaml").read_text(encoding="utf-8")
    (root / "sites.yaml").write_text(yaml.replace("type: special}", "type: special, archived: true}"), encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0
    assert "历史专题" in text(html(root / "build/portal/yshj/zcjs/fangan/index.html"), "//h1//span")
    assert not html(root / "build/portal/zhuanti/index.html").xpath("//section[@aria-labelledby='specials-current']//li")


BAD = {
    "missing_banner": (
        {"content/portal/yshj/_index.md": "---\ntitle: 优化营商环境\nbanner: banner.png\n---\n\n介绍。\n"},
        ["content/portal/yshj/_index.md:3: banner image 'banner.png' not found beside _index.md",
         "fix: put the image in content/portal/yshj/ or fix the name after 'banner:'"],
    ),
    "banner_not_an_image": (
        {"content/portal/yshj/_index.md": "---\nbanner: notes.txt\n---\n", "content/portal/yshj/notes.txt": "x"},
        ["content/portal/yshj/_index.md:2: the banner 'notes.txt' is not an image"],
    ),
    "broken_yaml": (
        {"content/portal/yshj/_index.md": "---\ntitle: [优化营商环境\n---\n\n介绍。\n"},
        ["content/portal/yshj/_index.md:", "broken YAML", "fix:"],
    ),
    "unknown_key": (
        {"content/portal/yshj/zcjs/_index.md": "---\ntitle: 政策措施\nbaner: a.png\n---\n"},
        ["content/portal/yshj/zcjs/_index.md:3: unknown key 'baner' (did you mean \"banner\"?)"],
    ),
    "item_outside_a_section": (
        {"content/portal/yshj/loose.md": page(title="散落的文章")},
        ["content/portal/yshj/loose.md: in a special column (专题) every item belongs to a section",
         "fix: move it into the folder of its section"],
    ),
    "control_character_in_the_introduction": (
        {"content/portal/yshj/_index.md": "---\ntitle: 优化营商环境\n---\n\n介绍。\n第二段\x0b。\n"},
        ["content/portal/yshj/_index.md:6: the text contains an invisible control character (U+000B)",
         "fix: type that line again"],
    ),
    "control_character_in_an_item": (
        {"content/portal/yshj/zcjs/fangan.md": "---\ntitle: 实施方案\ndate: 2026-03-01\n---\n\n方案\x07正文。\n"},
        ["content/portal/yshj/zcjs/fangan.md:6: the text contains an invisible control character (U+0007)"],
    ),
    "item_named_like_the_pager": (
        {"content/portal/yshj/zcjs/page.md": page(title="分页")},
        ["content/portal/yshj/zcjs/page.md: this page wants the URL /yshj/zcjs/page/, which belongs to the listing pages"],
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_special_content_is_a_clear_message_and_the_previous_output_stays(tmp_path, case):
    files, expected = BAD[case]
    root = special_cluster(tmp_path)
    assert_refused(root, lambda r: [(r / rel).write_text(data, encoding="utf-8") for rel, data in files.items()], expected)


def test_new_page_in_a_special_column_goes_into_the_section_it_names(tmp_path):
    root = special_cluster(tmp_path)
    refused = run(root, "new", "page", "portal", "yshj", "新的措施")
    assert refused.exit_code == 1 and "its items go into a section" in refused.output and "yshj/gzdt" in refused.output
    made = run(root, "new", "page", "portal", "yshj/zcjs", "新的措施", "--slug", "xincuoshi")
    assert made.exit_code == 0, made.output
    assert "title: 新的措施" in (root / "content/portal/yshj/zcjs/xincuoshi.md").read_text(encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0  # a draft until its writer publishes it


def test_a_reader_reaches_the_special_from_the_navigation_and_sees_its_banner(browser, tmp_path):
    from conftest import serve

    root = special_cluster(tmp_path)
    assert build(root, "--no-search").exit_code == 0
    portal = serve(root)["portal"]
    tab = browser.new_page()
    tab.goto(portal)
    tab.click("nav.mainnav >> text=优化营商环境")
    assert tab.url == portal + "yshj/"
    assert tab.locator("img.special-banner").evaluate("img => img.complete && img.naturalWidth > 0")
    assert tab.locator("img.special-banner").is_visible() and tab.locator("h1").inner_text() == "优化营商环境"
    tab.goto(portal + "zhuanti/")
    tab.click("text=七普专题")
    assert tab.locator("h1 .badge").inner_text() == "历史专题" and tab.locator("h1 .badge").is_visible()
