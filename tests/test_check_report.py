"""sitegen check --format html: one self-contained page per cluster, read in a real browser, with every user text escaped."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from test_check import PLANTED

from conftest import NOW, make_cluster, run
from sitegen.check.findings import Finding, Severity
from sitegen.check.report import as_html
from sitegen.check.verdict import FAILED, PASSED, Report, SiteReport

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted cluster's HTML report, written once for the module's browser tests."""
    tmp = tmp_path_factory.mktemp("report")
    root = make_cluster(tmp, PLANTED)
    target = tmp / "report.html"
    result = run(root, "check", "--now", NOW, "--format", "html", "--out", str(target))
    assert result.exit_code == 1, result.output  # the town is 不合格
    assert result.stdout == "" and "1 of 3 sites 不合格" in result.output
    return target


@pytest.fixture
def opened(browser, report_file: Path):
    """The report open in Chromium at a phone's width, with every console error, page error and request recorded."""
    tab = browser.new_page(viewport=PHONE)
    seen: dict[str, list[str]] = {"errors": [], "requests": []}
    tab.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    tab.on("request", lambda request: seen["requests"].append(request.url))
    tab.goto(report_file.as_uri())
    yield tab, seen
    tab.close()


def test_the_report_loads_with_no_error_and_requests_nothing_but_itself(opened, report_file):
    tab, seen = opened
    assert seen["errors"] == []
    assert seen["requests"] == [report_file.as_uri()]
    assert tab.evaluate("document.documentElement.lang") == "zh-CN"
    assert "测试市网站群" in tab.title()
    assert "1 of 3 sites 不合格; 1 veto, 2 errors." in tab.text_content("header")


def test_every_checked_site_is_in_the_verdict_table_with_its_verdict_and_reasons(opened):
    tab, _ = opened
    rows = {site: tab.locator("tbody tr", has=tab.locator(f'th a[href="#site-{site}"]')) for site in ("portal", "finance", "town")}
    assert all(row.count() == 1 for row in rows.values()) and tab.locator("tbody tr").count() == 3
    shown = {site: row.locator("td").nth(1).inner_text().strip() for site, row in rows.items()}
    assert {site: text.split()[-1] for site, text in shown.items()} == {"portal": PASSED, "finance": PASSED, "town": FAILED}
    assert "homepage-stale: single veto (单项否决)" in rows["town"].inner_text()
    assert rows["town"].locator("td").nth(0).inner_text() == "测试镇人民政府"


def test_findings_are_grouped_by_rule_and_link_to_their_page(opened):
    tab, _ = opened
    portal = tab.locator("#site-portal")
    headings = portal.locator("h3").all_inner_texts()
    assert [h.split()[0] for h in headings] == ["column-stale", "column-empty"]  # registry order
    assert "空白栏目" in headings[1]
    link = portal.locator("li", has_text="content/portal/policies/").locator("a")
    assert link.get_attribute("href") == "https://www.test.gov.cn/policies/"
    assert link.get_attribute("rel") == "noopener"
    assert "No findings." in tab.text_content("#site-finance")


def test_a_site_in_the_verdict_table_links_to_its_section(opened):
    tab, seen = opened
    tab.click('tbody a[href="#site-town"]')
    assert tab.url.endswith("#site-town")
    assert tab.evaluate("Math.abs(document.getElementById('site-town').getBoundingClientRect().top)") < 2
    assert "homepage-stale" in tab.locator("#site-town").inner_text()
    assert len(seen["requests"]) == 1  # a jump within the page, no new request


def test_the_report_fits_a_phone_screen(opened):
    tab, _ = opened
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_every_user_text_is_escaped():
    script = "<script>alert(1)</script>"
    finding = Finding("typo", Severity.warning, "portal", f"title {script}", path="content/portal/<b>x</b>.md", line=3,
                      url='https://www.test.gov.cn/"><i>x</i>')
    trap = Finding("typo", Severity.warning, "portal", "javascript link", url="javascript:alert(1)")
    site = SiteReport("portal", "<em>门户</em>", FAILED, ("<u>reason</u>",), (finding, trap))
    text = as_html(Report(datetime(2026, 3, 10, 12), (site,)), "<h1>群</h1>")
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    for raw in ("<b>x</b>", "<i>x</i>", "<em>门户</em>", "<u>reason</u>", "<h1>群</h1>"):
        assert raw not in text
    assert "&lt;em&gt;门户&lt;/em&gt;" in text and "content/portal/&lt;b&gt;x&lt;/b&gt;.md:3" in text
    assert 'href="https://www.test.gov.cn/&quot;&gt;&lt;i&gt;x&lt;/i&gt;"' in text
    assert 'href="javascript:' not in text  # shown, never linked


def test_html_without_out_is_refused_with_exit_2(tmp_path):
    result = run(make_cluster(tmp_path), "check", "--now", NOW, "--format", "html")
    assert result.exit_code == 2
    assert "--format html writes a file: give --out report.html" in result.output
