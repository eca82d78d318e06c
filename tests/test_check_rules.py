"""sitegen check: every rule planted once in one cluster, and its clean twin that uses the same features without fault."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_check import _id_number, check, report, sites_yaml, verdicts

from conftest import make_cluster, page
from sitegen.config.schema import CheckSpec
from sitegen.disclosure.deadline import working_days
from sitegen.outputs.theme import SHIPPED_THEMES

THEME = SHIPPED_THEMES / "gov" / "templates"
POLICY_COLUMNS = ("      - {id: policies, title: 政策文件, type: policy}\n"
                  "      - {id: topics, title: 专题专栏}\n"
                  "      - {id: interpret, title: 政策解读}\n")
WORDS = "check:\n  banned_words: words/banned.txt\n  typos: words/typos.txt\n  hotlines: ['139 0000 0000']\n"
ENTRY = {"topic": "综合政务\\政务公开", "genre": "通知"}


def theme_without(name: str, text: str) -> str:
    """Return a template of the shared theme with the line holding `text` left out, as a unit might copy it."""
    lines = (THEME / name).read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if text not in line]
    assert len(kept) == len(lines) - 1, f"{text} is not on exactly one line of {name}"
    return "\n".join(kept)


# the same features used without fault: a policy and its 解读, an image with its text, an attachment beside its
# page, an on-time catalogue entry, an official hotline, word lists that match nothing
CLEAN = {
    "sites.yaml": sites_yaml(portal_columns=POLICY_COLUMNS, check=WORDS),
    "words/banned.txt": "# 违禁词\n确凿\n",
    "words/typos.txt": "的的\t的\n",
    "content/portal/policies/measures.md": page("措施正文。", title="关于促进消费的若干措施", date="2026-03-02"),
    "content/portal/interpret/measures.md": page("解读正文。", title="《关于促进消费的若干措施》政策解读", date="2026-03-03",
                                                 interprets="../policies/measures.md"),
    "content/portal/topics/spring.md": page("春耕现场：\n\n![春耕现场的拖拉机](field.png)", title="春耕专题", date="2026-03-04"),
    "content/portal/topics/field.png": b"\x89PNG\r\n\x1a\n",
    "content/portal/notices/hours.md": page("咨询热线13900000000。\n\n[通知全文](hours.pdf)", title="调整办公时间的通知",
                                            date="2026-03-06"),
    "content/portal/notices/hours.pdf": b"%PDF-1.4\n",
    "content/portal/disclosure/ontime.md": page("通知正文。", title="关于做好春季防火工作的通知", date="2026-03-05",
                                                disclosure={**ENTRY, "written": "2026-02-27", "keywords": ["防火"]}),
}
TOWN_NEWS = "      - {id: news, title: 工作动态, type: news, update_within: 365}\n"
NUMBER = _id_number("11010519800101123")
# every rule once, on top of CLEAN (link-external has its own tests: it needs --external and a server)
PLANTED = {
    **CLEAN,
    "sites.yaml": sites_yaml(portal_columns=POLICY_COLUMNS + "      - {id: old, title: 规范性文件, type: policy}\n"
                             "      - {id: empty, title: 专题二}\n", town_columns=TOWN_NEWS, check=WORDS),
    # homepage-stale: the town's only item is from December; its column may wait 365 days, so it is not stale itself
    "content/town/news/market.md": page(title="镇集市升级改造完成", date="2025-12-01"),
    # column-stale: nothing in the 'old' policy column since June 2025; column-empty: nothing in 'empty'
    "content/portal/old/old.md": page(title="关于某某的实施意见", date="2025-06-01"),
    # date-missing, footer-missing, meta-missing: the finance unit's own templates leave them out
    "content/finance/_theme/templates/_macros.html": theme_without("_macros.html", "<time datetime"),
    "content/finance/_theme/templates/_footer.html": theme_without("_footer.html", "f.police"),
    "content/finance/_theme/templates/article.html": theme_without("article.html", 'name="PubDate"'),
    # image-alt (line 8) and attachment-missing (line 10)
    "content/portal/news/photo.md": page("现场照片：\n\n![](photo.png)\n\n[会议材料](/files/missing.pdf)", title="现场会召开",
                                         date="2026-03-08"),
    "content/portal/news/photo.png": b"\x89PNG\r\n\x1a\n",
    # interpretation-link: a 解读 that names no policy
    "content/portal/interpret/orphan.md": page("解读正文。", title="一图读懂春季防火", date="2026-03-07"),
    # disclosure-metadata: no 关键词; disclosure-late: written 2026-01-05, published 2026-03-06 (43 working days)
    "content/portal/disclosure/nokw.md": page("正文。", title="关于某某的通知", date="2026-03-05",
                                              disclosure={**ENTRY, "written": "2026-03-02"}),
    "content/portal/disclosure/late.md": page("正文。", title="关于某某工作的通知", date="2026-03-06",
                                              disclosure={**ENTRY, "written": "2026-01-05", "keywords": ["工作"]}),
    # privacy-id-number, privacy-phone, banned-word, typo
    "content/portal/news/leak.md": page(f"办事人身份证号{NUMBER}。\n\n联系手机13812345678。\n\n本通知的的确凿。",
                                        title="含个人信息的通知", date="2026-03-09"),
}
FINANCE_TEMPLATES = "content/finance/_theme/templates/"
EXPECTED = [
    ("finance", "date-missing", "error", FINANCE_TEMPLATES + "_macros.html", None),
    ("finance", "footer-missing", "error", FINANCE_TEMPLATES + "_footer.html", None),
    ("finance", "meta-missing", "warning", FINANCE_TEMPLATES + "article.html", None),
    ("portal", "attachment-missing", "error", "content/portal/news/photo.md", 10),
    ("portal", "banned-word", "error", "content/portal/news/leak.md", 10),
    ("portal", "column-empty", "error", "content/portal/empty/", None),
    ("portal", "column-stale", "error", "content/portal/old/", None),
    ("portal", "disclosure-late", "error", "content/portal/disclosure/late.md", 7),
    ("portal", "disclosure-metadata", "error", "content/portal/disclosure/nokw.md", 4),
    ("portal", "image-alt", "warning", "content/portal/news/photo.md", 8),
    ("portal", "interpretation-link", "error", "content/portal/interpret/orphan.md", 2),
    ("portal", "privacy-id-number", "error", "content/portal/news/leak.md", 6),
    ("portal", "privacy-phone", "warning", "content/portal/news/leak.md", 8),
    ("portal", "typo", "warning", "content/portal/news/leak.md", 10),
    ("town", "homepage-stale", "veto", "content/town/", None),
]


def located(data: dict) -> list[tuple]:
    return sorted((s["site"], f["rule"], f["severity"], f["path"], f["line"]) for s in data["sites"] for f in s["findings"])


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return make_cluster(tmp_path_factory.mktemp("planted"), PLANTED)


@pytest.fixture(scope="module")
def planted_report(planted) -> dict:
    return report(planted)


def test_every_rule_fires_once_with_its_severity_path_and_line(planted_report):
    assert located(planted_report) == EXPECTED


def test_the_planted_cluster_fails_only_the_site_with_a_veto(planted, planted_report):
    assert verdicts(planted_report) == {"portal": "合格", "finance": "合格", "town": "不合格"}
    assert check(planted).exit_code == 1


def test_the_clean_twin_uses_the_same_features_without_a_finding(tmp_path):
    root = make_cluster(tmp_path, CLEAN)
    data = report(root)
    assert located(data) == []
    assert set(verdicts(data).values()) == {"合格"}
    assert check(root, "--fail-on", "warning").exit_code == 0


def test_output_findings_name_the_page_and_the_template_to_fix(planted_report):
    by_rule = {f["rule"]: f for s in planted_report["sites"] for f in s["findings"]}
    assert by_rule["footer-missing"]["url"].startswith("https://czj.test.gov.cn/")
    assert "公安机关备案号 (测公网安备 99000000000001号)" in by_rule["footer-missing"]["message"]
    assert "PubDate" in by_rule["meta-missing"]["message"] and "missing" in by_rule["meta-missing"]["message"]
    assert "without its publish date" in by_rule["date-missing"]["message"]
    assert "/files/missing.pdf" in by_rule["attachment-missing"]["message"]
    assert by_rule["image-alt"]["url"] == "https://www.test.gov.cn/news/photo/"
    assert "43 working days" not in by_rule["disclosure-late"]["message"]  # says the limit, not a count it stopped at
    assert "more than 20 working days after its 成文日期 2026-01-05" in by_rule["disclosure-late"]["message"]
    assert "interprets: ../policy/" in by_rule["interpretation-link"]["message"]


def test_a_footer_identifier_missing_from_sites_yaml_is_named_once_per_site(tmp_path):
    text = sites_yaml().replace("    conac_url: https://bszs.conac.cn/\n", "")
    data = report(make_cluster(tmp_path, {"sites.yaml": text}))
    found = [(s["site"], f["path"], f["line"]) for s in data["sites"] for f in s["findings"] if f["rule"] == "footer-missing"]
    url_line = {site: text.split("\n").index(f"    url: {url}") + 1 for site, url in
                (("portal", "/"), ("finance", "https://czj.test.gov.cn/"), ("town", "/town/"))}
    assert sorted(found) == sorted((site, "sites.yaml", line) for site, line in url_line.items())
    message = next(f["message"] for s in data["sites"] for f in s["findings"] if f["rule"] == "footer-missing")
    assert "党政机关网站标识 (footer.conac_url)" in message and "ask a cluster admin" in message


def test_a_policy_whose_page_does_not_link_to_its_interpretation_is_found(tmp_path):
    unlinked = (THEME / "article.html").read_text(encoding="utf-8").replace("{% if interpretations %}", "{% if false %}")
    files = {**CLEAN, "content/portal/_theme/templates/article.html": unlinked}
    data = report(make_cluster(tmp_path, files))
    found = [(f["rule"], f["path"]) for s in data["sites"] for f in s["findings"] if f["rule"] == "interpretation-link"]
    assert found == [("interpretation-link", "content/portal/policies/measures.md")]


@pytest.mark.parametrize(("published", "settings", "days"), [
    (date(2026, 3, 6), {}, 20),  # four full weeks after Friday 6 February
    (date(2026, 3, 9), {}, 21),
    (date(2026, 3, 9), {"holidays": ["2026-02-16"]}, 20),  # 春节: a Monday off
    (date(2026, 3, 6), {"workdays": ["2026-02-14"]}, 21),  # a Saturday worked instead
])
def test_working_days_skip_weekends_and_holidays_and_count_make_up_days(published, settings, days):
    assert working_days(date(2026, 2, 6), published, CheckSpec(**settings), 30) == days


def test_holidays_in_the_check_section_make_a_late_entry_on_time(tmp_path):
    entry = page("正文。", title="关于某某的通知", date="2026-03-09", disclosure={**ENTRY, "written": "2026-02-06", "keywords": ["某某"]})
    late = lambda extra: [f for s in report(make_cluster(tmp_path / extra[:4], {  # noqa: E731
        "sites.yaml": sites_yaml(check=f"check:\n{extra}"), "content/portal/disclosure/x.md": entry}))["sites"]
        for f in s["findings"] if f["rule"] == "disclosure-late"]
    assert len(late("  disclosure_working_days: 20\n")) == 1
    assert late("  holidays: [2026-02-16]\n") == []
