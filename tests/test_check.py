"""sitegen check: the freshness rules of the national inspection, the verdicts, the report and the exit codes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, NOW, build, make_cluster, page, run, tree, write_files
from sitegen.content.load import SourceText

MINI_YAML = (FIXTURES / "mini" / "sites.yaml").read_text(encoding="utf-8")
PORTAL_COLUMNS = "      - {id: disclosure, title: 政府信息公开, type: disclosure}\n"
TOWN = "  - id: town\n    name: 测试镇人民政府\n    kind: township\n    url: /town/\n    footer: {site_code: \"9900000003\"}\n"


def sites_yaml(portal_columns: str = "", town_columns: str = "", check: str = "") -> str:
    """Return the mini sites.yaml with columns added to the portal (and given to the town) and a check: section."""
    text = MINI_YAML.replace(PORTAL_COLUMNS, PORTAL_COLUMNS + portal_columns)
    if town_columns:
        text = text.replace(TOWN, TOWN + "    columns:\n" + town_columns)
    return text.replace("sites:\n", check + "sites:\n", 1)


# every freshness rule planted once at NOW (2026-03-10 12:00):
# - homepage-stale: the town's only item is from December; its column may wait 365 days, so it is not stale itself
# - column-stale: the portal's policy column has nothing since June 2025 (over 183 days, under 365: not long stale)
# - column-empty: the portal's special-topics column has no item
PLANTED = {
    "sites.yaml": sites_yaml(
        portal_columns="      - {id: policies, title: 政策文件, type: policy}\n      - {id: topics, title: 专题专栏}\n",
        town_columns="      - {id: news, title: 工作动态, type: news, update_within: 365}\n"),
    "content/town/news/market.md": page(title="镇集市升级改造完成", date="2025-12-01"),
    "content/portal/policies/old.md": page(title="关于某某的实施意见", date="2025-06-01"),
}


def check(root: Path, *args: str):
    return run(root, "check", "--now", NOW, *args)


def report(root: Path, *args: str) -> dict:
    result = check(root, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def findings(data: dict) -> list[tuple[str, str, str, str | None]]:
    return sorted((s["site"], f["rule"], f["severity"], f["path"]) for s in data["sites"] for f in s["findings"])


def verdicts(data: dict) -> dict[str, str]:
    return {s["site"]: s["verdict"] for s in data["sites"]}


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    return make_cluster(tmp_path, PLANTED)


def test_every_freshness_rule_fires_once_on_the_planted_cluster(planted):
    data = report(planted)
    assert findings(data) == [
        ("portal", "column-empty", "error", "content/portal/topics/"),
        ("portal", "column-stale", "error", "content/portal/policies/"),
        ("town", "homepage-stale", "veto", "content/town/"),
    ]
    assert verdicts(data) == {"town": "不合格", "portal": "合格", "finance": "合格"}
    assert data["sites"][0]["site"] == "town"  # the 不合格 site first


def test_column_findings_carry_the_columns_public_url(planted):
    by_rule = {f["rule"]: f for s in report(planted)["sites"] for f in s["findings"]}
    assert by_rule["column-stale"]["url"] == "https://www.test.gov.cn/policies/"
    assert by_rule["column-empty"]["url"] == "https://www.test.gov.cn/topics/"
    assert by_rule["homepage-stale"]["url"] == "https://www.test.gov.cn/town/"
    assert by_rule["column-stale"]["line"] is None


def test_messages_say_what_is_wrong_and_how_to_fix_it(planted):
    by_rule = {f["rule"]: f["message"] for s in report(planted)["sites"] for f in s["findings"]}
    assert "2025-06-01" in by_rule["column-stale"] and "183 days (check.policy_days)" in by_rule["column-stale"]
    assert "long stale" not in by_rule["column-stale"]
    assert "2025-12-01" in by_rule["homepage-stale"] and "14 days" in by_rule["homepage-stale"]
    assert "空白栏目" in by_rule["column-empty"]
    assert all("fix: " in message for message in by_rule.values())


def test_a_failed_site_exits_1_and_a_clean_cluster_exits_0(planted, tmp_path):
    assert check(planted).exit_code == 1
    assert check(make_cluster(tmp_path / "clean")).exit_code == 0


def test_the_clean_twin_has_no_findings_and_every_site_passes(cluster):
    data = report(cluster)
    assert findings(data) == []
    assert verdicts(data) == {"portal": "合格", "finance": "合格", "town": "合格"}
    assert check(cluster, "--fail-on", "warning").exit_code == 0


def test_fail_on_error_counts_errors_that_make_no_site_fail(tmp_path):
    # the planted cluster without its stale town home page: only errors left
    root = make_cluster(tmp_path, {k: v for k, v in PLANTED.items() if not k.startswith("content/town/")})
    assert set(verdicts(report(root)).values()) == {"合格"}
    assert check(root).exit_code == 0
    assert check(root, "--fail-on", "error").exit_code == 1
    assert check(root, "--fail-on", "warning").exit_code == 1


def test_json_follows_the_schema(planted):
    result = check(planted, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"schema", "now", "sites"}
    assert data["schema"] == "sitegen-check/1" and data["now"] == "2026-03-10T12:00:00+08:00"
    for site in data["sites"]:
        assert set(site) == {"site", "verdict", "findings"} and site["verdict"] in ("合格", "不合格")
        for finding in site["findings"]:
            assert list(finding) == ["rule", "severity", "path", "line", "url", "message"]
            assert finding["severity"] in ("veto", "error", "warning")


def test_text_report_lists_the_failed_site_first_with_rule_severity_and_where(planted):
    text = check(planted).stdout
    assert text.index("不合格  town") < text.index("合格  portal")
    row = next(line for line in text.splitlines() if "column-stale" in line)
    assert "error" in row and "content/portal/policies/" in row and "政策文件" in row
    assert "1 of 3 sites 不合格; 1 veto, 2 errors." in text


def test_out_writes_the_report_to_a_file(planted, tmp_path):
    target = tmp_path / "report.json"
    result = check(planted, "--format", "json", "--out", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "sitegen-check/1"


def test_site_option_checks_only_that_site(planted):
    data = report(planted, "--site", "portal")
    assert verdicts(data) == {"portal": "合格"}
    assert {f[1] for f in findings(data)} == {"column-stale", "column-empty"}


def test_unknown_site_and_bad_options_are_refused(planted):
    unknown = check(planted, "--site", "nowhere")
    assert unknown.exit_code == 1 and "no such site" in unknown.output
    assert check(planted, "--format", "html").exit_code == 2
    assert check(planted, "--fail-on", "fatal").exit_code == 2


def test_thresholds_of_the_check_section_are_honoured(tmp_path):
    limits = "check:\n  stale_columns: 1\n  empty_columns: 1\n  homepage_days: 3\n  news_days: 3\n"
    root = make_cluster(tmp_path, {**PLANTED, "sites.yaml": sites_yaml(
        portal_columns="      - {id: policies, title: 政策文件, type: policy}\n      - {id: topics, title: 专题专栏}\n", check=limits)})
    data = report(root)
    assert verdicts(data) == {"portal": "不合格", "finance": "不合格", "town": "不合格"}
    # finance's news is from 2026-03-03: fresh for 14 days, stale for 3
    assert ("finance", "homepage-stale", "veto", "content/finance/") in findings(data)
    assert ("finance", "column-stale", "error", "content/finance/news/") in findings(data)
    text = check(root).stdout
    assert "stale columns (不更新栏目), 1 or more make a site 不合格 (check.stale_columns)" in text
    assert "empty columns (空白栏目), 1 or more make a site 不合格 (check.empty_columns)" in text


def test_long_stale_columns_are_marked_and_counted(tmp_path):
    limits = "check:\n  long_stale_days: 200\n  long_stale_columns: 1\n"
    yaml = sites_yaml(portal_columns="      - {id: policies, title: 政策文件, type: policy}\n", check=limits)
    root = make_cluster(tmp_path, {"sites.yaml": yaml, "content/portal/policies/old.md": page(date="2025-06-01")})
    data = report(root)
    stale = next(f for s in data["sites"] for f in s["findings"] if f["rule"] == "column-stale")
    assert "long stale (长期未更新" in stale["message"]
    assert verdicts(data)["portal"] == "不合格"
    assert "long-stale columns (长期未更新栏目)" in check(root).stdout


def test_update_within_overrides_the_type_and_makes_a_general_column_checked(tmp_path):
    yaml = sites_yaml(portal_columns="      - {id: work, title: 重点工作, update_within: 30}\n"
                                     "      - {id: guide, title: 办事指南}\n",
                      town_columns="      - {id: news, title: 工作动态, type: news, update_within: 5}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml, "content/portal/work/old.md": page(date="2026-01-01"),
                                   "content/portal/guide/old.md": page(date="2020-01-01")})
    data = report(root)
    stale = [f for s in data["sites"] for f in s["findings"] if f["rule"] == "column-stale"]
    assert sorted(f["path"] for f in stale) == ["content/portal/work/", "content/town/news/"]
    assert all("update_within" in f["message"] for f in stale)


def test_archived_columns_are_exempt_from_the_update_rules(tmp_path):
    yaml = sites_yaml(portal_columns="      - {id: policies, title: 政策文件, type: policy, archived: true}\n"
                                     "      - {id: topics, title: 历史专题, archived: true}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml, "content/portal/policies/old.md": page(date="2019-06-01")})
    assert findings(report(root)) == []


def test_the_portal_home_page_counts_the_units_news_it_shows(tmp_path):
    old = {f"content/portal/{rel}": page(date="2025-01-01") for rel in
           ("news/first.md", "news/second.md", "news/third.md", "news/pinned.md", "notices/notice.md")}
    root = make_cluster(tmp_path, {**old, "content/portal/news/first.md": page("正文。", date="2025-01-01")})
    data = report(root)
    assert ("portal", "homepage-stale", "veto", "content/portal/") not in findings(data)  # 部门动态 is current
    assert ("portal", "column-stale", "error", "content/portal/news/") in findings(data)


def test_a_build_error_stops_the_check_with_its_message(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/bad.md": "---\ntitle: 无日期\n---\n\n正文。\n"})
    result = check(root)
    assert result.exit_code == 1
    assert "'date' is required" in result.output and "Nothing was checked." in result.output


def test_check_builds_into_its_own_cache_folder_never_build(planted):
    assert check(planted).exit_code == 1
    assert not (planted / "build").exists()
    assert (planted / ".sitegen-cache/check/portal/index.html").is_file()
    assert not (planted / ".sitegen-cache/check/portal/pagefind").exists()  # no search index


def test_the_first_check_starts_from_build_and_never_changes_it(planted):
    assert build(planted, "--now", NOW).exit_code == 0  # with search: its index is not taken along
    before = tree(planted / "build")
    write_files(planted, {"content/portal/news/first.md": page("改过的正文。", title="改过的标题", date="2026-03-01 09:30")})
    data = report(planted)
    assert tree(planted / "build") == before  # shared files are replaced in the check's folder, never written into
    check_home = (planted / ".sitegen-cache/check/portal/index.html").read_text(encoding="utf-8")
    assert "改过的标题" in check_home and not (planted / ".sitegen-cache/check/portal/pagefind").exists()
    assert verdicts(data)["town"] == "不合格"


def test_a_second_check_reuses_the_previous_build(planted):
    assert check(planted).exit_code == 1
    home = planted / ".sitegen-cache/check/portal/index.html"
    before = home.stat().st_mtime_ns
    assert check(planted).exit_code == 1
    assert home.stat().st_mtime_ns == before


def test_an_unknown_key_in_the_check_section_is_an_error_naming_the_right_one(tmp_path):
    root = make_cluster(tmp_path, {"sites.yaml": sites_yaml(check="check:\n  homepage_dayz: 3\n")})
    result = check(root)
    assert result.exit_code == 1 and "homepage_days" in result.output


def test_the_check_settings_and_archived_change_no_output(cluster):
    assert build(cluster, "--no-search").exit_code == 0
    yaml = MINI_YAML.replace("type: notice}", "type: notice, archived: true, update_within: 9}")
    yaml = yaml.replace("sites:\n", "check:\n  homepage_days: 3\n  stale_columns: 2\nsites:\n", 1)
    (cluster / "sites.yaml").write_text(yaml, encoding="utf-8")
    result = build(cluster, "--no-search")
    assert result.exit_code == 0 and " 0 files written" in result.output, result.output


def test_rule_ids_are_unique_and_every_rule_is_described():
    from sitegen.check.registry import RULES

    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert {"homepage-stale", "column-stale", "column-empty"} <= set(ids)
    assert all(rule.about for rule in RULES)


def _id_number(body17: str) -> str:
    """Return a made-up resident ID number with its GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]


def test_unmasked_personal_numbers_banned_words_and_typos_name_file_and_line_and_never_repeat_the_number(tmp_path):
    number = _id_number("11010519800101123")
    text = f"办事人身份证号{number}。\n\n联系手机13812345678，热线13900000000。\n\n本通知的的确凿，现已公布。"
    check_yaml = "check:\n  banned_words: words/banned.txt\n  typos: words/typos.txt\n  hotlines: ['139 0000 0000']\n"
    root = make_cluster(tmp_path, {
        "sites.yaml": sites_yaml(check=check_yaml),
        "words/banned.txt": "# 违禁词\n确凿\n",
        "words/typos.txt": "的的\t的\n",
        "content/portal/news/leak.md": page(text, title="含个人信息的通知", date="2026-03-09"),
    })
    data = report(root)
    found = {(f["rule"], f["severity"], f["path"], f["line"]) for s in data["sites"] for f in s["findings"]}
    leak = "content/portal/news/leak.md"
    assert {("privacy-id-number", "error", leak, 6), ("privacy-phone", "warning", leak, 8),
            ("banned-word", "error", leak, 10), ("typo", "warning", leak, 10)} <= found
    assert not any(f["rule"] == "privacy-phone" and "139" in f["message"] for s in data["sites"] for f in s["findings"])
    raw = check(root).output
    assert number not in raw and "13812345678" not in raw
    assert f"{number[:4]}**********{number[-4:]}" in raw and "138****5678" in raw  # shown masked
    assert "write '的'" in raw


def test_a_word_list_outside_the_project_is_refused(tmp_path):
    root = make_cluster(tmp_path, {"sites.yaml": sites_yaml(check="check:\n  banned_words: ../outside.txt\n")})
    (tmp_path / "outside.txt").write_text("词\n", encoding="utf-8")
    result = check(root)
    assert result.exit_code == 1 and "check.banned_words: ../outside.txt is outside the project's folder" in result.output


def test_the_check_reads_each_text_once(tmp_path, monkeypatch):
    # its build keeps the texts it converted: every text rule reads them, and reading each source again would cost
    # a file read per rule and page
    def read_again(self, page):
        raise AssertionError(f"{page.source} read again")

    monkeypatch.setattr(SourceText, "__call__", read_again)
    number = _id_number("11010519800101123")
    root = make_cluster(tmp_path, {
        "sites.yaml": sites_yaml(),
        "content/portal/news/leak.md": page(f"办事人身份证号{number}。", title="含个人信息的通知", date="2026-03-09"),
    })
    found = {(f["rule"], f["path"]) for s in report(root)["sites"] for f in s["findings"]}
    assert ("privacy-id-number", "content/portal/news/leak.md") in found
