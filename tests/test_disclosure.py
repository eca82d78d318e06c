"""政府信息公开: 索引号 stability, entry checks, catalogue pages, exports and the yearly report."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
import yaml

from conftest import FIXTURES, build, make_cluster, page, run

ORG = "11990000MB0000009X"  # the mini cluster's organisation code
STORE = "content/portal/disclosure/_index_numbers.yaml"
TOWN_WITH_DISCLOSURE = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8").replace(
    "    url: /town/\n",
    "    url: /town/\n    org_code: 11990000MB0000201K\n    columns:\n      - {id: news, title: 镇动态, type: news}\n"
    "      - {id: xxgk, title: 政府信息公开, type: disclosure}\n")


def entry(title: str = "某某文件", date: str = "2026-02-01", body: str = "正文。", **disclosure: object) -> str:
    meta = {"topic": "综合政务\\政务公开", "genre": "通知", **disclosure}
    return page(body, title=title, date=date, disclosure={k: v for k, v in meta.items() if v is not None})


def numbers(root: Path, store: str = STORE) -> dict[str, str]:
    """Return file -> index number from a store."""
    return {r["file"]: r["index_no"] for r in yaml.safe_load((root / store).read_text(encoding="utf-8"))}


def shown_number(root: Path, rel: str) -> str:
    doc = lxml.html.fromstring((root / "build" / rel).read_bytes())
    return doc.xpath("//table[@class='disclosure-meta']//th[.='索引号']/following-sibling::td[1]")[0].text_content()


# --- 索引号 ---------------------------------------------------------------------------------------

def test_a_scope_out_of_serial_numbers_is_an_error_naming_the_entry_and_the_setting(tmp_path):
    yaml_text = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8").replace(
        "defaults:", "disclosure: {index_format: '{org}/{year}-{serial:03d}'}\ndefaults:", 1)
    full = f"- {{index_no: {ORG}/2026-999, file: old.md, title: 旧文件, date: '2026-01-01'}}\n"
    root = make_cluster(tmp_path, {"sites.yaml": yaml_text, STORE: full, "content/portal/disclosure/new.md": entry("新文件")})
    result = build(root, "--no-search")
    assert result.exit_code == 1, result.output
    assert f"content/portal/disclosure/new.md: 索引号 {ORG}/2026-… has run out of serial numbers (3 digits)" in result.output
    assert "{serial:06d}" in result.output and "Traceback" not in result.output
    assert numbers(root) == {"old.md": f"{ORG}/2026-999"}  # the record is unchanged


def test_missing_numbers_are_assigned_in_publish_order_and_recorded(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/disclosure/b.md": entry("乙", "2026-02-01"),
        "content/portal/disclosure/a.md": entry("甲", "2026-03-01"),
    })
    result = build(root)
    assert result.exit_code == 0, result.output
    assert numbers(root) == {"rule.md": f"{ORG}/2026-00001", "b.md": f"{ORG}/2026-00002", "a.md": f"{ORG}/2026-00003"}
    assert f"assigned 索引号 {ORG}/2026-00003" in result.output
    assert shown_number(root, "portal/disclosure/a/index.html") == f"{ORG}/2026-00003"


def test_numbers_never_change_on_rebuild_insertion_or_rename(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry("乙", "2026-02-01")})
    assert build(root).exit_code == 0
    first = numbers(root)
    assert build(root).exit_code == 0 and numbers(root) == first  # rebuild
    (root / "content/portal/disclosure/early.md").write_text(entry("更早的文件", "2026-01-02"), encoding="utf-8")
    assert build(root).exit_code == 0
    after = numbers(root)
    assert {k: after[k] for k in first} == first  # an earlier-dated newcomer renumbers nothing
    assert after["early.md"] == f"{ORG}/2026-00003"
    (root / "content/portal/disclosure/b.md").rename(root / "content/portal/disclosure/b-renamed.md")
    result = build(root)
    assert result.exit_code == 0
    assert numbers(root)["b-renamed.md"] == first["b.md"] and "b.md" not in numbers(root)
    assert "kept 索引号" in result.output and "renamed from b.md" in result.output


def test_numbers_of_deleted_entries_are_not_reused(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry("乙", "2026-02-01")})
    assert build(root).exit_code == 0
    (root / "content/portal/disclosure/b.md").unlink()
    (root / "content/portal/disclosure/c.md").write_text(entry("丙", "2026-02-05"), encoding="utf-8")
    assert build(root).exit_code == 0
    assert numbers(root)["c.md"] == f"{ORG}/2026-00003"
    assert numbers(root)["b.md"] == f"{ORG}/2026-00002"  # kept on record, never given again


def test_hand_given_numbers_are_kept_and_continue_the_series(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/disclosure/given.md": entry("手填", "2026-02-01", index_no=f"{ORG}/2026-00040"),
        "content/portal/disclosure/new.md": entry("新的", "2026-02-02"),
    })
    assert build(root).exit_code == 0
    assert numbers(root)["rule.md"] == f"{ORG}/2026-00041"  # 2026-01-10
    assert numbers(root)["new.md"] == f"{ORG}/2026-00042"
    assert "given.md" not in numbers(root)
    assert shown_number(root, "portal/disclosure/given/index.html") == f"{ORG}/2026-00040"


def test_year_month_format_is_configurable(tmp_path):
    text = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8") + 'disclosure:\n  index_format: "{org}/{year}{month}-{serial:05d}"\n'
    root = make_cluster(tmp_path, {"sites.yaml": text, "content/portal/disclosure/b.md": entry("乙", "2026-02-01")})
    assert build(root).exit_code == 0
    assert numbers(root) == {"rule.md": f"{ORG}/202601-00001", "b.md": f"{ORG}/202602-00001"}


def test_a_failed_build_records_no_numbers(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry("乙"), "content/portal/news/bad.md": "---\ntitle: x\n---\n"})
    assert build(root).exit_code == 1
    assert not (root / STORE).exists()


@pytest.mark.parametrize("number", ["2026-00001", f"{ORG}/26-001", f"{ORG}/2026-1"])
def test_malformed_number_is_an_error(tmp_path, number):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry(index_no=number)})
    result = build(root)
    assert result.exit_code == 1
    assert f"content/portal/disclosure/b.md:7: malformed 索引号 '{number}'" in result.output
    assert "{org}/{year}-{serial:05d}" in result.output


def test_duplicate_number_names_both_files(tmp_path):
    number = f"{ORG}/2026-00007"
    root = make_cluster(tmp_path, {"content/portal/disclosure/a.md": entry("甲", index_no=number),
                                   "content/portal/disclosure/b.md": entry("乙", index_no=number)})
    result = build(root)
    assert result.exit_code == 1
    assert f"索引号 {number} is used twice" in result.output
    assert "content/portal/disclosure/a.md" in result.output and "content/portal/disclosure/b.md" in result.output


def test_changing_a_recorded_number_by_hand_is_an_error(tmp_path):
    root = make_cluster(tmp_path)
    assert build(root).exit_code == 0
    rule = root / "content/portal/disclosure/rule.md"
    rule.write_text(rule.read_text(encoding="utf-8").replace("disclosure:\n", f"disclosure:\n  index_no: {ORG}/2026-00099\n"), encoding="utf-8")
    result = build(root)
    assert result.exit_code == 1
    assert f"索引号 changed: {STORE} gave this entry {ORG}/2026-00001" in result.output


def test_a_record_edited_by_hand_is_read_again_by_the_next_build(tmp_path):
    root = make_cluster(tmp_path)
    assert build(root).exit_code == 0
    assert shown_number(root, "portal/disclosure/rule/index.html") == f"{ORG}/2026-00001"
    store = root / STORE
    store.write_text(store.read_text(encoding="utf-8").replace(f"{ORG}/2026-00001", f"{ORG}/2026-00005"), encoding="utf-8")
    assert build(root).exit_code == 0
    assert shown_number(root, "portal/disclosure/rule/index.html") == f"{ORG}/2026-00005"
    store.write_text(store.read_text(encoding="utf-8") + "- [broken\n", encoding="utf-8")
    result = build(root)
    assert result.exit_code == 1 and STORE in result.output


# --- entry checks ------------------------------------------------------------------------------

@pytest.mark.parametrize("disclosure, message", [
    ({"topic": "综合政物\\政务公开"}, "unknown 主题分类 '综合政物\\政务公开' (did you mean \"综合政务\\政务公开\"?)"),
    ({"topic": "综合政务/政务公开"}, "write the topic with a backslash: '综合政务\\政务公开'"),
    ({"genre": "通之"}, "unknown 体裁分类 '通之' (did you mean \"通知\"?)"),
    ({"topic": None}, "a 政府信息公开 entry needs 主题分类 and 体裁分类"),
    ({"written": "2026-02-03"}, "成文日期 2026-02-03 is after 发布日期 2026-02-01"),
    ({"validity": "废止"}, "有效性 is 废止: say since when"),
])
def test_entry_errors_name_the_file(tmp_path, disclosure, message):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry(**disclosure)})
    result = build(root)
    assert result.exit_code == 1
    assert "content/portal/disclosure/b.md:" in result.output
    assert message in result.output


def test_repeated_doc_number_within_one_publisher(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry(doc_no="测政规〔2026〕1号")})
    result = build(root)
    assert result.exit_code == 1
    assert "文号 测政规〔2026〕1号 of 测试市人民政府 is used twice: here and in content/portal/disclosure/rule.md" in result.output


def test_same_doc_number_of_different_publishers_is_fine(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry(doc_no="测政规〔2026〕1号", publisher="测试市财政局")})
    assert build(root).exit_code == 0


def test_interpretation_of_a_missing_policy_is_an_error(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/jiedu.md": page("解读。", title="解读", interprets="../disclosure/rul.md")})
    result = build(root)
    assert result.exit_code == 1
    assert "content/portal/news/jiedu.md:4: interprets '../disclosure/rul.md', which does not exist" in result.output


# --- pages -------------------------------------------------------------------------------------

def test_policy_and_interpretation_link_to_each_other(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/jiedu.md": page("解读。", title="某某办法解读", interprets="../disclosure/rule.md")})
    assert build(root).exit_code == 0
    policy = lxml.html.fromstring((root / "build/portal/disclosure/rule/index.html").read_bytes())
    related = policy.xpath("//section[@class='related']")[0]
    assert related.xpath("h2")[0].text == "相关解读"
    assert related.xpath(".//a/@href") == ["/news/jiedu/"]
    interpretation = (root / "build/portal/news/jiedu/index.html").read_text(encoding="utf-8")
    assert '解读文件：<a href="/disclosure/rule/">测试市某某管理办法</a>' in interpretation


def test_an_interpretation_on_another_site_follows_its_policy_and_the_policy_it(tmp_path):
    root = make_cluster(tmp_path, {"content/town/news/jiedu.md": page("解读。", title="镇里的办法解读",
                                                                     interprets="../../portal/disclosure/rule.md")})
    assert build(root).exit_code == 0
    rule = root / "content/portal/disclosure/rule.md"
    rule.write_text(rule.read_text(encoding="utf-8").replace("title: 测试市某某管理办法", "title: 测试市某某管理办法（修订）"),
                    encoding="utf-8")
    assert build(root).exit_code == 0  # only the portal's folder changed
    assert "测试市某某管理办法（修订）</a>" in (root / "build/town/news/jiedu/index.html").read_text(encoding="utf-8")
    jiedu = root / "content/town/news/jiedu.md"
    jiedu.write_text(jiedu.read_text(encoding="utf-8").replace("镇里的办法解读", "镇里的办法解读（二）"), encoding="utf-8")
    assert build(root).exit_code == 0  # only the town's folder changed
    assert "镇里的办法解读（二）" in (root / "build/portal/disclosure/rule/index.html").read_text(encoding="utf-8")


def test_repealed_entry_is_marked(tmp_path, built):
    html = (built / "portal/disclosure/rule/index.html").read_text(encoding="utf-8")
    assert "本文件已于 2026-03-01 废止" in html


def test_application_only_entry_shows_metadata_without_body(tmp_path):
    secret = "只能依申请获取的正文"
    root = make_cluster(tmp_path, {"content/portal/disclosure/b.md": entry(body=secret, mode="依申请公开")})
    assert build(root).exit_code == 0
    files = [p for p in (root / "build").rglob("*") if p.is_file()]
    assert not [p for p in files if secret.encode() in p.read_bytes()]
    html = (root / "build/portal/disclosure/b/index.html").read_text(encoding="utf-8")
    assert "依申请公开" in html and f"{ORG}/2026-00002" in html


def test_catalogue_table_and_facets(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/disclosure/b.md": entry("乙", "2025-06-01", genre="通知", doc_no="测政发〔2025〕3号", written="2025-05-28"),
        "content/portal/disclosure/c.md": entry("丙", "2026-02-01", topic="财政、金融、审计\\财政", genre="通知"),
    })
    assert build(root).exit_code == 0
    doc = lxml.html.fromstring((root / "build/portal/disclosure/index.html").read_bytes())
    headers = [th.text_content() for th in doc.xpath("//table[@class='catalogue']/thead//th")]
    assert headers == ["索引号", "标题", "文号", "发布机构", "成文日期", "发布日期", "有效性"]
    rows = [[td.text_content().strip() for td in tr.xpath("td")] for tr in doc.xpath("//table[@class='catalogue']/tbody/tr")]
    assert [r[1] for r in rows] == ["丙", "测试市某某管理办法", "乙"]  # newest first
    assert rows[2] == [f"{ORG}/2025-00001", "乙", "测政发〔2025〕3号", "测试市人民政府", "2025-05-28", "2025-06-01", "有效"]
    facet = lxml.html.fromstring((root / "build/portal/disclosure/genre/通知/index.html").read_bytes())
    assert [a.text for a in facet.xpath("//table[@class='catalogue']//td/a")] == ["丙", "乙"]
    for rel in ("topic/综合政务", "topic/财政-金融-审计", "year/2025", "year/2026", "validity/废止", "validity/有效"):
        assert (root / f"build/portal/disclosure/{rel}/index.html").is_file(), rel


def test_portal_has_the_cluster_catalogue_by_publisher(tmp_path):
    root = make_cluster(tmp_path, {"sites.yaml": TOWN_WITH_DISCLOSURE,
                                   "content/town/xxgk/plan.md": entry("镇规划", "2026-02-02", genre="规划")})
    assert build(root).exit_code == 0
    doc = lxml.html.fromstring((root / "build/portal/disclosure/cluster/index.html").read_bytes())
    assert [a.text for a in doc.xpath("//table[@class='catalogue']//td/a")] == ["镇规划", "测试市某某管理办法"]
    assert doc.xpath("//table[@class='catalogue']//td/a/@href")[0] == "/town/xxgk/plan/"
    publishers = [a.text for a in doc.xpath("//nav[@aria-label='按发布机构']//a")]
    assert publishers == ["全部", "测试市人民政府", "测试镇人民政府"]
    town = lxml.html.fromstring((root / "build/portal/disclosure/cluster/town/index.html").read_bytes())
    assert [a.text for a in town.xpath("//table[@class='catalogue']//td/a")] == ["镇规划"]
    assert numbers(root, "content/town/xxgk/_index_numbers.yaml") == {"plan.md": "11990000MB0000201K/2026-00001"}


def test_the_cluster_catalogue_listings_are_made_together_and_its_exports_by_the_building_process(tmp_path):
    # they read every site's entries: one render process copies them (the listings), or none (the exports)
    from datetime import datetime

    from sitegen.config.loader import load_config
    from sitegen.content.cache import Caches
    from sitegen.content.profile import Profile
    from sitegen.outputs.registry import site_jobs
    from sitegen.plan import plan_cluster

    root = make_cluster(tmp_path, {"sites.yaml": TOWN_WITH_DISCLOSURE.replace(
        "  base_url: https://www.test.gov.cn\n", "  base_url: https://www.test.gov.cn\n  traditional: true\n"),
                                   "content/town/xxgk/plan.md": entry("镇规划", "2026-02-02", genre="规划")})
    cluster = load_config(root)
    assert cluster.traditional
    planned = plan_cluster(cluster, Profile(datetime(2026, 3, 1, tzinfo=cluster.tz)), Caches(root, enabled=False))
    jobs = {s: site_jobs(planned.plan, planned.disclosure, planned.plan.sites[s], []) for s in cluster.sites}
    together = sorted(job.rel for site_jobs_ in jobs.values() for job in site_jobs_ if job.together)
    assert "portal/disclosure/cluster/index.html" in together and "portal/disclosure/cluster/town/index.html" in together
    assert "portal/zh-hant/disclosure/cluster/index.html" in together  # the 繁體 counterpart, made after it
    assert all("/disclosure/cluster/" in rel and rel.endswith(".html") for rel in together)
    alone = {job.rel for site_jobs_ in jobs.values() for job in site_jobs_ if job.reads_all}
    assert alone == {"portal/disclosure/cluster/catalogue.json", "portal/disclosure/cluster/catalogue.csv"}


# --- exports -----------------------------------------------------------------------------------

def test_exports_parse_back_with_the_right_counts(tmp_path):
    root = make_cluster(tmp_path, {"sites.yaml": TOWN_WITH_DISCLOSURE,
                                   "content/town/xxgk/a.md": entry("镇甲", "2026-02-02", doc_no="测镇发〔2026〕1号"),
                                   "content/town/xxgk/b.md": entry("镇乙", "2026-02-03")})
    assert build(root).exit_code == 0
    site = json.loads((root / "build/town/xxgk/catalogue.json").read_text(encoding="utf-8"))
    assert site["schema"] == "sitegen-catalogue/1" and site["scope"] == "site" and site["site"] == "town"
    assert site["count"] == 2 == len(site["entries"])
    assert site["entries"][1] == {
        "index_no": "11990000MB0000201K/2026-00001", "title": "镇甲", "doc_no": "测镇发〔2026〕1号", "publisher": "测试镇人民政府",
        "written": "", "published": "2026-02-02", "topic": "综合政务\\政务公开", "genre": "通知", "validity": "有效",
        "validity_changed": "", "mode": "主动公开", "normative": "", "keywords": "", "summary": "正文。",
        "url": "https://www.test.gov.cn/town/xxgk/a/", "site": "town"}
    raw = (root / "build/portal/disclosure/cluster/catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[0]["标题"] == "镇乙" and rows[0]["站点"] == "town" and rows[0]["发布机构"] == "测试镇人民政府"
    cluster = json.loads((root / "build/portal/disclosure/cluster/catalogue.json").read_text(encoding="utf-8"))
    assert cluster["scope"] == "cluster" and cluster["count"] == 3


# --- yearly report -----------------------------------------------------------------------------

def test_report_figures_on_known_entries(tmp_path):
    root = make_cluster(tmp_path, {
        "sites.yaml": TOWN_WITH_DISCLOSURE,
        # 2025: one 规范性文件 made, one 规章 made and repealed in 2025, one plain notice
        "content/portal/disclosure/n1.md": entry("规范性文件一", "2025-03-10", genre="办法", normative="行政规范性文件", written="2025-03-01"),
        "content/portal/disclosure/r1.md": entry("规章一", "2025-04-01", genre="办法", normative="规章", validity="废止",
                                                 validity_changed="2025-12-01"),
        "content/portal/disclosure/x1.md": entry("通知一", "2025-04-15"),
        # 2024 normative file repealed in 2026: still in force at the end of 2025
        "content/portal/disclosure/n0.md": entry("旧规范性文件", "2024-06-01", genre="办法", normative="行政规范性文件",
                                                 validity="废止", validity_changed="2026-01-05"),
        # written in 2024, published in 2025: made in 2024
        "content/town/xxgk/n2.md": entry("镇规范性文件", "2025-01-10", genre="办法", normative="行政规范性文件", written="2024-12-20"),
    })
    result = run(root, "disclosure", "report", "--year", "2025", "--now", "2026-03-10 12:00", "--out", str(tmp_path / "rep"))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "rep/disclosure-2025.json").read_text(encoding="utf-8"))
    figures = {f["scope"]: f for f in data["figures"]}
    portal, town, cluster = figures["portal"], figures["town"], figures["cluster"]
    assert portal["published"] == 3
    assert portal["normative"]["行政规范性文件"] == {"issued": 1, "repealed": 0, "in_force": 2}
    assert portal["normative"]["规章"] == {"issued": 1, "repealed": 1, "in_force": 0}
    assert portal["by_genre"] == {"办法": 2, "通知": 1}
    assert portal["by_month"][2:4] == [1, 2] and sum(portal["by_month"]) == 3
    assert town["normative"]["行政规范性文件"] == {"issued": 0, "repealed": 0, "in_force": 1}
    assert cluster["published"] == 4
    assert cluster["normative"]["行政规范性文件"] == {"issued": 1, "repealed": 0, "in_force": 3}
    assert cluster["by_topic"] == {"综合政务": 4}
    csv_rows = list(csv.reader(io.StringIO((tmp_path / "rep/disclosure-2025.csv").read_text(encoding="utf-8-sig"))))
    assert csv_rows[0][:3] == ["站点", "名称", "本年公开条数"] and len(csv_rows) == 4
    assert "2025 年主动公开政府信息情况" in result.output


def test_catalogue_table_sorts_in_the_browser(browser, tmp_path):
    from playwright.sync_api import expect

    from conftest import serve

    root = make_cluster(tmp_path, {
        "content/portal/disclosure/b.md": entry("乙", "2025-06-01", written="2025-05-28"),
        "content/portal/disclosure/c.md": entry("丙", "2026-02-01", written="2024-01-02"),
    })
    assert build(root).exit_code == 0
    tab = browser.new_page()
    tab.goto(serve(root)["portal"] + "disclosure/")
    titles = tab.locator("table.catalogue tbody td.title a")
    expect(titles).to_have_text(["丙", "测试市某某管理办法", "乙"])  # as built: newest first
    tab.click("table.catalogue th:nth-child(5) button")  # 成文日期: 2026-01-05, 2025-05-28, 2024-01-02
    expect(titles).to_have_text(["测试市某某管理办法", "乙", "丙"])
    assert tab.get_attribute("table.catalogue th:nth-child(5)", "aria-sort") == "descending"
    tab.click("table.catalogue th:nth-child(5) button")
    expect(titles).to_have_text(["丙", "乙", "测试市某某管理办法"])
    assert tab.get_attribute("table.catalogue th:nth-child(5)", "aria-sort") == "ascending"
    tab.go_back()  # the order is in the address: back is the previous order
    expect(titles).to_have_text(["测试市某某管理办法", "乙", "丙"])
    tab.go_back()
    expect(titles).to_have_text(["丙", "测试市某某管理办法", "乙"])
    assert tab.get_attribute("table.catalogue th:nth-child(6)", "aria-sort") == "descending"


def test_disclosure_metadata_on_a_page_outside_the_catalogue_is_shown_without_an_index_number(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/policy-news.md": entry("带元数据的新闻", doc_no="测政发〔2026〕9号")})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert shown_number(root, "portal/news/policy-news/index.html") == ""
    text = (root / "build/portal/news/policy-news/index.html").read_text(encoding="utf-8")
    assert "测政发〔2026〕9号" in text and "测试市人民政府" in text  # 发布机构 defaults to the site's name


def test_a_draft_entry_is_shown_in_a_drafts_build_without_taking_a_number(tmp_path):
    draft = page("正文。", title="草稿文件", draft=True, disclosure={"topic": "综合政务\\政务公开", "genre": "通知"})
    root = make_cluster(tmp_path, {"content/portal/disclosure/draft.md": draft})
    result = build(root, "--no-search", "--drafts", "--out", str(tmp_path / "drafts"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "drafts/portal/disclosure/draft/index.html").is_file()
    assert "draft.md" not in numbers(root)


@pytest.mark.parametrize("column", ["news", "disclosure"])
def test_the_text_of_an_application_only_document_is_published_in_no_column(tmp_path, column):
    secret = "只依申请提供的正文LEAKTEXT"
    root = make_cluster(tmp_path, {f"content/portal/{column}/apply.md": entry("依申请公开的文件", body=secret, mode="依申请公开")})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    leaked = [p for p in (root / "build").rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert leaked == []
    assert "全文不在网上公开" in (root / f"build/portal/{column}/apply/index.html").read_text(encoding="utf-8")


def test_an_internal_entry_takes_no_index_number_and_leaves_no_trace_in_the_record(tmp_path):
    internal = page("内部文件正文。", title="内部文件", date="2026-02-10", visibility="internal",
                    disclosure={"topic": "综合政务\\政务公开", "genre": "通知"})
    root = make_cluster(tmp_path, {"content/portal/disclosure/internal.md": internal,
                                   "content/portal/disclosure/later.md": entry("公开文件", date="2026-02-20")})
    result = build(root, "--no-search", "--profile", "internal")
    assert result.exit_code == 0, result.output
    doc = lxml.html.fromstring((root / "build-internal/portal/disclosure/internal/index.html").read_bytes())
    assert doc.xpath("//table[@class='disclosure-meta']//th[.='索引号']/following-sibling::td[1]")[0].text_content() == ""
    assert "internal.md" not in numbers(root) and "内部文件" not in (root / STORE).read_text(encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0
    assert sorted(numbers(root).values()) == [f"{ORG}/2026-00001", f"{ORG}/2026-00002"]  # no gap in the public sequence


# --- a large catalogue -------------------------------------------------------------------------

LARGE = 600  # entries of the portal's catalogue; the town adds TOWN_ENTRIES to the cluster's
TOWN_ENTRIES = 30
TOPICS = ("综合政务\\政务公开", "财政、金融、审计\\财政", "城乡建设、环境保护\\城市规划")
MAX_PAGE = 150 * 1024


def large_entry(i: int, site: str = "portal") -> str:
    """Entry i of the large catalogue: published i days after 2024-01-01, so the oldest has the highest 文号."""
    published = date(2024, 1, 1) + timedelta(days=i)
    prefix = "测政发" if site == "portal" else "测镇发"
    return entry(f"{'镇' if site == 'town' else ''}文件{i:03d}", published.isoformat(), genre=("通知", "意见")[i % 2],
                 topic=TOPICS[i % 3], doc_no=f"{prefix}〔2025〕{LARGE - i}号",
                 validity="失效" if i % 10 == 0 else "有效", validity_changed=published.isoformat() if i % 10 == 0 else None)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cluster whose portal has LARGE disclosure entries and whose town has TOWN_ENTRIES, built; returns the root."""
    files: dict[str, str | None] = {"sites.yaml": TOWN_WITH_DISCLOSURE, "content/portal/disclosure/rule.md": None}
    files |= {f"content/portal/disclosure/e{i:03d}.md": large_entry(i) for i in range(LARGE)}
    files |= {f"content/town/xxgk/t{i:03d}.md": large_entry(i, "town") for i in range(TOWN_ENTRIES)}
    root = make_cluster(tmp_path_factory.mktemp("large"), files)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    return root


def listing_pages(root: Path, url: str) -> list[lxml.html.HtmlElement]:
    """Return every page of a catalogue listing, following its pager's 下一页 links from page 1."""
    out = []
    while True:
        file = root / "build/portal" / unquote(url).lstrip("/") / "index.html"
        assert file.stat().st_size <= MAX_PAGE, (url, file.stat().st_size)
        doc = lxml.html.fromstring(file.read_bytes())
        out.append(doc)
        following = doc.xpath("//nav[@class='pager' and @aria-label='分页']//a[@rel='next']/@href")
        if not following:
            return out
        url = following[0]


def listed(docs: list[lxml.html.HtmlElement]) -> list[str]:
    return [a.text for doc in docs for a in doc.xpath("//table[@class='catalogue']/tbody//td[@class='title']/a")]


def lead_total(doc: lxml.html.HtmlElement) -> int:
    return int(re.search(r"共 (\d+) 条", doc.xpath("//p[@class='lead']")[0].text_content()).group(1))  # type: ignore[union-attr]


def test_a_large_catalogue_is_paged_and_lists_every_entry_exactly_once(large):
    docs = listing_pages(large, "/disclosure/")
    assert len(docs) == LARGE // 50  # the catalogue's own page size
    titles = listed(docs)
    assert sorted(titles) == [f"文件{i:03d}" for i in range(LARGE)]  # each exactly once
    assert titles[0] == f"文件{LARGE - 1:03d}" and titles[-1] == "文件000"  # newest first, across the pages
    assert all(lead_total(doc) == LARGE for doc in docs)
    second = docs[1].xpath("//nav[@aria-label='分页']/span[@aria-current='page']")[0]
    assert second.text == "2"
    cluster = listing_pages(large, "/disclosure/cluster/")
    assert sorted(listed(cluster)) == sorted([f"文件{i:03d}" for i in range(LARGE)] + [f"镇文件{i:03d}" for i in range(TOWN_ENTRIES)])
    assert sorted(listed(listing_pages(large, "/disclosure/cluster/town/"))) == [f"镇文件{i:03d}" for i in range(TOWN_ENTRIES)]


def test_every_facet_of_a_large_catalogue_counts_and_pages_all_its_entries(large):
    first = lxml.html.fromstring((large / "build/portal/disclosure/index.html").read_bytes())
    facets = first.xpath("//nav[@aria-label='分类浏览']//div[@class='facet']")
    assert len(facets) == 4
    for facet in facets:
        counted = 0
        for li in facet.xpath(".//li"):
            count = int(li.xpath("span[@class='count']")[0].text)
            docs = listing_pages(large, li.xpath("a/@href")[0])
            titles = listed(docs)
            assert len(titles) == len(set(titles)) == count == lead_total(docs[0]), li.xpath("a")[0].text
            counted += count
        assert counted == LARGE, facet.xpath("h2")[0].text
    genre = listing_pages(large, "/disclosure/genre/意见/")
    assert sorted(listed(genre)) == [f"文件{i:03d}" for i in range(1, LARGE, 2)]
    last = lxml.html.fromstring((large / "build/portal/disclosure/page/12/index.html").read_bytes())  # counts on every page
    assert [s.text for s in last.xpath("//nav[@aria-label='分类浏览']//span[@class='count']")] == \
        [s.text for s in first.xpath("//nav[@aria-label='分类浏览']//span[@class='count']")]


def test_the_exports_of_a_large_catalogue_keep_every_entry(large):
    site = json.loads((large / "build/portal/disclosure/catalogue.json").read_text(encoding="utf-8"))
    assert site["count"] == LARGE == len(site["entries"])
    rows = list(csv.DictReader(io.StringIO((large / "build/portal/disclosure/cluster/catalogue.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == LARGE + TOWN_ENTRIES


def test_sorting_a_paged_catalogue_orders_the_whole_catalogue(browser, large):
    from playwright.sync_api import expect

    from conftest import serve

    base = serve(large)["portal"]
    tab = browser.new_page()
    tab.goto(base + "disclosure/")
    titles = tab.locator("table.catalogue tbody td.title a")
    expect(titles).to_have_count(50)
    assert "文件000" not in titles.all_text_contents()  # the oldest is on the last page as built
    tab.click("table.catalogue th:nth-child(3) button")  # 文号, highest first: the oldest entry has the highest
    expect(titles.first).to_have_text("文件000")
    expect(titles).to_have_text([f"文件{i:03d}" for i in range(50)])
    assert tab.get_attribute("table.catalogue th:nth-child(3)", "aria-sort") == "descending"
    expect(tab.locator("p.lead")).to_contain_text(f"共 {LARGE} 条信息，按文号降序排列，每页 50 条")
    pager = tab.locator("nav.pager[aria-label='分页']:visible")
    expect(pager).to_have_count(1)
    expect(pager.locator("[aria-current='page']")).to_have_text("1")
    pager.get_by_role("link", name="下一页").click()  # the sorted order goes on over the pages
    expect(titles).to_have_text([f"文件{i:03d}" for i in range(50, 100)])
    expect(pager.locator("[aria-current='page']")).to_have_text("2")
    tab.goto(base + "disclosure/genre/%E6%84%8F%E8%A7%81/page/2/")  # 意见: the odd entries; sorting keeps to them
    tab.click("table.catalogue th:nth-child(3) button")
    expect(titles).to_have_text([f"文件{i:03d}" for i in range(1, 100, 2)])
    expect(pager.locator(".pager-total")).to_have_text(f"共 {LARGE // 2 // 50} 页")
