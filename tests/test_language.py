"""Messages in Chinese by default and in English on request: the catalogue is complete, compiled, and used."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import REPO, make_cluster, page, run, write_files

LOCALE = REPO / "sitegen" / "locale" / "zh_CN" / "LC_MESSAGES"
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2)}
PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")


def marked() -> set[str]:
    """Return every message the code marks for translation (plural forms: both)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(REPO / "sitegen"), keywords=KEYWORDS):
        found.update(message if isinstance(message, tuple) else [message])
    return found


def catalogue():
    with open(LOCALE / "sitegen.po", "rb") as fh:
        return read_po(fh, locale="zh_CN")


def test_every_marked_message_has_a_chinese_translation_with_the_same_placeholders():
    translated = {}
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert "fuzzy" not in message.flags, ids[0]
        for msgid in ids:
            translated[msgid] = strings[0]
            for string in strings:
                # a translation may leave out what its language says otherwise, never add a value the code does not give
                assert string and set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(msgid)), msgid
    missing = sorted(marked() - set(translated))
    assert not missing, f"not in sitegen/locale/zh_CN/LC_MESSAGES/sitegen.po: {missing[:10]}"


def test_the_compiled_catalogue_is_the_one_the_translations_make():
    buffer = io.BytesIO()
    write_mo(buffer, catalogue())
    assert (LOCALE / "sitegen.mo").read_bytes() == buffer.getvalue(), "run: pybabel compile -d sitegen/locale -D sitegen"


BAD = {
    "content/portal/news/bad-date.md": page(title="日期写错", date="2026-02-30"),
    "content/portal/news/bad-tags.md": "---\ntitle: 标签\ndate: 2026-03-01\ntags: 民生\n---\n\n正文。\n",
    "content/portal/nwes/x.md": page(title="栏目写错"),
}


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh-CN", ["content/portal/news/bad-date.md:3: date: “2026-02-30”不是有效的日期",
               "content/portal/news/bad-tags.md:4: tags: 必须是列表", "content/portal/nwes: 网站“portal”中没有栏目“nwes”（是否应为“news”？）",
               "修改： 写成列表", "共 3 个问题。 没有写入任何文件"]),
    ("en", ["content/portal/news/bad-date.md:3: date: '2026-02-30' is not a real date",
            "content/portal/news/bad-tags.md:4: tags: must be a list", "unknown column 'nwes' in site 'portal'",
            "fix: write a list"]),
])
def test_content_errors_in_both_languages(tmp_path, lang, expected):
    root = make_cluster(tmp_path, BAD)
    result = run(root, "--lang", lang, "build", "--no-search")
    assert result.exit_code == 1
    for text in expected:
        assert text in result.output, result.output


def test_chinese_is_the_default_and_the_cluster_or_the_environment_may_choose_english(tmp_path, monkeypatch):
    root = make_cluster(tmp_path, {"content/portal/news/bad.md": "---\ntitle: x\ndate: 2026-03-01\ntags: 民生\n---\n"})
    monkeypatch.delenv("SITEGEN_LANG")
    assert "修改：" in run(root, "build", "--no-search").output  # nothing says otherwise: Chinese
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("cluster:\n", "cluster:\n  language: en\n"), encoding="utf-8")
    assert "fix: write a list" in run(root, "build", "--no-search").output  # the cluster's language
    monkeypatch.setenv("SITEGEN_LANG", "zh-CN")
    assert "修改：" in run(root, "build", "--no-search").output  # the environment over the cluster
    assert "fix: write a list" in run(root, "--lang", "en", "build", "--no-search").output  # the option over both


def test_a_config_error_the_summary_line_and_check_findings_in_chinese(tmp_path):
    root = make_cluster(tmp_path)
    built = run(root, "--lang", "zh-CN", "build", "--no-search", "--now", "2026-03-10 12:00")
    assert built.exit_code == 0
    assert re.search(r"已生成 3 个网站", built.output), built.output
    checked = run(root, "--lang", "zh-CN", "check", "--now", "2026-06-10 12:00")
    assert checked.exit_code == 1
    assert "3 个网站中 3 个不合格" in checked.output and "原因：homepage-stale：单项否决" in checked.output, checked.output
    assert "首页最新信息是 2026-03-05（97 天前）" in checked.output and "修改：在首页显示的栏目中发布一条新信息" in checked.output
    write_files(root, {"sites.yaml": (root / "sites.yaml").read_text(encoding="utf-8").replace("kind: township", "kind: town")})
    broken = run(root, "--lang", "zh-CN", "build", "--no-search")
    assert broken.exit_code == 1 and "必须是以下之一" in broken.output and "sites.yaml:" in broken.output, broken.output


def test_the_english_messages_are_unchanged_by_the_catalogue(tmp_path):
    root = make_cluster(tmp_path)
    result = run(root, "--lang", "en", "build", "--no-search", "--now", "2026-03-10 12:00")
    assert result.exit_code == 0 and "\nBuilt 3 sites, 8 pages: " in result.output


def test_a_gbk_file_is_named_in_chinese(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/gbk.md": page(title="编码").encode("gb18030")})
    result = run(root, "--lang", "zh-CN", "build", "--no-search")
    assert result.exit_code == 1
    assert "content/portal/news/gbk.md:2: 文件以 GBK/GB18030 编码保存" in result.output and "GBK" in result.output and "sitegen fix-encoding" in result.output
    assert Path(root / "content/portal/news/gbk.md").exists()
