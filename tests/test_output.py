"""What every site gets in build/<site>/: pages, listings, feeds, sitemaps, meta tags and footer."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest

import sitegen.build
from conftest import NOW, build, make_cluster, page
from sitegen.cli.app import moment
from sitegen.config.loader import load_config
from sitegen.content.profile import Profile
from sitegen.errors import ContentError

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [e.text_content().strip() for e in doc.xpath(xpath)]


def meta(doc: lxml.html.HtmlElement, name: str) -> str | None:
    found = doc.xpath(f"//meta[@name='{name}']/@content")
    return found[0] if found else None


def test_every_site_gets_the_standard_files(built):
    for site in ("portal", "finance", "town"):
        for rel in ("index.html", "news/index.html", "tags/index.html", "404.html", "feed.xml", "atom.xml",
                    "news/feed.xml", "news/atom.xml", "sitemap.xml", "robots.txt"):
            assert (built / site / rel).is_file(), f"{site}/{rel}"
    assert (built / "portal/sitemap_index.xml").is_file()
    assert (built / "portal/sites/index.html").is_file()
    assert not (built / "finance/sites").exists()


def test_every_page_has_the_meta_tags_and_footer_identifiers(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        doc = html(path)
        site = path.relative_to(built).parts[0]
        assert meta(doc, "SiteName"), path
        assert meta(doc, "SiteDomain") == ("czj.test.gov.cn" if site == "finance" else "www.test.gov.cn"), path
        assert meta(doc, "SiteIDCode") == {"portal": "9900000001", "finance": "9900000002", "town": "9900000003"}[site]
        assert meta(doc, "ColumnName"), path
        footer = doc.xpath("//footer")[0].text_content()
        for item in ("主办单位：测试市人民政府办公室", "网站标识码：", "测ICP备00000001号", "测公网安备 99000000000001号", "党政机关"):
            assert item in footer, (path, item)


def test_article_page_shows_breadcrumb_date_source_and_article_meta(built):
    doc = html(built / "portal/news/first/index.html")
    assert texts(doc, "//nav[@class='breadcrumb']/a") == ["首页", "政务要闻"]
    assert meta(doc, "ArticleTitle") == "第一条要闻"
    assert meta(doc, "PubDate") == "2026-03-01 09:30"
    assert meta(doc, "ContentSource") == "测试市人民政府办公室"
    assert meta(doc, "ColumnName") == "政务要闻"
    info = doc.xpath("//p[@class='article-meta']")[0].text_content()
    assert "发布日期：2026-03-01 09:30" in info and "来源：测试市人民政府办公室" in info
    assert doc.xpath("//link[@rel='canonical']/@href") == ["https://www.test.gov.cn/news/first/"]


def test_prev_and_next_follow_the_column_by_date(built):
    doc = html(built / "portal/news/first/index.html")
    nav = doc.xpath("//nav[@class='neighbours']")[0]
    assert nav.xpath(".//a[@rel='prev']")[0].text == "第二条要闻"  # newer
    assert nav.xpath(".//a[@rel='next']")[0].text == "第三条要闻"  # older


def test_column_listing_is_paginated_pinned_first_then_newest_with_dates(built):
    first = html(built / "portal/news/index.html")
    assert texts(first, "//ul[@class='items']/li/a") == ["置顶的旧要闻", "第二条要闻"]
    assert texts(first, "//ul[@class='items']/li/time") == ["2025-12-01", "2026-03-05"]
    second = html(built / "portal/news/page/2/index.html")
    assert texts(second, "//ul[@class='items']/li/a") == ["第一条要闻", "第三条要闻"]
    assert texts(first, "//nav[@class='pager']/a[@rel='next']") == ["下一页"]
    assert first.xpath("//nav[@class='pager']/a[@rel='next']/@href") == ["/news/page/2/"]


def test_attachments_are_copied_and_listed_with_size(built):
    assert (built / "portal/notices/notice/plan.pdf").read_bytes().startswith(b"%PDF")
    doc = html(built / "portal/notices/notice/index.html")
    item = doc.xpath("//section[@class='attachments']//li")[0]
    assert item.xpath("a/@href") == ["/notices/notice/plan.pdf"]
    assert item.xpath("a")[0].text == "测试方案"
    assert "PDF" in item.text_content() and " B" in item.text_content()


def test_cross_site_links_resolve_to_path_and_host_urls(built):
    body = html(built / "portal/news/first/index.html").xpath("//div[@class='article-body']//a/@href")
    assert body == ["https://czj.test.gov.cn/news/budget/#details", "/town/news/market/"]
    back = html(built / "finance/news/budget/index.html").xpath("//div[@class='article-body']//a/@href")
    assert back == ["https://www.test.gov.cn/news/first/"]


def test_path_site_urls_carry_its_prefix(built):
    doc = html(built / "town/index.html")
    assert "/town/news/" in doc.xpath("//nav[@class='mainnav']//a/@href")
    assert doc.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/town/static/css/site.")


def test_portal_home_aggregates_departments_and_townships(built):
    doc = html(built / "portal/index.html")
    dept = doc.xpath("//section[@aria-labelledby='agg-department']//li")[0]
    assert "[测试市财政局]" in dept.text_content() and "财政预算执行情况" in dept.text_content()
    assert dept.xpath("a/@href") == ["https://czj.test.gov.cn/news/budget/"]
    town = doc.xpath("//section[@aria-labelledby='agg-township']//li")[0]
    assert "镇集市升级改造完成" in town.text_content() and "2026-03-04" in town.text_content()


def test_cluster_navigation_lists_every_site(built):
    doc = html(built / "portal/sites/index.html")
    assert texts(doc, "//h2") == ["门户网站", "部门网站", "乡镇（街道）网站"]
    links = dict(zip(texts(doc, "//ul[@class='site-list']//a"), doc.xpath("//ul[@class='site-list']//a/@href"), strict=True))
    assert links == {"测试市人民政府": "/", "测试市财政局": "https://czj.test.gov.cn/", "测试镇人民政府": "/town/"}


def test_tag_pages_list_their_pages(built):
    doc = html(built / "portal/tags/民生/index.html")
    assert texts(doc, "//ul[@class='items']/li/a") == ["第二条要闻", "第一条要闻"]
    tags = html(built / "portal/tags/index.html")
    assert "民生" in texts(tags, "//ul[@class='tag-cloud']/li/a")


def test_rss_and_atom_feeds_are_valid_and_absolute(built):
    rss = ET.parse(built / "portal/feed.xml").getroot()
    items = rss.findall("channel/item")
    assert [i.findtext("title") for i in items][:2] == ["第二条要闻", "关于测试的通知"]
    assert items[0].findtext("link") == "https://www.test.gov.cn/news/second/"
    assert rss.findtext("channel/link") == "https://www.test.gov.cn/"
    atom = ET.parse(built / "finance/news/atom.xml").getroot()
    assert atom.findtext(f"{ATOM}title") == "工作动态 - 测试市财政局"
    assert atom.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://czj.test.gov.cn/news/budget/"


def test_sitemaps_and_robots(built):
    urls = [e.text for e in ET.parse(built / "town/sitemap.xml").getroot().iter(f"{SM}loc")]
    assert "https://www.test.gov.cn/town/news/market/" in urls
    assert not any("404" in u or "/page/" in u for u in urls)
    index = [e.text for e in ET.parse(built / "portal/sitemap_index.xml").getroot().iter(f"{SM}loc")]
    assert index == ["https://www.test.gov.cn/sitemap.xml", "https://czj.test.gov.cn/sitemap.xml",
                     "https://www.test.gov.cn/town/sitemap.xml"]
    robots = (built / "portal/robots.txt").read_text()
    assert "Sitemap: https://www.test.gov.cn/sitemap_index.xml" in robots


def test_404_page_links_home_with_root_relative_urls(built):
    doc = html(built / "town/404.html")
    assert "页面未找到" in doc.text_content()
    assert "/town/" in doc.xpath("//main//a/@href")


def test_disclosure_entry_shows_its_metadata_and_marks_repealed(built):
    doc = html(built / "portal/disclosure/rule/index.html")
    table = doc.xpath("//table[@class='disclosure-meta']")[0].text_content()
    for text in ("测政规〔2026〕1号", "2026-01-05", "综合政务\\政务公开", "办法", "废止", "测试市人民政府"):
        assert text in table
    assert doc.xpath("//td[@class='validity-废止']")


def test_markdown_features_and_raw_html_is_escaped(tmp_path):
    body = ("## 第一节\n\n| 项目 | 金额 |\n| --- | --- |\n| 甲 | 1 |\n\n正文[^1]\n\n[^1]: 脚注内容\n\n"
            "- [x] 已完成\n- [ ] 未完成\n\n<script>alert(1)</script>\n\n![图表](chart.png)\n")
    root = make_cluster(tmp_path, {"content/portal/news/md.md": page(body, title="格式"),
                                   "content/portal/news/chart.png": b"\x89PNG fake"})
    assert build(root).exit_code == 0
    out = (root / "build/portal/news/md/index.html").read_text(encoding="utf-8")
    assert '<h2 id="第一节">第一节</h2>' in out
    assert "<table>" in out and "<td>甲</td>" in out
    assert 'class="footnotes' in out and "脚注内容" in out
    assert 'type="checkbox"' in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'src="/news/md/chart.png"' in out
    assert (root / "build/portal/news/md/chart.png").read_bytes() == b"\x89PNG fake"


def test_allowed_raw_html_is_sanitised(tmp_path):
    root = make_cluster(tmp_path, {
        "content/town/_site.yaml": "allow_html: true\n",
        "content/town/news/raw.md": page('<p class="note">保留<b>加粗</b></p>\n\n<script>alert(1)</script>\n'
                                         '<a href="javascript:alert(1)" onclick="x()">链接</a>', title="原始HTML"),
    })
    assert build(root).exit_code == 0
    out = (root / "build/town/news/raw/index.html").read_text(encoding="utf-8")
    assert '<p class="note">保留<b>加粗</b></p>' in out
    assert "<script>" not in out and "alert(1)</script>" not in out
    assert "javascript:" not in out and "onclick" not in out


def test_site_overrides_one_template_and_its_colours(tmp_path):
    yaml_text = (Path(__file__).parent / "fixtures/mini/sites.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("    url: /town/\n", "    url: /town/\n    theme_options: {primary_color: \"#2e7d32\"}\n")
    root = make_cluster(tmp_path, {
        "sites.yaml": yaml_text,
        "content/town/_theme/templates/404.html": "{% extends 'base.html' %}{% block main %}<h1>镇里自定义的404</h1>{% endblock %}",
    })
    assert build(root).exit_code == 0
    assert "镇里自定义的404" in (root / "build/town/404.html").read_text(encoding="utf-8")
    assert "镇里自定义的404" not in (root / "build/portal/404.html").read_text(encoding="utf-8")
    town = html(root / "build/town/index.html")
    sheets = town.xpath("//link[@rel='stylesheet']/@href")
    assert len(sheets) == 2 and "colours." in sheets[1]
    css = (root / "build" / sheets[1].removeprefix("/town/").join(["town/", ""])).read_text()
    assert "--primary: #2e7d32" in css
    assert len(html(root / "build/portal/index.html").xpath("//link[@rel='stylesheet']")) == 1


def test_site_logo_is_copied_and_shown(tmp_path):
    yaml_text = (Path(__file__).parent / "fixtures/mini/sites.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("    url: /town/\n", "    url: /town/\n    theme_options: {logo: assets/town-logo.png}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml_text, "assets/town-logo.png": b"\x89PNG logo"})
    assert build(root).exit_code == 0
    assert html(root / "build/town/index.html").xpath("//a[@class='brand']/img/@src") == ["/town/static/logo.png"]
    assert (root / "build/town/static/logo.png").read_bytes() == b"\x89PNG logo"
    missing = make_cluster(tmp_path / "b", {"sites.yaml": yaml_text})
    result = build(missing)
    assert result.exit_code == 1 and "logo of site 'town' not found: assets/town-logo.png" in result.output


def test_a_template_may_show_the_markdown_text_of_its_page(tmp_path):
    # the build lets go of each text once converted; a template that shows one has it read again, as it was loaded
    root = make_cluster(tmp_path, {
        "content/town/_theme/templates/article.html":
            "{% extends 'base.html' %}{% block main %}<pre class=\"source\">{{ page.body }}</pre>{{ page.html|safe }}{% endblock %}",
        "content/town/news/notice.md": page("第一段，**加粗**。\n\n第二段 <原文>。", title="原文展示"),
    })
    assert build(root).exit_code == 0
    doc = html(root / "build/town/news/notice/index.html")
    assert doc.xpath("//pre[@class='source']/text()") == ["\n第一段，**加粗**。\n\n第二段 <原文>。\n"]
    assert doc.xpath("//strong/text()") == ["加粗"]
    edited = page("改过的原文。", title="原文展示")
    (root / "content/town/news/notice.md").write_text(edited, encoding="utf-8")
    assert build(root).exit_code == 0  # the cache of front matter, written early, gives the new text
    assert html(root / "build/town/news/notice/index.html").xpath("//pre[@class='source']/text()") == ["\n改过的原文。\n"]


def test_a_text_changed_while_the_pages_are_made_is_reported_not_shown_as_it_was(tmp_path, monkeypatch):
    root = make_cluster(tmp_path, {
        "content/town/_theme/templates/article.html": "{% extends 'base.html' %}{% block main %}{{ page.body }}{% endblock %}",
    })
    source = root / "content/town/news/market.md"
    produce = sitegen.build.produce

    def edited_first(*args, **kwargs):
        source.write_text(source.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造尚未完成。"), encoding="utf-8")
        return produce(*args, **kwargs)

    monkeypatch.setattr(sitegen.build, "produce", edited_first)
    options = sitegen.build.BuildOptions(root=root, out=root / "build", profile=Profile(moment(NOW, load_config(root))),
                                         search=False)
    with pytest.raises(ContentError) as failed:
        sitegen.build.build(options)
    assert "content/town/news/market.md" in failed.value.render()
    assert not (root / "build/town/news/market/index.html").exists()
