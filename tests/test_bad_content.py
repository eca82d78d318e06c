"""Bad input from information officers: a clear message (file, line, fix), exit 1, previous output untouched."""
from __future__ import annotations

import pytest

from conftest import build, make_cluster, page, run, tree

GOOD = "content/portal/news/new.md"

BAD_INPUTS = {
    "broken_yaml": (
        {GOOD: "---\ntitle: 新闻\ndate: 2026-03-01\ntags: [民生, 财政\n---\n正文\n"},
        ["content/portal/news/new.md:5:", "broken YAML", "fix:"],
    ),
    "missing_title": (
        {GOOD: "---\ndate: 2026-03-01\n---\n正文\n"},
        ["content/portal/news/new.md:2: 'title' is required", "fix: add 'title: ...'"],
    ),
    "missing_date": (
        {GOOD: "---\ntitle: 新闻\n---\n正文\n"},
        ["content/portal/news/new.md:2: 'date' is required", "fix: add 'date: YYYY-MM-DD'"],
    ),
    "wrong_type": (
        {GOOD: "---\ntitle: 新闻\ndate: 2026-03-01\npinned: 是的\n---\n正文\n"},
        ["content/portal/news/new.md:4: pinned:", "fix: use true or false"],
    ),
    "impossible_date": (
        {GOOD: "---\ntitle: 新闻\ndate: 2026-02-30\n---\n正文\n"},
        ["content/portal/news/new.md:3: date: '2026-02-30' is not a real date", "fix: write dates as YYYY-MM-DD"],
    ),
    "unknown_front_matter_key": (
        {GOOD: "---\ntitle: 新闻\ndate: 2026-03-01\nsumary: 摘要\n---\n正文\n"},
        ["content/portal/news/new.md:4: unknown key 'sumary' (did you mean \"summary\"?)"],
    ),
    "unknown_column": (
        {"content/portal/nwes/new.md": page()},
        ["content/portal/nwes: unknown column 'nwes' in site 'portal' (did you mean \"news\"?)"],
    ),
    "unknown_site": (
        {"content/finace/news/new.md": page()},
        ["content/finace: unknown site 'finace' (did you mean \"finance\"?)", "sites.yaml"],
    ),
    "duplicate_slug": (
        {GOOD: page(slug="first")},
        ["two pages want the URL 'news/first/'", "content/portal/news/first.md", "content/portal/news/new.md"],
    ),
    "link_to_missing_page": (
        {GOOD: page("第一段。\n\n见[旧文](../news/frist.md)。")},
        ["content/portal/news/new.md:8: link to a page that does not exist: '../news/frist.md'",
         "did you mean content/portal/news/first.md?"],
    ),
    "gbk_file": (
        {GOOD: page("这是用GBK保存的正文。").encode("gbk")},
        ["content/portal/news/new.md:2: the file is saved in GBK/GB18030 encoding, not UTF-8",
         "sitegen fix-encoding content/portal/news/new.md"],
    ),
    "not_text": (
        {GOOD: b"---\ntitle: \xff\xfe\x00\x01\n---\n"},
        ["content/portal/news/new.md:2: the file is not valid UTF-8"],
    ),
    "slug_escaping_output": (
        {GOOD: page(slug="../../../etc")},
        ["content/portal/news/new.md:2: slug '../../../etc' cannot be used in a URL"],
    ),
    "missing_attachment": (
        {GOOD: page(attachments=["plan-v2.pdf"])},
        ["attachment 'plan-v2.pdf' not found beside the page", "content/portal/news/new.md"],
    ),
    "no_front_matter": (
        {GOOD: "# 只有正文\n"},
        ["content/portal/news/new.md:1: the file does not start with front matter"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_reported_and_previous_output_is_untouched(tmp_path, case):
    files, expected = BAD_INPUTS[case]
    root = make_cluster(tmp_path)
    assert build(root).exit_code == 0
    before = tree(root / "build")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    result = build(root)
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output
    assert "previous output" in result.output
    assert tree(root / "build") == before


def test_every_bad_file_is_reported_in_one_run(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/news/a1.md": "---\ndate: 2026-03-01\n---\n",
        "content/town/news/a2.md": "---\ntitle: x\ndate: 2026-13-01\n---\n",
    })
    result = build(root)
    assert "content/portal/news/a1.md" in result.output
    assert "content/town/news/a2.md" in result.output
    assert "2 problems." in result.output


def test_empty_content_tree_is_an_error(tmp_path):
    root = make_cluster(tmp_path)
    for md in (root / "content").rglob("*.md"):
        md.unlink()
    result = build(root)
    assert result.exit_code == 1
    assert "the content tree is empty" in result.output


def test_fix_encoding_converts_a_gbk_file_so_the_build_passes(tmp_path):
    text = page("这是用GBK保存的正文，含“引号”。", title="编码测试")
    root = make_cluster(tmp_path, {GOOD: text.encode("gbk")})
    assert build(root).exit_code == 1
    result = run(root, "fix-encoding", str(root / GOOD))
    assert result.exit_code == 0
    assert "converted to UTF-8" in result.output
    assert (root / GOOD).read_text(encoding="utf-8") == text
    assert build(root).exit_code == 0
    assert "编码测试" in (root / "build/portal/news/new/index.html").read_text(encoding="utf-8")


def test_internal_error_names_the_file_being_processed(tmp_path, monkeypatch):
    from sitegen.outputs.pages import SiteRenderer

    context = SiteRenderer._context

    def failing(self, rel, column_name, **extra):  # stands in for a bug in sitegen, met while rendering one page
        if str(extra.get("source")) == "content/town/news/market.md":
            return 1 // 0
        return context(self, rel, column_name, **extra)

    monkeypatch.setattr(SiteRenderer, "_context", failing)
    root = make_cluster(tmp_path)
    result = build(root)
    assert result.exit_code == 70
    assert "content/town/news/market.md" in result.output
    assert "ZeroDivisionError" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("template, line, what", [
    ("{% extends 'base.html' %}\n{% block main %}\n{{ pager.itemz }}\n{% endblock %}\n", 3, "has no attribute 'itemz'"),
    ("{% extends 'base.html' %}\n{% block main %}\n\n{{ 1 // (pager.total - pager.total) }}{% endblock %}\n", 4, "ZeroDivisionError"),
    ("{% extends 'base.html' %}\n{% block main %}{{ no_such_helper(pager) }}{% endblock %}\n", 2, "'no_such_helper' is undefined"),
])
def test_runtime_error_in_a_site_template_is_a_user_error_naming_template_line_and_page(tmp_path, template, line, what):
    root = make_cluster(tmp_path, {"content/town/_theme/templates/list.html": template})
    result = build(root)
    assert result.exit_code == 1, result.output
    assert f"content/town/_theme/templates/list.html:{line}: template error while rendering town/news/index.html" in result.output
    assert what in result.output
    assert "bug in sitegen" not in result.output and "Traceback" not in result.output


def test_broken_template_names_template_and_line(tmp_path):
    root = make_cluster(tmp_path, {"content/town/_theme/templates/list.html": "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n"})
    result = build(root)
    assert result.exit_code == 1
    assert "list.html:3: template error" in result.output


def test_refuses_to_write_into_a_folder_it_did_not_make(tmp_path):
    root = make_cluster(tmp_path)
    other = tmp_path / "docs"
    other.mkdir()
    (other / "keep.txt").write_text("precious")
    result = build(root, "--out", str(other))
    assert result.exit_code == 1
    assert "not empty and was not made by sitegen" in result.output
    assert (other / "keep.txt").read_text() == "precious"
