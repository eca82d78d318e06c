"""Feeds carry each item's full text with absolute URLs; every site has a 订阅 page listing all its feeds."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
from lxml import etree

from conftest import build, make_cluster, page, serve, tree, write_files

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e2b4d5c30000000049454e44ae426082")
FULL = page("""第一段正文，[见通知](../notices/notice.md)，[下载说明](说明.pdf)。

![现场照片](photo.png)

第二段正文有脚注[^1]，[外部链接](https://www.gov.cn/)。

[^1]: 脚注内容。
""", title="全文测试", summary="这是摘要。", date="2026-03-09", cover="photo.png",
            attachments=[{"file": "plan.pdf", "title": "实施方案"}])
FILES = {
    "content/portal/news/full.md": FULL,
    "content/portal/news/photo.png": PNG,
    "content/portal/news/说明.pdf": b"%PDF-1.4 guide",
    "content/portal/news/plan.pdf": b"%PDF-1.4 plan",
    "content/town/news/picture.md": page("镇里的图片：![图](photo.png)", title="镇里的图片", date="2026-03-08"),
    "content/town/news/photo.png": PNG,
}


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """The mini cluster with an article linking a page, a file, an image and a footnote, built without search."""
    root = make_cluster(tmp_path, FILES)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    return root / "build"


def rss_items(path: Path) -> dict[str, etree._Element]:
    return {item.findtext("title"): item for item in etree.fromstring(path.read_bytes()).iter("item")}


def atom_entries(path: Path) -> dict[str, etree._Element]:
    return {e.findtext(f"{ATOM}title"): e for e in etree.fromstring(path.read_bytes()).iter(f"{ATOM}entry")}


def urls_in(fragment: str) -> list[str]:
    doc = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return doc.xpath("//a/@href | //img/@src")


def test_rss_and_atom_carry_the_full_text_with_absolute_urls(full):
    body = rss_items(full / "portal/news/feed.xml")["全文测试"].findtext(CONTENT)
    atom = atom_entries(full / "portal/news/atom.xml")["全文测试"]
    content = atom.find(f"{ATOM}content")
    assert content.get("type") == "html" and content.text == body
    for text in ("第一段正文", "第二段正文有脚注", "脚注内容。", "实施方案"):
        assert text in body
    page_url = "https://www.test.gov.cn/news/full/"
    assert set(urls_in(body)) >= {
        "https://www.test.gov.cn/notices/notice/",  # a link to another page
        page_url + "%E8%AF%B4%E6%98%8E.pdf",  # a file beside the page, linked in the text
        page_url + "photo.png",  # an image beside the page (and the cover)
        page_url + "plan.pdf",  # an attachment
        page_url + "#fn1",  # a footnote
        "https://www.gov.cn/",
    }
    assert all(url.startswith("https://") for url in urls_in(body)), urls_in(body)
    for url in urls_in(body):  # every address inside the site leads to a file the build wrote
        if url.startswith(page_url) and "#" not in url:
            assert (full / "portal/news/full" / url.removeprefix(page_url).replace("%E8%AF%B4%E6%98%8E", "说明")).is_file(), url


def test_the_summary_stays_the_description_and_the_atom_summary(full):
    item = rss_items(full / "portal/news/feed.xml")["全文测试"]
    assert item.findtext("description") == "这是摘要。"
    assert atom_entries(full / "portal/news/atom.xml")["全文测试"].findtext(f"{ATOM}summary") == "这是摘要。"


def test_a_site_under_a_path_resolves_against_its_own_path(full):
    for rel in ("town/feed.xml", "town/news/feed.xml"):
        body = rss_items(full / rel)["镇里的图片"].findtext(CONTENT)
        assert urls_in(body) == ["https://www.test.gov.cn/town/news/picture/photo.png"]


ADOPTED = """- {source: finance/news/adopted.md, column: news, decision: adopted, by: 赵敏, at: 2026-03-06}
- {source: town/news/adopted.md, column: news, decision: adopted, by: 孙立, at: 2026-03-09}
"""


def test_an_adopted_items_urls_resolve_to_its_origin_site(tmp_path):
    root = make_cluster(tmp_path, {
        "content/finance/news/adopted.md": page("财政局的图片：![图](photo.png)，[附件](data.pdf)", title="财政局被采用的信息",
                                                date="2026-03-05", submit_to=["portal/news"]),
        "content/finance/news/photo.png": PNG,
        "content/finance/news/data.pdf": b"%PDF-1.4 data",
        "content/town/news/adopted.md": page("镇里的图片：![图](photo.png)", title="镇里被采用的信息", date="2026-03-08",
                                             submit_to="portal/news"),
        "content/town/news/photo.png": PNG,
        "content/portal/_submissions.yaml": ADOPTED,
    })
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    for rel in ("portal/feed.xml", "portal/news/feed.xml"):
        items = rss_items(root / "build" / rel)
        assert urls_in(items["财政局被采用的信息"].findtext(CONTENT)) == [
            "https://czj.test.gov.cn/news/adopted/photo.png", "https://czj.test.gov.cn/news/adopted/data.pdf"]
        assert urls_in(items["镇里被采用的信息"].findtext(CONTENT)) == ["https://www.test.gov.cn/town/news/adopted/photo.png"]
    entries = atom_entries(root / "build/portal/news/atom.xml")
    assert "https://czj.test.gov.cn/news/adopted/photo.png" in entries["财政局被采用的信息"].findtext(f"{ATOM}content")


def test_an_item_given_on_application_has_no_text_in_the_feeds(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/disclosure/secret.md": page(
        "不应公开的正文。", title="依申请公开的文件", date="2026-03-09",
        disclosure={"topic": "综合政务", "genre": "通知", "mode": "依申请公开"})})
    assert build(root, "--no-search").exit_code == 0
    out = root / "build/portal"
    for rel in ("feed.xml", "atom.xml", "disclosure/feed.xml", "disclosure/atom.xml"):
        text = (out / rel).read_text(encoding="utf-8")
        assert "依申请公开的文件" in text and "不应公开的正文" not in text, rel


def test_feeds_follow_the_entry_template_and_the_text_on_rebuild(full):
    root = full.parent
    before = tree(full)
    write_files(root, {"content/portal/news/full.md": FULL.replace("第二段正文", "修改后的第二段")})
    assert build(root, "--no-search").exit_code == 0
    assert "修改后的第二段" in rss_items(full / "portal/news/feed.xml")["全文测试"].findtext(CONTENT)
    assert "修改后的第二段" in atom_entries(full / "portal/atom.xml")["全文测试"].findtext(f"{ATOM}content")
    template = root / "themes/gov/templates/feed_entry.html"
    template.write_text(template.read_text(encoding="utf-8") + "<p>全文结束</p>\n", encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0
    after = tree(full)
    assert "全文结束" in rss_items(full / "town/feed.xml")["镇里的图片"].findtext(CONTENT)
    assert all(after[rel] != before[rel] for rel in after if rel.endswith(("feed.xml", "atom.xml")) and rel in before)
    rebuilt = make_cluster(root.parent / "again", {**FILES, "themes/gov/templates/feed_entry.html": template.read_text(encoding="utf-8"),
                                                   "content/portal/news/full.md": FULL.replace("第二段正文", "修改后的第二段")})
    assert build(rebuilt, "--no-search").exit_code == 0
    fresh = tree(rebuilt / "build")
    assert {rel: after[rel] for rel in after if rel.endswith(".xml")} == {rel: fresh[rel] for rel in fresh if rel.endswith(".xml")}


# --- the 订阅 page -------------------------------------------------------------------------------

SITES = {"portal": ("https://www.test.gov.cn/", ["news", "notices", "disclosure"]),
         "finance": ("https://czj.test.gov.cn/", ["news"]),
         "town": ("https://www.test.gov.cn/town/", ["news"])}


def test_every_site_has_a_subscribe_page_listing_every_feed(full):
    for site, (base, columns) in SITES.items():
        doc = lxml.html.fromstring((full / site / "subscribe/index.html").read_bytes())
        links = doc.xpath("//main//ul[@class='feed-list']/li/a/@href")
        shown = [c.text_content() for c in doc.xpath("//main//code[@class='feed-url']")]
        expected = [base + prefix + name for prefix in ["", *(f"{c}/" for c in columns)] for name in ("feed.xml", "atom.xml")]
        assert links == expected == shown, site
        for url in links:
            assert (full / site / url.removeprefix(base)).is_file(), url
        assert doc.xpath("//main//h1") and [h.text_content() for h in doc.xpath("//main//h2")] == ["全站信息", "各栏目信息"]
        explanation = doc.xpath("string(//main/p)")
        assert "阅读器" in explanation and "订阅地址" in explanation
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), site


def test_the_top_bar_subscribe_link_leads_to_the_subscribe_page(full):
    for site, (base, _) in SITES.items():
        for rel in ("index.html", "news/index.html", "subscribe/index.html"):
            doc = lxml.html.fromstring((full / site / rel).read_bytes())
            href = doc.xpath("//div[@class='topbar']//a[normalize-space()='订阅']/@href")
            assert href and urljoin(base + rel, href[0]) == base + "subscribe/", (site, rel, href)


def test_a_column_or_page_at_subscribe_is_refused(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/subscribe.md": page("订阅说明。", title="订阅")})
    result = build(root, "--no-search")
    assert result.exit_code == 1 and "the subscribe page" in result.output, result.output


def test_the_subscribe_page_reads_as_headings_and_named_links_in_the_browser(browser, full):
    tab = browser.new_page()
    tab.goto(serve(full.parent)["town"] + "subscribe/")
    assert tab.get_by_role("heading", level=1).inner_text() == "订阅测试镇人民政府的信息"
    assert tab.get_by_role("heading", level=3).all_inner_texts() == ["测试镇人民政府", "工作动态"]
    link = tab.get_by_role("link", name="“工作动态” RSS 订阅地址")
    assert link.get_attribute("href") == "https://www.test.gov.cn/town/news/feed.xml"
    tab.get_by_role("link", name="订阅", exact=True).click()
    assert tab.url.endswith("/town/subscribe/")
