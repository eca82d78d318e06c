"""sitegen report units: the units' figures for a period (信息报送情况通报), against a table worked out by hand."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import lxml.html
import pytest

from conftest import make_cluster, page, run

NOW = "2026-03-20 12:00"
APPROVED = {"reviewed_by": "王丽", "approved_by": "陈建国", "approved_at": "2026-03-05"}


def entry(written: str) -> dict[str, object]:
    return {"written": written, "topic": "综合政务\\政务公开", "genre": "通知", "keywords": ["公开"]}


@pytest.fixture(scope="module")
def units(tmp_path_factory) -> Path:
    """Three units in March 2026:

    finance: news budget (03-03, the fixture's), adopted (03-05, adopted), declined (03-06, declined), and old
             (02-20, adopted: outside the period); disclosure on-time (03-04, written 03-02) and late (03-02, written
             01-30: 21 working days); so 5 published, 2 submitted, 1 adopted, 1 declined, 2 entries, 1 late.
    town (review required): market (03-04, the fixture's, no approver: withheld), pending (03-07, pending),
             adopted (03-08, adopted), unapproved (03-09, submitted but withheld: not a submission); so 2
             published, 2 submitted, 1 adopted, 1 pending, 2 unreviewed.
    edu: one news item, nothing submitted (零报送).
    """
    root = make_cluster(tmp_path_factory.mktemp("units"), {
        "content/finance/news/adopted.md": page(title="采用", date="2026-03-05", submit_to=["portal/news"]),
        "content/finance/news/declined.md": page(title="未采用", date="2026-03-06", submit_to=["portal/news"]),
        "content/finance/news/old.md": page(title="二月", date="2026-02-20", submit_to=["portal/news"]),
        "content/finance/disclosure/on-time.md": page(title="按时公开", date="2026-03-04", disclosure=entry("2026-03-02")),
        "content/finance/disclosure/late.md": page(title="超期公开", date="2026-03-02", disclosure=entry("2026-01-30")),
        "content/town/news/pending.md": page(title="待处理", date="2026-03-07", submit_to=["portal/news"], review=APPROVED),
        "content/town/news/adopted.md": page(title="镇采用", date="2026-03-08", submit_to=["portal/news"], review=APPROVED),
        "content/town/news/unapproved.md": page(title="未签发", date="2026-03-09", submit_to=["portal/news"]),
        "content/edu/news/x.md": page(title="教育", date="2026-03-10"),
        "content/portal/_submissions.yaml": "".join(
            f"- {{source: {s}, column: news, decision: {d}, by: 赵敏, at: 2026-03-10}}\n" for s, d in [
                ("finance/news/adopted.md", "adopted"), ("finance/news/declined.md", "declined"),
                ("finance/news/old.md", "adopted"), ("town/news/adopted.md", "adopted")]),
    })
    config = root / "sites.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "    - {id: news, title: 工作动态, type: news}\n",
        "    - {id: news, title: 工作动态, type: news}\n    - {id: disclosure, title: 政府信息公开, type: disclosure}\n")
    text = text.replace('    footer: {site_code: "9900000003"}', '    footer: {site_code: "9900000003"}\n    review: {required: true}')
    text += ('  - id: edu\n    name: 测试市教育局\n    kind: department\n    url: /edu/\n'
             '    footer: {site_code: "9900000004"}\n')
    config.write_text(text, encoding="utf-8")
    return root


HEADER = ["排名", "单位", "发布信息", "动态", "通知公告", "政策文件", "政府信息公开", "其他", "报送", "采用", "未采用",
          "待处理", "采用率", "公开条目", "超期公开", "未经审核", "备注"]
EXPECTED = [  # worked out by hand from the fixture's docstring; finance and town tie (1 adopted, 50%, 2 submitted)
    ["1", "测试市财政局", "5", "3", "0", "0", "2", "0", "2", "1", "1", "0", "50.0%", "2", "1", "0", ""],
    ["1", "测试镇人民政府", "2", "2", "0", "0", "0", "0", "2", "1", "0", "1", "50.0%", "0", "0", "2", ""],
    ["3", "测试市教育局", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "—", "0", "0", "0", "零报送"],
    ["", "合计", "8", "6", "0", "0", "2", "0", "4", "2", "1", "1", "50.0%", "2", "1", "2", ""],
]


def report(root: Path, *args: str) -> str:
    result = run(root, "report", "units", "--from", "2026-03-01", "--to", "2026-03-31", "--now", NOW, *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_json_gives_every_figure_per_unit_ranked_with_the_totals(units):
    data = json.loads(report(units, "--format", "json"))
    assert data["schema"] == "sitegen-units/1" and (data["from"], data["to"]) == ("2026-03-01", "2026-03-31")
    got = [{k: u[k] for k in ("site", "rank", "published", "submitted", "adopted", "declined", "pending", "adoption_rate",
                              "disclosure_entries", "disclosure_late", "unreviewed", "zero_submissions")} for u in data["units"]]
    assert got == [
        {"site": "finance", "rank": 1, "published": 5, "submitted": 2, "adopted": 1, "declined": 1, "pending": 0,
         "adoption_rate": 0.5, "disclosure_entries": 2, "disclosure_late": 1, "unreviewed": 0, "zero_submissions": False},
        {"site": "town", "rank": 1, "published": 2, "submitted": 2, "adopted": 1, "declined": 0, "pending": 1,
         "adoption_rate": 0.5, "disclosure_entries": 0, "disclosure_late": 0, "unreviewed": 2, "zero_submissions": False},
        {"site": "edu", "rank": 3, "published": 1, "submitted": 0, "adopted": 0, "declined": 0, "pending": 0,
         "adoption_rate": None, "disclosure_entries": 0, "disclosure_late": 0, "unreviewed": 0, "zero_submissions": True},
    ]
    assert data["units"][0]["published_by_type"] == {"news": 3, "notice": 0, "policy": 0, "disclosure": 2, "general": 0}
    assert data["zero_submissions"] == ["edu"]
    assert data["totals"]["published"] == 8 and data["totals"]["adoption_rate"] == 0.5
    assert "portal" not in [u["site"] for u in data["units"]]  # the portal receives; it is not a unit


def test_csv_opens_in_excel_with_the_table_worked_out_by_hand(units, tmp_path):
    out = tmp_path / "units.csv"
    report(units, "--format", "csv", "--out", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [HEADER, *EXPECTED]


def test_text_is_the_same_table_and_names_the_silent_units(units):
    output = report(units)
    lines = [line.split("\t") for line in output.splitlines()]
    assert lines[0] == HEADER and lines[1:5] == EXPECTED
    assert "零报送单位 (units that submitted nothing): 测试市教育局" in output


def test_html_is_the_notice_a_county_office_publishes(units, tmp_path):
    out = tmp_path / "units.html"
    report(units, "--format", "html", "--out", str(out))
    doc = lxml.html.fromstring(out.read_bytes())
    assert doc.xpath("string(//h1)") == "测试市网站群信息报送情况通报"
    assert "2026年03月01日 至 2026年03月31日" in doc.xpath("string(//p[@class='period'])")
    assert [th.text_content() for th in doc.xpath("//thead//th")] == HEADER
    body = [[c.text_content() for c in tr.xpath("./td|./th")] for tr in doc.xpath("//tbody/tr")]
    assert body == EXPECTED[:3]
    assert doc.xpath("string(//tfoot//th)") == "合计"
    assert "零报送单位：测试市教育局" in doc.text_content()
    assert not doc.xpath("//script") and not doc.xpath("//link") and not doc.xpath("//img")


def test_a_period_counts_only_what_was_published_in_it(units):
    data = json.loads(run(units, "report", "units", "--from", "2026-02-01", "--to", "2026-02-28", "--now", NOW,
                          "--format", "json").output)
    finance = next(u for u in data["units"] if u["site"] == "finance")
    assert (finance["published"], finance["submitted"], finance["adopted"]) == (1, 1, 1)
    assert data["totals"]["submitted"] == 1


def test_a_unit_name_is_escaped_in_html_and_never_a_formula_in_csv(tmp_path):
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: 测试镇人民政府", "name: \"=HYPERLINK(1)<b>镇</b>\""),
                      encoding="utf-8")
    html = tmp_path / "u.html"
    report(root, "--format", "html", "--out", str(html))
    assert "<b>镇</b>" not in html.read_text(encoding="utf-8") and "&lt;b&gt;镇&lt;/b&gt;" in html.read_text(encoding="utf-8")
    out = tmp_path / "u.csv"
    report(root, "--format", "csv", "--out", str(out))
    assert "'=HYPERLINK(1)<b>镇</b>" in out.read_text(encoding="utf-8-sig")


def test_to_before_from_is_refused(units):
    result = run(units, "report", "units", "--from", "2026-03-31", "--to", "2026-03-01")
    assert result.exit_code == 2 and "is before --from" in result.output


PHONE = {"width": 360, "height": 740}


def test_the_notice_page_in_a_browser_requests_nothing_and_scrolls_its_table_on_a_phone(browser, units, tmp_path):
    out = tmp_path / "units.html"
    report(units, "--format", "html", "--out", str(out))
    tab = browser.new_page(viewport=PHONE)
    seen: list[str] = []
    tab.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: seen.append(str(exc)))
    tab.on("request", lambda request: seen.append(request.url))
    tab.goto(out.as_uri())
    assert seen == [out.as_uri()]  # no error, nothing fetched but the page itself
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page does not scroll sideways
    region = tab.locator("[role=region]")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # the wide table scrolls inside its region
    region.focus()  # reachable by keyboard, so it can be scrolled without a mouse
    assert tab.evaluate("document.activeElement.getAttribute('role')") == "region"
    assert tab.locator("tbody tr").count() == 3 and tab.locator("caption").inner_text().startswith("各单位")
    tab.close()
