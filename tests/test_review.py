"""Review before publishing (三审): a page of a review-required site goes out only once it names its approver (签发)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from test_search import ask, open_search, pagefind_search

from conftest import build, make_cluster, page, run, serve, write_files

APPROVED = {"reviewed_by": "王丽", "approved_by": "陈建国", "approved_at": "2026-03-05"}
ENTRY = {"doc_no": "测镇发〔2026〕3号", "written": "2026-03-02", "topic": "综合政务\\政务公开", "genre": "通知",
         "keywords": ["公开"]}


def review_cluster(tmp_path: Path, town_review: str = "{required: true, show_review: true}") -> Path:
    """The mini cluster whose town requires review, with a disclosure column on every unit."""
    root = make_cluster(tmp_path, {
        "content/town/news/approved.md": page(title="镇里已签发的信息", date="2026-03-05", review=APPROVED),
        "content/town/news/no-reviewer.md": page(title="镇里只有签发人的信息", date="2026-03-06",
                                                   review={"approved_by": "陈建国"}),
        "content/town/disclosure/entry.md": page(title="镇里未签发的公开文件", date="2026-03-07", disclosure=ENTRY),
        # market.md (the fixture's) names no approver either
    })
    config = root / "sites.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("    - {id: news, title: 工作动态, type: news}\n",
                        "    - {id: news, title: 工作动态, type: news}\n    - {id: disclosure, title: 政府信息公开, type: disclosure}\n")
    text = text.replace('    footer: {site_code: "9900000003"}', f'    footer: {{site_code: "9900000003"}}\n    review: {town_review}')
    config.write_text(text, encoding="utf-8")
    return root


WITHHELD = ("镇集市升级改造完成", "镇里未签发的公开文件")


def test_a_page_without_an_approver_is_withheld_from_every_artefact_and_named_in_the_warnings(tmp_path):
    root = review_cluster(tmp_path)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert ("content/town/news/market.md:2: not published: 测试镇人民政府 requires review before publishing (三审), and "
            "this page does not say who approved it (approved_by)") in result.output
    assert "content/town/disclosure/entry.md:2: not published" in result.output
    assert "approved.md" not in result.output
    out = root / "build"
    assert not (out / "town/news/market").exists() and not (out / "town/disclosure/entry").exists()
    texts = {rel: p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json", ".csv")
             for rel in [p.relative_to(out).as_posix()]}
    for rel, text in texts.items():
        assert not any(title in text for title in WITHHELD), rel  # listings, feeds, sitemaps, catalogues, the portal's
    assert "镇里已签发的信息" in texts["town/news/index.html"] and "镇里已签发的信息" in texts["town/feed.xml"]
    assert "/town/news/approved/" in texts["town/sitemap.xml"] and "market" not in texts["town/sitemap.xml"]


def test_the_site_shows_who_reviewed_and_approved_when_it_chooses_to(tmp_path):
    root = review_cluster(tmp_path)
    assert build(root, "--no-search").exit_code == 0
    meta = lxml.html.fromstring((root / "build/town/news/approved/index.html").read_bytes()).xpath("//p[@class='article-meta']")[0]
    assert "审核：王丽" in meta.text_content() and "签发：陈建国" in meta.text_content()
    quiet = review_cluster(tmp_path / "quiet", "{required: true}")
    assert build(quiet, "--no-search").exit_code == 0
    assert "签发：" not in (quiet / "build/town/news/approved/index.html").read_text(encoding="utf-8")


def test_a_drafts_preview_shows_the_unapproved_pages_marked(tmp_path):
    root = review_cluster(tmp_path)
    result = build(root, "--no-search", "--drafts")
    assert result.exit_code == 0, result.output
    assert "not published" not in result.output
    article = lxml.html.fromstring((root / "build-drafts/town/news/market/index.html").read_bytes())
    assert article.xpath("string(//h1)").split() == ["待签发", "镇集市升级改造完成"]
    assert "镇集市升级改造完成" in (root / "build-drafts/town/news/feed.xml").read_text(encoding="utf-8")


def test_defaults_review_applies_to_every_site_that_does_not_say_otherwise(tmp_path):
    root = make_cluster(tmp_path, {"content/finance/news/ok.md": page(title="已签发", review=APPROVED)})
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("defaults:\n", "defaults:\n  review: {required: true}\n")
                      .replace('    footer: {site_code: "9900000001"}', '    footer: {site_code: "9900000001"}\n    review: {required: false}'),
                      encoding="utf-8")
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert "content/finance/news/budget.md:2: not published" in result.output
    assert "content/town/news/market.md:2: not published" in result.output
    assert not re.search(r"content/portal/\S+: not published", result.output)  # the portal said otherwise
    assert (root / "build/finance/news/ok/index.html").exists()


def test_check_reports_review_missing_for_withheld_pages_and_pages_without_a_reviewer(tmp_path):
    root = review_cluster(tmp_path)
    result = run(root, "check", "--now", "2026-03-10 12:00", "--format", "json", "--site", "town")
    data = json.loads(result.output)
    found = sorted((f["path"], f["line"], f["severity"]) for s in data["sites"] for f in s["findings"] if f["rule"] == "review-missing")
    assert found == [("content/town/disclosure/entry.md", 2, "error"), ("content/town/news/market.md", 2, "error"),
                     ("content/town/news/no-reviewer.md", 4, "error")]
    messages = [f["message"] for s in data["sites"] for f in s["findings"] if f["rule"] == "review-missing"]
    assert any("does not say who approved it (签发, approved_by)" in m for m in messages)
    assert any("names who approved it (陈建国) but not who reviewed it" in m for m in messages)


def test_search_never_finds_a_withheld_page(browser, tmp_path):
    root = review_cluster(tmp_path)
    assert build(root).exit_code == 0
    base = serve(root, local=True)
    tab, errors = open_search(browser, base["town"] + "search/")
    found = pagefind_search(tab, base["town"] + "pagefind/", "集市")
    assert not [url for url in found if "market" in url], found
    assert [url for url in pagefind_search(tab, base["town"] + "pagefind/", "已签发") if "approved" in url]
    # the portal's search merges the town's index: the same there
    tab, more = open_search(browser, base["portal"] + "search/")
    for query, shown in (("集市", False), ("已签发", True)):
        ask(tab, query)
        hrefs = [a.get_attribute("href") for a in tab.locator(".search-results h2 a").all()]
        assert any("approved" in h for h in hrefs) is shown and not [h for h in hrefs if "market" in h], (query, hrefs)
    assert errors == [] and more == []


@pytest.mark.parametrize("value", ["{approved_by: 陈建国, approved_at: 2026-02-30}", "{signed_by: 陈建国}"])
def test_a_mistake_in_the_review_block_names_the_file_and_line(tmp_path, value):
    root = make_cluster(tmp_path)
    write_files(root, {"content/town/news/x.md": f"---\ntitle: 标题\ndate: 2026-03-01\nreview: {value}\n---\n\n正文。\n"})
    result = build(root, "--no-search")
    assert result.exit_code == 1
    assert "content/town/news/x.md:4" in result.output and "Traceback" not in result.output
