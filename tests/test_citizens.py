"""What citizens get on every site: a pager that stays short, readable colours, 互动交流, the service pages every footer
links to (网站地图, 联系我们, 无障碍声明), the site's marks, 长辈版 and a phone menu that works without JavaScript."""
from __future__ import annotations

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import html

from conftest import build, make_cluster, page, run, serve

MINI_YAML = (Path(__file__).parent / "fixtures/mini/sites.yaml").read_text(encoding="utf-8")


def parse(path: Path):
    return html.fromstring(path.read_bytes())


def pager_links(doc) -> list[str]:
    return [a.text_content().strip() for a in doc.xpath("//nav[@class='pager']/a")]


# --- the pager ------------------------------------------------------------------------------------------------------

def test_a_600_item_column_has_a_short_pager_that_reaches_every_page(tmp_path):
    files = {f"content/portal/news/n{i:03d}.md": page(f"第{i}条。", title=f"动态{i}", date=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}")
             for i in range(596)}  # and the 4 of the fixture: 600
    root = make_cluster(tmp_path, {"sites.yaml": MINI_YAML.replace("page_size: 2", "page_size: 20"), **files})
    assert build(root, "--no-search").exit_code == 0
    news = root / "build/portal/news"
    pages = [news / "index.html"] + [news / f"page/{n}/index.html" for n in range(2, 31)]
    assert all(p.is_file() for p in pages) and not (news / "page/31").exists()
    first, middle, last = parse(pages[0]), parse(pages[14]), parse(pages[29])
    assert pager_links(first) == ["2", "3", "30", "下一页", "尾页"]
    assert pager_links(middle) == ["首页", "上一页", "1", "13", "14", "16", "17", "30", "下一页", "尾页"]
    assert middle.xpath("//nav[@class='pager']/span[@aria-current='page']/text()") == ["15"]
    assert middle.xpath("//nav[@class='pager']//span[@class='pager-gap']")  # the numbers left out are marked
    assert pager_links(last) == ["首页", "上一页", "1", "28", "29"]
    for doc in (first, middle, last):
        assert len(pager_links(doc)) <= 12
    # every page is reachable by following 下一页
    seen, doc, url = 1, first, None
    while (nxt := doc.xpath("//nav[@class='pager']/a[@rel='next']/@href")):
        url = nxt[0]
        doc = parse(root / "build/portal" / url.strip("/") / "index.html")
        seen += 1
    assert seen == 30 and url == "/news/page/30/"


# --- colours --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, colour, shown", [("primary_color", "#4caf50", "2.78:1"), ("accent_color", "#f0a500", "2.08:1")])
def test_a_colour_too_light_for_its_text_is_a_config_error_naming_the_key(tmp_path, key, colour, shown):
    yaml = MINI_YAML.replace("    footer: {site_code: \"9900000002\"}",
                             f"    footer: {{site_code: \"9900000002\"}}\n    theme_options: {{{key}: \"{colour}\"}}")
    root = make_cluster(tmp_path, {"sites.yaml": yaml})
    result = build(root, "--no-search")
    assert result.exit_code == 1, result.output
    assert f"theme_options.{key}" in result.output and shown in result.output and "4.5:1" in result.output
    assert "darker" in result.output and "Traceback" not in result.output
    assert not (root / "build").exists()


def test_a_dark_enough_colour_is_used(tmp_path):
    yaml = MINI_YAML.replace("    footer: {site_code: \"9900000002\"}",
                             "    footer: {site_code: \"9900000002\"}\n    theme_options: {primary_color: \"#2e7d32\"}")
    root = make_cluster(tmp_path, {"sites.yaml": yaml})
    assert build(root, "--no-search").exit_code == 0
    css = [p for p in (root / "build/finance/static/css").iterdir() if p.name.startswith("colours.")]
    assert b"--primary: #2e7d32;" in css[0].read_bytes()


# --- 互动交流 ---------------------------------------------------------------------------------------------------------

INTERACTION = """  interaction:
    - {name: 12345热线, url: "https://12345.test.gov.cn/"}
"""
PORTAL_INTERACTION = """    interaction:
      - {name: 市长信箱, url: "https://hd.test.gov.cn/mayor/"}
      - {name: 在线访谈, url: "https://ft.test.gov.cn/live/?id=3", embed: true}
"""


def interaction_cluster(tmp_path: Path) -> Path:
    yaml = MINI_YAML.replace("  columns:\n    - {id: news, title: 工作动态, type: news}\n",
                             "  columns:\n    - {id: news, title: 工作动态, type: news}\n" + INTERACTION, 1)
    yaml = yaml.replace('    footer: {site_code: "9900000001"}\n', '    footer: {site_code: "9900000001"}\n' + PORTAL_INTERACTION)
    return make_cluster(tmp_path, {"sites.yaml": yaml})


def test_interaction_channels_on_the_home_page_in_the_footer_and_embedded(tmp_path):
    root = interaction_cluster(tmp_path)
    assert build(root, "--no-search").exit_code == 0
    home = parse(root / "build/portal/index.html")
    block = home.xpath("//section[.//h2[text()='互动交流']]")[0]
    assert block.xpath(".//ul[@class='channels']//a/text()") == ["市长信箱"]
    frame = block.xpath(".//iframe")[0]
    assert frame.get("src") == "https://ft.test.gov.cn/live/?id=3" and frame.get("title") == "在线访谈"
    footer = home.xpath("//footer//p[@class='foot-channels']//a/@href")
    assert footer == ["https://hd.test.gov.cn/mayor/", "https://ft.test.gov.cn/live/?id=3"]
    # the other sites get the defaults, linked, never embedded
    town = parse(root / "build/town/index.html")
    assert town.xpath("//section[.//h2[text()='互动交流']]//a/text()") == ["12345热线"] and not town.xpath("//iframe")
    contact = parse(root / "build/portal/contact/index.html")
    assert "市长信箱" in contact.text_content() and "测试市人民政府办公室" in contact.text_content()


def test_nginx_allows_frames_from_exactly_the_embedded_channels(tmp_path):
    root = interaction_cluster(tmp_path)
    result = run(root, "nginx-config")
    assert result.exit_code == 0, result.output
    policies = re.findall(r'server_name (\S+);.*?Content-Security-Policy "([^"]+)"', result.output, re.S)
    by_host = dict(policies)
    assert by_host["www.test.gov.cn"].endswith("; frame-src 'self' https://ft.test.gov.cn")
    assert "frame-src" not in by_host["czj.test.gov.cn"]


def test_a_channel_address_must_be_a_web_address(tmp_path):
    yaml = MINI_YAML.replace('    footer: {site_code: "9900000001"}\n',
                             '    footer: {site_code: "9900000001"}\n    interaction:\n      - {name: 信箱, url: "javascript:alert(1)"}\n')
    root = make_cluster(tmp_path, {"sites.yaml": yaml})
    result = build(root, "--no-search")
    assert result.exit_code == 1 and "sites[0].interaction[0].url" in result.output, result.output


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_an_embedded_channel_loads_under_the_servers_csp_in_chromium(browser, tmp_path):
    from test_deploy import need_nginx, serve_release

    need_nginx()
    channel_dir = tmp_path / "channel"
    channel_dir.mkdir()
    (channel_dir / "index.html").write_text("<!DOCTYPE html><meta charset=utf-8><title>访谈</title><p id='live'>在线访谈直播</p>", encoding="utf-8")
    channel = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(channel_dir)))
    threading.Thread(target=channel.serve_forever, daemon=True).start()
    origin = f"http://localhost:{channel.server_address[1]}"
    yaml = MINI_YAML.replace("base_url: https://www.test.gov.cn", "base_url: http://127.0.0.1").replace(
        '    footer: {site_code: "9900000001"}\n',
        f'    footer: {{site_code: "9900000001"}}\n    interaction:\n      - {{name: 在线访谈, url: "{origin}/", embed: true}}\n'
        '      - {name: 征集调查, url: "https://hd.test.gov.cn/survey/"}\n')
    root = make_cluster(tmp_path, {"sites.yaml": yaml})
    assert build(root, "--no-search").exit_code == 0
    (tmp_path / "release").mkdir()
    (tmp_path / "release/current").symlink_to(root / "build")
    server = serve_release(root, tmp_path / "release", tmp_path / "nginx")
    try:
        tab = browser.new_page()
        violations: list[str] = []
        tab.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        tab.goto(f"http://127.0.0.1:{server.port}/")
        frame = tab.frame_locator("iframe[title='在线访谈']")
        assert frame.locator("#live").inner_text(timeout=10_000) == "在线访谈直播"
        assert violations == []
        # a frame from anywhere else is refused by the same policy: the CSP is in force, not merely absent
        tab.evaluate("""src => { const f = document.createElement('iframe'); f.src = src; document.body.append(f); }""",
                     "http://127.0.0.2:9/")
        tab.wait_for_timeout(500)
        assert any("frame-src" in v for v in violations), violations
        tab.close()
    finally:
        server.stop()
        channel.shutdown()


# --- the footer, the site map, the marks ----------------------------------------------------------------------------

def test_every_page_links_to_the_site_map_contact_and_accessibility_pages(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/about.md": page("本站由测试市人民政府办公室主办。", title="关于本站")})
    assert build(root, "--no-search").exit_code == 0
    out = root / "build"
    for site, prefix in (("portal", "/"), ("finance", "/"), ("town", "/town/")):
        for file in (out / site).rglob("*.html"):
            if file.name == "404.html" or "pagefind" in file.parts:
                continue
            links = parse(file).xpath("//footer//nav[@aria-label='网站服务']//a")
            hrefs = {a.text_content(): a.get("href") for a in links}
            assert hrefs["网站地图"] == f"{prefix}sitemap/" and hrefs["联系我们"] == f"{prefix}contact/", file
            assert hrefs["无障碍声明"] == f"{prefix}accessibility/", file
            if site == "portal":
                assert hrefs["关于本站"] == "/about/", file
        for name in ("sitemap", "contact", "accessibility"):
            assert (out / site / name / "index.html").is_file()
    site_map = parse(out / "portal/sitemap/index.html")
    listed = site_map.xpath("//main//a/@href")
    assert {"/news/", "/notices/", "/disclosure/", "/about/", "/search/"} <= set(listed)
    statement = parse(out / "portal/accessibility/index.html").text_content()
    assert "GB/T 37668-2019" in statement and "长辈版" in statement and "0999-00000000" in statement


def test_a_page_named_like_a_service_page_is_told_to_move(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/contact.md": page("电话。", title="联系我们")})
    result = build(root, "--no-search")
    assert result.exit_code == 1 and "/contact/, which belongs to the 联系我们 page" in result.output, result.output


def test_emblem_and_conac_badge_images_with_a_neutral_default(tmp_path):
    yaml = MINI_YAML.replace('    footer: {site_code: "9900000002"}\n',
                             '    footer: {site_code: "9900000002"}\n    theme_options: {emblem: assets/emblem.png, conac_badge: assets/conac.png}\n')
    root = make_cluster(tmp_path, {"sites.yaml": yaml, "assets/emblem.png": b"\x89PNG emblem", "assets/conac.png": b"\x89PNG conac"})
    assert build(root, "--no-search").exit_code == 0
    finance = parse(root / "build/finance/index.html")
    assert finance.xpath("//header//img[@class='emblem']/@src") == ["/static/emblem.png"]
    badge = finance.xpath("//footer//a[@class='conac']/img")[0]
    assert badge.get("src") == "/static/conac_badge.png" and badge.get("alt") == "党政机关网站标识"
    assert (root / "build/finance/static/conac_badge.png").read_bytes() == b"\x89PNG conac"
    portal = parse(root / "build/portal/index.html")
    mark = portal.xpath("//header//img[@class='emblem']/@src")[0]
    assert re.fullmatch(r"/static/img/mark\.svg", mark) and (root / "build/portal" / mark.lstrip("/")).is_file()
    assert portal.xpath("//footer//a[@class='conac']//text()[normalize-space()]") == ["党政机关", "网站标识"]


def test_an_emblem_outside_the_sites_folder_is_refused(tmp_path):
    root = make_cluster(tmp_path, {"content/finance/_site.yaml": "theme_options: {emblem: ../../sites.yaml}\n"})
    result = build(root, "--no-search")
    assert result.exit_code == 1 and "emblem of site 'finance' (../../sites.yaml) is outside content/finance/" in result.output


# --- 长辈版, 字号, focus and the phone menu, in Chromium ------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini_served(tmp_path_factory):
    root = make_cluster(tmp_path_factory.mktemp("citizens"), {
        "content/portal/news/long.md": page("第一段。\n\n第二段。", title="一篇文章", date="2026-03-05")})
    assert build(root, "--no-search").exit_code == 0
    return serve(root)


def luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in values)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_care_mode_is_larger_kept_across_pages_and_can_be_left(browser, mini_served):
    base = mini_served["portal"]
    tab = browser.new_page()
    tab.goto(base)
    body_px = "parseFloat(getComputedStyle(document.body).fontSize)"
    normal = tab.evaluate(body_px)
    toggle = tab.get_by_role("button", name="长辈版")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert tab.evaluate(body_px) >= 20 > normal
    assert tab.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)") >= 1.8
    tab.goto(base + "news/")  # kept on the next page, before any click
    assert tab.evaluate("document.documentElement.classList.contains('care')") and tab.evaluate(body_px) >= 20
    nav_link = tab.locator(".mainnav a").first.bounding_box()
    assert nav_link["height"] >= 44
    tab.get_by_role("button", name="长辈版").click()
    assert tab.evaluate(body_px) == normal
    tab.close()


def test_article_text_size_control(browser, mini_served):
    tab = browser.new_page()
    tab.goto(mini_served["portal"] + "news/long/")
    size = "parseFloat(getComputedStyle(document.querySelector('.article-body')).fontSize)"
    middle = tab.evaluate(size)
    tab.get_by_role("button", name="大字号").click()
    assert tab.evaluate(size) > middle
    assert tab.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"
    tab.reload()
    assert tab.evaluate(size) > middle  # kept
    tab.get_by_role("button", name="小字号").click()
    assert tab.evaluate(size) < middle
    tab.close()


def test_focus_indicator_has_3_to_1_against_white(browser, mini_served):
    tab = browser.new_page()
    tab.goto(mini_served["portal"])
    tab.keyboard.press("Tab")  # the skip link, then the links of the page
    tab.keyboard.press("Tab")
    style = tab.evaluate("(() => { const s = getComputedStyle(document.activeElement); "
                         "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()")
    assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2
    assert ratio(style[2], "rgb(255, 255, 255)") >= 3
    tab.close()


def test_phone_menu_opens_without_javascript(browser, mini_served):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(mini_served["portal"])
    links = tab.locator(".mainnav ul a")
    assert not links.first.is_visible()
    button = tab.get_by_text("栏目菜单")
    assert button.is_visible() and button.bounding_box()["height"] >= 44
    button.click()
    assert links.first.is_visible() and links.nth(2).is_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert not tab.get_by_role("button", name="长辈版").is_visible()  # the script-only control stays out of the way
    context.close()


def test_home_blocks_leave_no_large_gap(browser, tmp_path):
    files = {f"content/portal/news/n{i}.md": page("正文。", title=f"新闻{i}", date=f"2026-03-{i + 1:02d}") for i in range(8)}
    root = make_cluster(tmp_path, files)
    assert build(root, "--no-search").exit_code == 0
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto(serve(root)["portal"])
    boxes = tab.evaluate("[...document.querySelectorAll('.block')].map(b => { const r = b.getBoundingClientRect(); "
                         "return [r.left, r.top, r.bottom]; })")
    columns: dict[float, list[tuple[float, float]]] = {}
    for left, top, bottom in boxes:
        columns.setdefault(round(left), []).append((top, bottom))
    assert len(columns) == 2  # two columns on a desktop
    for blocks in columns.values():  # within a column, each block follows the one above it closely
        blocks.sort()
        assert all(b[0] - a[1] < 60 for a, b in pairwise(blocks)), blocks
    tab.close()

