"""信息报送: units submit items to the portal's columns, its editors adopt or decline them, and the portal shows
exactly the adopted ones: in the column's listing, its feeds and its search, linking to the item at its origin."""
from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from test_search import ask, open_search, pagefind_search

from conftest import assert_refused, build, make_cluster, page, run, serve, tree, write_files

DECISIONS = """# 门户网站编辑部的采用记录
- source: finance/news/adopted.md
  column: news
  decision: adopted
  by: 赵敏
  at: 2026-03-06

# 同类信息已刊发
- source: finance/news/declined.md
  column: news
  decision: declined
  by: 赵敏
  at: 2026-03-06
  note: 同类信息已刊发

- source: town/news/adopted.md
  column: news
  decision: adopted
  by: 孙立
  at: 2026-03-09
"""

SUBMITTED = {
    "content/finance/news/adopted.md": page(title="财政局被采用的信息", date="2026-03-05", submit_to=["portal/news"]),
    "content/finance/news/declined.md": page(title="财政局未被采用的信息", date="2026-03-06", submit_to=["portal/news"]),
    "content/town/news/pending.md": page(title="镇里待处理的信息", date="2026-03-07", submit_to=["portal/news"]),
    "content/town/news/adopted.md": page(title="镇里被采用的信息", date="2026-03-08", submit_to="portal/news"),
    "content/portal/_submissions.yaml": DECISIONS,
}
ADOPTED = {"财政局被采用的信息", "镇里被采用的信息"}
NOT_ADOPTED = {"财政局未被采用的信息", "镇里待处理的信息"}


@pytest.fixture
def submitted(tmp_path: Path) -> Path:
    """The mini cluster with four submitted items (two adopted, one declined, one pending), built without search."""
    root = make_cluster(tmp_path, SUBMITTED)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    return root


def listing(out: Path, site: str, column: str) -> list[tuple[str, str, str]]:
    """Return (title, href, source mark) of every item of every page of a column's listing."""
    items = []
    pages = sorted((out / site / column).glob("page/*/index.html"), key=lambda p: int(p.parent.name))
    for html in [out / site / column / "index.html", *pages]:
        for li in lxml.html.fromstring(html.read_bytes()).xpath("//ul[@class='items']/li"):
            link = li.xpath(".//a")[0]
            items.append((link.text_content(), link.get("href"), "".join(li.xpath(".//span[@class='item-source']//text()"))))
    return items


def feed_items(out: Path, rel: str) -> dict[str, str]:
    """Return title -> link of every item of an RSS feed."""
    from lxml import etree

    root = etree.fromstring((out / rel).read_bytes())
    return {item.findtext("title"): item.findtext("link") for item in root.iter("item")}


def titles(out: Path, site: str, rel: str) -> set[str]:
    return {a.text_content() for a in lxml.html.fromstring((out / site / rel).read_bytes()).xpath("//ul[@class='items']//a")}


# --- showing ---------------------------------------------------------------------------------------

def test_the_portal_column_lists_exactly_the_adopted_items_in_date_order_marked_with_their_unit(submitted):
    out = submitted / "build"
    items = listing(out, "portal", "news")
    shown = {title for title, _, _ in items}
    assert shown >= ADOPTED and not NOT_ADOPTED & shown
    by_title = {title: (href, mark) for title, href, mark in items}
    # linked at their origin: another host absolutely, the portal's own host by path; no copy on the portal
    assert by_title["财政局被采用的信息"] == ("https://czj.test.gov.cn/news/adopted/", "来源：测试市财政局")
    assert by_title["镇里被采用的信息"] == ("/town/news/adopted/", "来源：测试镇人民政府")
    assert not (out / "portal/news/adopted").exists()
    assert by_title["第一条要闻"][1] == ""  # the portal's own items carry no source mark
    # date order among the unpinned items: the town's (03-08) before the finance one (03-05) before 第一条要闻 (03-01)
    order = [title for title, _, _ in items if title in ADOPTED | {"第一条要闻"}]
    assert order == ["镇里被采用的信息", "财政局被采用的信息", "第一条要闻"]


def test_the_portal_feeds_carry_exactly_the_adopted_items_linking_to_their_origin(submitted):
    out = submitted / "build"
    for rel in ("portal/news/feed.xml", "portal/feed.xml"):
        items = feed_items(out, rel)
        assert set(items) >= ADOPTED and not NOT_ADOPTED & set(items), rel
        assert items["财政局被采用的信息"] == "https://czj.test.gov.cn/news/adopted/"
        assert items["镇里被采用的信息"] == "https://www.test.gov.cn/town/news/adopted/"
    atom = (out / "portal/news/atom.xml").read_text(encoding="utf-8")
    assert "<name>测试市财政局</name>" in atom
    # the unit's own site and feed still have all its items, submitted or not
    assert {"财政局被采用的信息", "财政局未被采用的信息"} <= set(feed_items(out, "finance/news/feed.xml"))
    assert {"财政局被采用的信息", "财政局未被采用的信息"} <= titles(out, "finance", "news/index.html")


def test_declined_and_pending_items_are_in_no_column_or_feed_of_the_portal(submitted):
    out = submitted / "build"
    # the portal's own columns and feeds; its 部门动态 and 乡镇动态 blocks show every unit's latest news as the unit's
    # (marked with it), as they did before submissions existed, and are not a column items are submitted to
    for rel, data in tree(out).items():
        if rel.startswith(("portal/news/", "portal/notices/", "portal/tags/")) or rel in ("portal/feed.xml", "portal/atom.xml"):
            text = data.decode("utf-8")
            assert not any(title in text for title in NOT_ADOPTED), rel
    home = lxml.html.fromstring((out / "portal/index.html").read_bytes())
    block = {a.text_content() for a in home.xpath("//section[@aria-labelledby='col-news']//ul[@class='items']//a")}
    assert block >= ADOPTED and not NOT_ADOPTED & block


@pytest.mark.parametrize("withdraw", [
    pytest.param(lambda root: write_files(root, {"content/finance/news/adopted.md": None}), id="deleted"),
    pytest.param(lambda root: _front(root, "visibility: internal"), id="internal"),
    pytest.param(lambda root: _front(root, "expire_at: 2026-03-09"), id="expired"),
    pytest.param(lambda root: _front(root, "draft: true"), id="drafted"),
])
def test_a_withdrawn_source_disappears_from_the_target_too(submitted, withdraw):
    withdraw(submitted)
    result = build(submitted, "--no-search")
    assert result.exit_code == 0, result.output
    out = submitted / "build"
    assert "财政局被采用的信息" not in {title for title, _, _ in listing(out, "portal", "news")}
    assert "财政局被采用的信息" not in feed_items(out, "portal/news/feed.xml")
    assert "镇里被采用的信息" in feed_items(out, "portal/news/feed.xml")
    # a deleted source leaves a decision on nothing: a warning naming the decisions file, never a failure
    assert ("content/portal/_submissions.yaml:2" in result.output) == (not (submitted / "content/finance/news/adopted.md").exists())


def _front(root: Path, line: str) -> None:
    path = root / "content/finance/news/adopted.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", f"---\n{line}\n", 1), encoding="utf-8")


def test_adopting_an_item_renders_only_what_shows_it(submitted):
    out = submitted / "build"
    before = tree(out)
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "finance").rglob("*") if p.is_file()}
    result = run(submitted, "submissions", "adopt", "town/news/pending.md", "--site", "portal", "--by", "孙立",
                 "--now", "2026-03-10 12:00")
    assert result.exit_code == 0, result.output
    rebuilt = build(submitted, "--no-search")
    assert rebuilt.exit_code == 0, rebuilt.output
    after = tree(out)
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    assert changed and all(rel.startswith("portal/") for rel in changed), changed
    # the column's listing, the home page's block and the feeds: nothing else of the portal
    assert all(re.fullmatch(r"portal/(news/(page/\d+/)?index\.html|index\.html|(news/)?(feed|atom)\.xml|sitemap\.xml)", rel)
               for rel in changed), changed
    assert {p: p.stat().st_mtime_ns for p in (out / "finance").rglob("*") if p.is_file()} == mtimes
    made = int(re.search(r"\((\d+) rendered", rebuilt.output).group(1))
    assert made <= len(changed) + 2, rebuilt.output


# --- submitting: what is refused ----------------------------------------------------------------------

@pytest.mark.parametrize(("target", "expected"), [
    ("portal/notices", "submit_to 'portal/notices': the column '通知公告' of 测试市人民政府 does not take submissions"),
    ("portal/nwes", "测试市人民政府 has no column 'nwes' (did you mean \"news\"?)"),
    ("portl/news", "there is no site 'portl' (did you mean \"portal\"?)"),
    ("finance/news", "an item is submitted to another site, not to its own"),
    ("portal", "'portal' is not a column of a site"),
])
def test_a_submission_to_a_column_that_does_not_take_it_is_a_clear_error(cluster, target, expected):
    result = assert_refused(cluster, lambda root: write_files(root, {
        "content/finance/news/x.md": page(title="报送", submit_to=[target])}), [expected, "content/finance/news/x.md:"])
    assert "columns that take submissions: portal/news" in result.output or target in ("portal", "finance/news")


def test_a_draft_with_a_wrong_target_fails_now_not_on_publication_day(cluster):
    assert_refused(cluster, lambda root: write_files(root, {
        "content/town/news/x.md": page(title="草稿", draft=True, submit_to=["portal/notices"])}),
        ["content/town/news/x.md:", "does not take submissions"])


def test_a_column_opened_to_submissions_takes_them_and_a_disclosure_column_cannot(tmp_path):
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("{id: notices, title: 通知公告, type: notice}",
                                   "{id: notices, title: 通知公告, type: notice, accepts_submissions: true}"), encoding="utf-8")
    write_files(root, {"content/town/news/x.md": page(title="报送通知", submit_to=["portal/notices"])})
    assert build(root, "--no-search").exit_code == 0
    config.write_text(text.replace("{id: disclosure, title: 政府信息公开, type: disclosure}",
                                   "{id: disclosure, title: 政府信息公开, type: disclosure, accepts_submissions: true}"),
                      encoding="utf-8")
    result = build(root, "--no-search")
    assert result.exit_code == 1
    assert "sites.yaml:" in result.output and "cannot take submissions" in result.output


# --- decisions ------------------------------------------------------------------------------------

def test_a_decision_on_a_missing_source_or_another_column_is_a_warning_and_the_build_goes_on(tmp_path):
    root = make_cluster(tmp_path, {**SUBMITTED, "content/portal/_submissions.yaml": DECISIONS + """
- source: finance/news/gone.md
  column: news
  decision: adopted
  by: 赵敏
  at: 2026-03-09

- source: town/news/market.md
  column: news
  decision: adopted
  by: 赵敏
  at: 2026-03-09
"""})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert "content/portal/_submissions.yaml:22: the decision on content/finance/news/gone.md is ignored: that file does " \
           "not exist" in result.output
    assert ("content/portal/_submissions.yaml:28: the decision on content/town/news/market.md is ignored: it was not "
            "submitted to 'portal/news' (submitted to: nowhere)") in result.output
    assert "镇集市升级改造完成" not in {t for t, _, _ in listing(root / "build", "portal", "news")}
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("text", "expected"), [
    ("- source: finance/news/adopted.md\n  column: news\n  decision: adopt\n  by: 赵敏\n  at: 2026-03-06\n",
     ["content/portal/_submissions.yaml:3", "decision", "did you mean \"adopted\""]),
    ("- source: finance/news/adopted.md\n  column: news\n  decision: adopted\n  by: 赵敏\n  at: 2026-13-06\n",
     ["content/portal/_submissions.yaml:5", "is not a real date"]),
    ("- source: finance/news/adopted.md\n  colum: news\n", ["content/portal/_submissions.yaml:2", "unknown key 'colum'"]),
    ("source: finance/news/adopted.md\n", ["content/portal/_submissions.yaml:1", "must be a list of decisions"]),
])
def test_a_broken_decisions_file_is_refused_naming_its_line(tmp_path, text, expected):
    root = make_cluster(tmp_path, SUBMITTED)
    assert_refused(root, lambda r: write_files(r, {"content/portal/_submissions.yaml": text}), expected)


def test_submissions_lists_every_item_with_its_state_and_pending_only_on_request(submitted):
    listed = run(submitted, "submissions", "--site", "portal", "--format", "json", "--now", "2026-03-10 12:00")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert data["schema"] == "sitegen-submissions/1"
    states = {s["title"]: s["state"] for s in data["submissions"]}
    assert states == {"财政局被采用的信息": "adopted", "财政局未被采用的信息": "declined", "镇里待处理的信息": "pending",
                      "镇里被采用的信息": "adopted"}
    declined = next(s for s in data["submissions"] if s["state"] == "declined")
    assert declined["decision"] == {"by": "赵敏", "at": "2026-03-06", "note": "同类信息已刊发"}
    assert declined["url"] == "https://czj.test.gov.cn/news/declined/"
    assert declined["target"] == {"site": "portal", "column": "news", "column_title": "政务要闻"}
    pending = run(submitted, "submissions", "--pending", "--now", "2026-03-10 12:00")
    assert pending.exit_code == 0
    assert "镇里待处理的信息" in pending.output and "财政局被采用的信息" not in pending.output
    assert "1 submission: 0 adopted, 0 declined, 1 pending." in pending.output


def test_adopt_and_decline_append_to_the_file_keeping_its_comments_and_the_last_decision_counts(submitted):
    path = submitted / "content/portal/_submissions.yaml"
    adopt = run(submitted, "submissions", "adopt", "content/town/news/pending.md", "--site", "portal", "--column", "news",
                "--by", "孙立", "--note", "请补充图片: 现场照片 #1", "--at", "2026-03-10", "--now", "2026-03-10 12:00")
    assert adopt.exit_code == 0, adopt.output
    assert "Recorded in" in adopt.output and "adopts '镇里待处理的信息'" in adopt.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith(DECISIONS) and "# 同类信息已刊发" in text
    assert text.endswith("\n- source: town/news/pending.md\n  column: news\n  decision: adopted\n  by: 孙立\n"
                         "  at: 2026-03-10\n  note: \"请补充图片: 现场照片 #1\"\n")
    decline = run(submitted, "submissions", "decline", "finance/news/adopted.md", "--site", "portal", "--by", "赵敏",
                  "--now", "2026-03-10 12:00")
    assert decline.exit_code == 0, decline.output
    assert build(submitted, "--no-search").exit_code == 0
    shown = {t for t, _, _ in listing(submitted / "build", "portal", "news")}
    assert "镇里待处理的信息" in shown and "财政局被采用的信息" not in shown
    listed = json.loads(run(submitted, "submissions", "--format", "json", "--now", "2026-03-10 12:00").output)
    state = {s["title"]: (s["state"], s["decision"]["note"] if s["decision"] else None) for s in listed["submissions"]}
    assert state["镇里待处理的信息"] == ("adopted", "请补充图片: 现场照片 #1")
    assert state["财政局被采用的信息"] == ("declined", "")


@pytest.mark.parametrize(("args", "expected"), [
    (["town/news/market.md", "--site", "portal"], "content/town/news/market.md was not submitted to 测试市人民政府"),
    (["town/news/nothing.md", "--site", "portal"], "content/town/news/nothing.md is not a page of the cluster"),
    (["town/news/pending.md", "--site", "portal", "--column", "notices"], "was not submitted to column 'notices'"),
    (["town/news/pending.md", "--site", "portl"], "--site portl: no such site (did you mean \"portal\"?)"),
])
def test_a_decision_on_something_not_submitted_is_refused_and_the_file_is_unchanged(submitted, args, expected):
    path = submitted / "content/portal/_submissions.yaml"
    before = path.read_bytes()
    result = run(submitted, "submissions", "adopt", *args, "--by", "孙立", "--now", "2026-03-10 12:00")
    assert result.exit_code == 1
    assert expected in result.output and "Nothing was recorded." in result.output
    assert path.read_bytes() == before
    assert "Traceback" not in result.output


def test_the_first_decision_creates_the_file(tmp_path):
    files = {k: v for k, v in SUBMITTED.items() if not k.endswith(".yaml")}
    root = make_cluster(tmp_path, files)
    result = run(root, "submissions", "adopt", "finance/news/adopted.md", "--site", "portal", "--by", "赵敏",
                 "--at", "2026-03-06", "--now", "2026-03-10 12:00")
    assert result.exit_code == 0, result.output
    text = (root / "content/portal/_submissions.yaml").read_text(encoding="utf-8")
    assert text.startswith("# ") and "- source: finance/news/adopted.md\n  column: news\n  decision: adopted\n" in text
    assert build(root, "--no-search").exit_code == 0
    assert "财政局被采用的信息" in {t for t, _, _ in listing(root / "build", "portal", "news")}


# --- search ------------------------------------------------------------------------------------------

def finance_adopts(tmp_path: Path) -> Path:
    """The submitted cluster where the finance site also takes one of the town's items in its news column."""
    root = make_cluster(tmp_path, {
        **SUBMITTED,
        # the finance site takes the town's items in its own news column
        "content/town/news/to-finance.md": page(title="镇里报送财政局的信息", date="2026-03-09",
                                                  submit_to=["portal/news", "finance/news"]),
        "content/town/news/to-finance-declined.md": page(title="镇里报送财政局未采用的信息", date="2026-03-09",
                                                           submit_to=["finance/news"]),
        "content/finance/_submissions.yaml": "- {source: town/news/to-finance.md, column: news, decision: adopted, "
                                             "by: 钱军, at: 2026-03-09}\n"
                                             "- {source: town/news/to-finance-declined.md, column: news, decision: declined, "
                                             "by: 钱军, at: 2026-03-09}\n",
    })
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '    footer: {site_code: "9900000002"}',
        '    footer: {site_code: "9900000002"}\n    columns:\n'
        '      - {id: news, title: 工作动态, type: news, accepts_submissions: true}'), encoding="utf-8")
    return root


def test_an_edit_of_an_adopted_item_reaches_every_site_that_adopted_it(tmp_path):
    root = finance_adopts(tmp_path)
    assert build(root).exit_code == 0
    item = root / "content/town/news/to-finance.md"
    item.write_text(item.read_text(encoding="utf-8").replace("镇里报送财政局的信息", "镇里报送财政局的信息（更正）"), encoding="utf-8")
    assert build(root).exit_code == 0  # only the town's folder changed
    assert "镇里报送财政局的信息（更正）" in titles(root / "build", "finance", "news/index.html")


def test_search_finds_the_adopted_items_under_the_target_column(browser, tmp_path):
    root = finance_adopts(tmp_path)
    result = build(root)
    assert result.exit_code == 0, result.output
    base = serve(root, local=True)
    tab, errors = open_search(browser, base["portal"] + "search/")
    # the cluster search merges the three indexes holding the item (the town's, and the portal's and finance's copies):
    # it is found once, at its origin
    assert ask(tab, "镇里报送财政局的信息").startswith("找到")
    found = [(a.text_content(), a.get_attribute("href")) for a in tab.locator(".search-results h2 a").all()]
    assert found.count(("镇里报送财政局的信息", "/town/news/to-finance/")) == 1, found
    assert [title for title, _ in found].count("镇里报送财政局的信息") == 1, found
    portal_news = set(pagefind_search(tab, base["portal"] + "pagefind/", None, {"column": "政务要闻"}))
    assert {"https://czj.test.gov.cn/news/adopted/", "/town/news/adopted/"} <= portal_news
    assert not {"https://czj.test.gov.cn/news/declined/", "/town/news/pending/"} & portal_news
    assert "/news/first/" in portal_news
    tab, errors = open_search(browser, base["finance"] + "search/")
    finance = set(pagefind_search(tab, base["finance"] + "pagefind/", "信息"))
    assert "https://www.test.gov.cn/town/news/to-finance/" in finance
    assert "https://www.test.gov.cn/town/news/to-finance-declined/" not in finance
    assert "/news/adopted/" in finance  # its own pages, as before
    assert errors == []


def test_a_decision_naming_a_path_out_of_content_says_only_that_it_does_not_exist(tmp_path):
    root = make_cluster(tmp_path, {**SUBMITTED, "content/portal/_submissions.yaml": DECISIONS + """
- source: ../../sites.yaml
  column: news
  decision: adopted
  by: 赵敏
  at: 2026-03-09
"""})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert "the decision on content/../../sites.yaml is ignored: that file does not exist" in result.output
