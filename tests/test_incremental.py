"""Incremental builds: only what changed is rendered, and the result is the tree a clean build makes."""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, build, make_cluster, page, run, tree
from sitegen.build import BuildOptions
from sitegen.build import build as sitegen_build
from sitegen.cli.app import moment
from sitegen.config.loader import load_config
from sitegen.content.cache import Caches
from sitegen.content.load import SourceText
from sitegen.content.profile import Profile
from sitegen.errors import SitegenError

Edit = Callable[[Path, int], None]


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text + new, encoding="utf-8")


def edit_body(root: Path, n: int) -> None:
    _replace(root, "content/town/news/market.md", "集市改造完成。", f"集市改造完成。第{n}次补充。")


def edit_text_beyond_summary(root: Path, n: int) -> None:
    """Change text that no listing shows: only the article itself may change."""
    path = root / "content/portal/news/first.md"
    text = path.read_text(encoding="utf-8")
    if "summary:" not in text:
        text = text.replace("title: ", "summary: 固定摘要\ntitle: ", 1)
    path.write_text(text.replace("要闻正文", f"要闻正文（{n}）", 1), encoding="utf-8")


def edit_title(root: Path, n: int) -> None:
    _replace(root, "content/portal/news/second.md", "title: ", f"title: 改{n} ")


def add_page(root: Path, n: int) -> None:
    (root / f"content/portal/news/added-{n}.md").write_text(
        page(f"新增正文{n}，见[要闻](first.md)。", title=f"新增要闻{n}", date=f"2026-02-{1 + n % 27:02d}", tags=["新增"]),
        encoding="utf-8")


def delete_page(root: Path, n: int) -> None:
    added = sorted((root / "content/portal/news").glob("added-*.md"))
    (added[0] if added else root / "content/portal/news/third.md").unlink(missing_ok=True)


def rename_page(root: Path, n: int) -> None:
    source = root / "content/finance/news/budget.md"
    if source.exists():
        text = (root / "content/portal/news/first.md").read_text(encoding="utf-8").replace("budget.md", f"budget-{n}.md")
        source.rename(source.with_name(f"budget-{n}.md"))
        (root / "content/portal/news/first.md").write_text(text, encoding="utf-8")


def move_linked_page(root: Path, n: int) -> None:
    """Give the portal's article, which the finance site links to, a new address: only the portal's folder changes."""
    path = root / "content/portal/news/first.md"
    text = re.sub(r"slug: \S+\n", "", path.read_text(encoding="utf-8"))
    path.write_text(text.replace("---\n", f"---\nslug: first-{n}\n", 1), encoding="utf-8")


def link_across_sites(root: Path, n: int) -> None:
    """Text only: the finance site's article links to the town's, then no longer."""
    path = next((root / "content/finance/news").glob("budget*.md"))  # renamed by rename_page
    text = path.read_text(encoding="utf-8")
    link = "另见[镇集市](../../town/news/market.md)。"
    path.write_text(text.replace(link, "") if link in text else text.replace("预算执行情况良好", link + "预算执行情况良好", 1),
                    encoding="utf-8")


def toggle_draft(root: Path, n: int) -> None:
    path = root / "content/portal/news/pinned.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("draft: true\n", "") if "draft: true\n" in text else text.replace("---\n", "---\ndraft: true\n", 1),
                    encoding="utf-8")


def edit_template(root: Path, n: int) -> None:
    _replace(root, "themes/gov/templates/tag.html", "{% block main %}", f"{{% block main %}}<!-- v{n} -->")


def edit_macro(root: Path, n: int) -> None:
    _replace(root, "themes/gov/templates/_macros.html", '<ul class="items">', f'<ul class="items" data-v="{n}">')


def edit_css(root: Path, n: int) -> None:
    _replace(root, "themes/gov/static/css/site.css", "\n", f"\n/* v{n} */\n")


def edit_config(root: Path, n: int) -> None:
    path = root / "sites.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"title: 通知公告[^,}]*", f"title: 通知公告{n}", text), encoding="utf-8")


def edit_site_name(root: Path, n: int) -> None:
    _replace(root, "sites.yaml", "name: 测试镇人民政府", f"name: 测试镇人民政府{n}")


def edit_disclosure(root: Path, n: int) -> None:
    _replace(root, "content/portal/disclosure/rule.md", "  genre: 办法", "  genre: 通知")


def decide_submission(root: Path, n: int) -> None:
    """Submit the town's item to the portal's news (once), then adopt and decline it in turn."""
    market = root / "content/town/news/market.md"
    if "submit_to" not in market.read_text(encoding="utf-8"):
        _replace(root, "content/town/news/market.md", "title: 镇集市", "submit_to: [portal/news]\ntitle: 镇集市")
    decision = "adopted" if n % 2 else "declined"
    with (root / "content/portal/_submissions.yaml").open("a", encoding="utf-8") as fh:
        fh.write(f"- {{source: town/news/market.md, column: news, decision: {decision}, by: 编辑{n}, at: 2026-03-09}}\n")


def require_review(root: Path, n: int) -> None:
    """Turn the town's review requirement on and off: its unapproved pages leave and come back."""
    path = root / "sites.yaml"
    text = path.read_text(encoding="utf-8")
    rule = '    review: {required: true}\n'
    anchor = '    footer: {site_code: "9900000003"}\n'
    path.write_text(text.replace(rule, "") if rule in text else text.replace(anchor, anchor + rule), encoding="utf-8")


EDITS = [edit_body, edit_text_beyond_summary, link_across_sites, edit_title, add_page, delete_page, rename_page, move_linked_page, toggle_draft, edit_template,
         edit_macro, edit_css,
         edit_config, edit_site_name, edit_disclosure, decide_submission, require_review]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EDITS), min_size=1, max_size=6))
def test_incremental_build_equals_a_clean_build_after_any_edits(edits):
    with tempfile.TemporaryDirectory() as tmp:
        root = make_cluster(Path(tmp))
        assert build(root, "--no-search").exit_code == 0
        for n, edit in enumerate(edits, 1):
            edit(root, n)
            result = build(root, "--no-search")
            assert result.exit_code == 0, result.output
            assert_as_clean(root, Path(tmp) / f"clean-{n}", edits[:n])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([edit_body, edit_text_beyond_summary, link_across_sites, *EDITS]), min_size=1, max_size=6))
def test_builds_in_one_process_equal_a_clean_build_after_any_edits(edits):
    # as `sitegen serve` builds: one process, its caches kept, a page whose text alone changed taken from the last plan,
    # told which files were written as its watcher tells it
    with tempfile.TemporaryDirectory() as tmp:
        root = make_cluster(Path(tmp))
        cluster = load_config(root)
        options = BuildOptions(root=root, out=root / "build", profile=Profile(moment(NOW, cluster)), search=False)
        caches = Caches(root, keep=True)
        sitegen_build(options, caches=caches)
        for n, edit in enumerate(edits, 1):
            before = _sources(root)
            edit(root, n)
            after = _sources(root)
            touched = [path for path in before.keys() | after.keys() if before.get(path) != after.get(path)]
            sitegen_build(options, caches=caches, touched=touched)
            assert_as_clean(root, Path(tmp) / f"clean-{n}", edits[:n])


def _sources(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in ("content", "themes") for p in (root / folder).rglob("*") if p.is_file()} | \
        {root / "sites.yaml": (root / "sites.yaml").read_bytes()}


def test_a_text_edit_in_one_process_reaches_the_other_sites_that_show_the_page(cluster):
    # the town's item adopted by the portal: the portal's feed shows its summary, taken from its text
    decide_submission(cluster, 1)
    options = BuildOptions(root=cluster, out=cluster / "build", profile=Profile(moment(NOW, load_config(cluster))), search=False)
    caches = Caches(cluster, keep=True)
    sitegen_build(options, caches=caches)
    assert "第2次补充" not in (cluster / "build/portal/news/feed.xml").read_text(encoding="utf-8")
    edit_body(cluster, 2)
    sitegen_build(options, caches=caches)
    assert "第2次补充" in (cluster / "build/portal/news/feed.xml").read_text(encoding="utf-8")
    assert_as_clean(cluster, cluster.parent / "clean", [decide_submission, edit_body])


def assert_as_clean(root: Path, clean: Path, edits: list[Edit]) -> None:
    """Assert that root/build holds, byte for byte, what a clean build of root writes into `clean`."""
    assert build(root, "--no-search", "--force", "--out", str(clean)).exit_code == 0
    incremental, expected = tree(root / "build"), tree(clean)
    assert sorted(incremental) == sorted(expected), f"after {[e.__name__ for e in edits]}"
    wrong = [rel for rel in expected if incremental[rel] != expected[rel]]
    assert not wrong, f"after {[e.__name__ for e in edits]}: {wrong}"


def test_a_text_edit_refused_in_one_process_is_taken_once_it_is_fixed(cluster):
    options = BuildOptions(root=cluster, out=cluster / "build", profile=Profile(moment(NOW, load_config(cluster))), search=False)
    caches = Caches(cluster, keep=True)
    sitegen_build(options, caches=caches)
    source = cluster / "content/town/news/market.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("集市改造完成。", "集市改造完成，见[不存在](nothing.md)。"), encoding="utf-8")
    with pytest.raises(SitegenError) as refused:
        sitegen_build(options, caches=caches)
    assert "nothing.md" in refused.value.render()
    source.write_text(good, encoding="utf-8")  # back as it was when last built: the page must not keep the refused text
    sitegen_build(options, caches=caches)
    html = (cluster / "build/town/news/market/index.html").read_text(encoding="utf-8")
    assert "集市改造完成。" in html and "不存在" not in html
    source.write_text(good.replace("集市改造完成。", "集市改造完成\x07。"), encoding="utf-8")  # a control character
    with pytest.raises(SitegenError) as refused:
        sitegen_build(options, caches=caches)
    assert "content/town/news/market.md" in refused.value.render() and "U+0007" in refused.value.render()


def test_rebuild_with_nothing_changed_renders_nothing(built):
    result = build(built.parent)
    assert result.exit_code == 0
    assert "0 files written" in result.output and "rendered" not in result.output


def test_editing_one_template_renders_only_the_pages_that_use_it(built):
    tag_pages = [rel for rel in tree(built) if re.fullmatch(r"[^/]+/tags/[^/]+/(page/\d+/)?index\.html", rel)]
    _replace(built.parent, "themes/gov/templates/tag.html", "{% block main %}", "{% block main %}<!-- 新 -->")
    result = build(built.parent)
    assert f"{len(tag_pages)} files written" in result.output, result.output
    assert f"({len(tag_pages)} rendered" in result.output
    assert all("<!-- 新 -->" in (built / rel).read_text(encoding="utf-8") for rel in tag_pages)


def test_editing_one_article_renders_it_and_the_pages_that_show_it_only(built):
    total = len(tree(built))
    edit_body(built.parent, 1)
    result = build(built.parent)
    made = int(re.search(r"\((\d+) rendered", result.output).group(1))
    assert 1 <= made < total // 3, result.output
    assert "第1次补充" in (built / "town/news/market/index.html").read_text(encoding="utf-8")


def test_an_edit_that_keeps_the_size_and_time_of_a_file_is_still_seen(cluster, monkeypatch):
    # unchanged sources are known by their status, not read again; here every file counts as settled at once
    monkeypatch.setattr("sitegen.sources.known.SETTLED_NS", 0)
    assert build(cluster).exit_code == 0
    source = cluster / "content/town/news/market.md"
    before = source.stat()
    text = source.read_text(encoding="utf-8")
    assert "集市改造完成" in text
    source.write_text(text.replace("集市改造完成", "集市改建完成"), encoding="utf-8")  # as many bytes
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the time it had, as a copy keeping times does
    assert source.stat().st_size == before.st_size and source.stat().st_mtime_ns == before.st_mtime_ns
    result = build(cluster)
    assert result.exit_code == 0, result.output
    assert "集市改建完成" in (cluster / "build/town/news/market/index.html").read_text(encoding="utf-8")
    assert build(cluster).output.count("0 files written") == 1  # and known again: nothing left to do


def test_a_build_from_the_cache_reads_no_text_but_the_edited_one(built, monkeypatch):
    # the front-matter cache holds what the build needs to know of each text, not the text (15,500 pages: 61 -> 10 MB)
    cache = built.parent / ".sitegen-cache/frontmatter"
    assert [p for p in cache.glob("*.pickle") if "集市改造完成".encode() in p.read_bytes()] == []
    reread, read_again = [], SourceText.__call__
    monkeypatch.setattr(SourceText, "__call__", lambda self, page: reread.append(page.source) or read_again(self, page))
    edit_body(built.parent, 1)
    result = build(built.parent)
    assert result.exit_code == 0, result.output
    assert "第1次补充" in (built / "town/news/market/index.html").read_text(encoding="utf-8")
    # every other page was built from the cache and no text of theirs was read; the edited one's is read to convert it
    assert reread == [Path("content/town/news/market.md")]


def test_an_edit_elsewhere_keeps_the_summaries_the_portals_catalogue_takes_from_other_sites_texts(tmp_path):
    # a finance entry with no summary of its own, older than the 20 newest items the portal shows of the site: the
    # cluster-wide catalogue still lists it with the first words of its text after a build that made the town only
    config = (Path(__file__).parent / "fixtures/mini/sites.yaml").read_text(encoding="utf-8").replace(
        '    footer: {site_code: "9900000002"}\n',
        '    footer: {site_code: "9900000002"}\n    columns:\n      - {id: news, title: 工作动态, type: news}\n'
        '      - {id: disclosure, title: 政府信息公开, type: disclosure}\n', 1)
    entry = page("财政资金管理的第一句话。", title="财政资金管理办法", date="2025-01-10",
                 disclosure={"doc_no": "测财〔2025〕1号", "topic": "综合政务\\政务公开", "genre": "办法"})
    news = {f"content/finance/news/n{i}.md": page(f"动态{i}。", title=f"动态{i}", date=f"2026-02-{i + 1:02d}")
            for i in range(21)}
    root = make_cluster(tmp_path, {"sites.yaml": config, "content/finance/disclosure/fund.md": entry, **news})
    assert build(root, "--no-search").exit_code == 0
    exported = root / "build/portal/disclosure/cluster/catalogue.json"
    def summary() -> str:
        found = json.loads(exported.read_text(encoding="utf-8"))["entries"]
        return next(e["summary"] for e in found if e["title"] == "财政资金管理办法")
    assert "财政资金管理的第一句话" in summary()
    edit_body(root, 1)  # the town only
    result = build(root, "--no-search")
    assert result.exit_code == 0 and "Built 3 sites" in result.output, result.output
    assert "财政资金管理的第一句话" in summary()


def test_a_change_in_one_site_remakes_that_site_and_the_portal_only(built):
    before = {rel: (built / rel).stat().st_mtime_ns for rel in tree(built)}
    edit_body(built.parent, 1)
    result = build(built.parent)
    assert result.exit_code == 0 and "Built 3 sites" in result.output, result.output
    touched = {rel.split("/", 1)[0] for rel in tree(built) if (built / rel).stat().st_mtime_ns != before.get(rel)}
    assert touched == {"town", "portal"}
    # the portal's page showing the town's article was made again, and the result is what a build of everything makes
    assert "第1次补充" in (built / "town/news/market/index.html").read_text(encoding="utf-8")
    clean = built.parent / "clean"
    assert build(built.parent, "--force", "--out", str(clean)).exit_code == 0
    assert tree(built) == tree(clean)


def test_a_page_moved_in_one_site_changes_the_links_to_it_from_the_others(built):
    move_linked_page(built.parent, 1)
    assert build(built.parent).exit_code == 0
    budget = (built / "finance/news/budget/index.html").read_text(encoding="utf-8")
    assert "https://www.test.gov.cn/news/first-1/" in budget and "https://www.test.gov.cn/news/first/" not in budget


def test_a_page_moved_in_one_site_changes_a_percent_encoded_link_to_it_from_another(built):
    root = built.parent  # the finance site's text names no "town/" folder: only its "%" says it may link there
    _replace(root, "content/finance/news/budget.md", "预算执行情况良好", "另见[镇集市](../../%74own/news/market.md)。预算执行情况良好")
    assert build(root).exit_code == 0
    _replace(root, "content/town/news/market.md", "title: 镇集市", "slug: market-1\ntitle: 镇集市")
    assert build(root).exit_code == 0
    budget = (built / "finance/news/budget/index.html").read_text(encoding="utf-8")
    assert "/news/market-1/" in budget and "/news/market/" not in budget


def test_a_page_removed_in_one_site_is_a_broken_link_in_the_others(built):
    (built.parent / "content/portal/news/first.md").unlink()
    result = build(built.parent)
    assert result.exit_code == 1
    assert "content/finance/news/budget.md" in result.output and "does not exist" in result.output, result.output


def test_warnings_about_the_sites_not_made_again_are_still_reported(built):
    draft = page("草稿。", title="草稿", draft=True)
    (built.parent / "content/finance/news/draft.md").write_text(draft, encoding="utf-8")
    _replace(built.parent, "content/finance/news/budget.md", "预算执行情况良好", "预算执行情况良好，见[草稿](draft.md)")
    first = build(built.parent)
    assert "1 warning" in first.output, first.output
    edit_body(built.parent, 1)  # the town only
    again = build(built.parent)
    assert "1 warning" in again.output and "Built 3 sites" in again.output, again.output


def test_warnings_kept_from_a_build_in_another_language_are_said_in_this_one(built):
    draft = page("草稿。", title="草稿", draft=True)
    (built.parent / "content/finance/news/draft.md").write_text(draft, encoding="utf-8")
    _replace(built.parent, "content/finance/news/budget.md", "预算执行情况良好", "预算执行情况良好，见[草稿](draft.md)")
    assert "which this build leaves out" in build(built.parent).output  # in English (the tests' language)
    edit_body(built.parent, 1)  # the town only: the finance site's warning is kept from the last build
    again = run(built.parent, "--lang", "zh-CN", "build", "--now", NOW)
    assert again.exit_code == 0, again.output
    assert "本次生成不包含它" in again.output and "which this build leaves out" not in again.output, again.output


def test_force_renders_every_output_again(cluster):
    out = cluster / "build"
    assert build(cluster, "--no-search").exit_code == 0
    clean = tree(out)
    for rel in clean:  # nothing the build reads changed: only --force can notice and repair these
        (out / rel).write_bytes(b"edited by hand")
    result = build(cluster, "--no-search", "--force")
    assert result.exit_code == 0, result.output
    assert f"{len(clean)} files written, 0 unchanged" in result.output
    assert tree(out) == clean


def test_force_writes_the_search_indexes_again(built):
    index = built / "town/pagefind"
    for path in [p for p in index.rglob("*") if p.is_file()]:
        path.write_bytes(b"edited by hand")
    assert build(built.parent, "--force").exit_code == 0
    assert [p for p in index.rglob("*") if p.is_file() and p.read_bytes() == b"edited by hand"] == []


def test_a_build_on_two_processes_writes_the_same_tree_and_fingerprints_as_on_one(tmp_path):
    from conftest import copy_example

    root = copy_example(tmp_path / "example")
    assert build(root, "--no-search", "--jobs", "1", "--out", str(tmp_path / "one")).exit_code == 0
    assert build(root, "--no-search", "--jobs", "2", "--out", str(tmp_path / "two")).exit_code == 0
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(one) > 200 and one == two
    # digested here, or on two processes with the outputs of every site's entries digested here first
    prints = [json.loads((tmp_path / name / ".sitegen").read_text())["outputs"] for name in ("one", "two")]
    assert len(prints[0]) > 200 and prints[0] == prints[1]


def test_a_template_error_in_a_rebuild_leaves_the_previous_output_and_no_stray_files(built):
    before = tree(built)
    edit_body(built.parent, 1)
    _replace(built.parent, "themes/gov/templates/article.html", "{% block main %}", "{% block main %}{% if %}")
    result = build(built.parent)
    assert result.exit_code == 1 and "article.html" in result.output
    assert tree(built) == before
    assert not list(built.rglob("*.sitegen-tmp"))
    _replace(built.parent, "themes/gov/templates/article.html", "{% if %}", "")
    assert build(built.parent).exit_code == 0
    assert "第1次补充" in (built / "town/news/market/index.html").read_text(encoding="utf-8")


def test_a_deleted_output_file_is_made_again(built):
    untouched = built / "finance/news/budget/index.html"  # another site's article: the edit below changes nothing in it
    before = untouched.read_bytes()
    untouched.unlink()
    edit_body(built.parent, 1)  # any change: a build with no change at all trusts its manifest
    result = build(built.parent)
    assert result.exit_code == 0, result.output
    assert untouched.read_bytes() == before


def test_a_failed_build_removes_the_new_files_it_had_written(built):
    before = tree(built)
    add_page(built.parent, 9)  # a new article (written first) with a new tag (whose page fails)
    _replace(built.parent, "themes/gov/templates/tag.html", "{% block main %}", "{% block main %}{{ missing_helper() }}")
    result = build(built.parent)
    assert result.exit_code != 0 and "tag.html" in result.output
    assert tree(built) == before
    assert not (built / "portal/news/added-9").exists()


def test_a_build_whose_indexing_fails_is_not_skipped_by_the_next(built, monkeypatch):
    from sitegen import build as build_module
    from sitegen.errors import BuildError, Problem

    path = built.parent / "content/town/news/market.md"
    original = path.read_text(encoding="utf-8")
    edit_body(built.parent, 1)

    def failing(*args, **kwargs):
        raise BuildError(Problem("search index of site 'town' failed: killed"))

    monkeypatch.setattr(build_module, "write_indexes", failing)
    assert build(built.parent).exit_code == 1  # the pages were written, the index was not
    assert "第1次补充" in (built / "town/news/market/index.html").read_text(encoding="utf-8")
    monkeypatch.undo()
    path.write_text(original, encoding="utf-8")  # back to what the last complete build read
    assert build(built.parent).exit_code == 0
    assert "第1次补充" not in (built / "town/news/market/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("expression", ["{{ portal.footer }}", "{{ cluster.sites['town'].footer }}", "{{ profile.now }}",
                                        "{{ cluster.deploy }}", "{{ cluster.root }}"])
def test_a_template_cannot_show_what_no_fingerprint_covers(tmp_path, expression):
    root = make_cluster(tmp_path, {"content/finance/_theme/templates/404.html": "{% extends 'base.html' %}{% block main %}"
                                   + expression + "{% endblock %}"})
    result = build(root, "--no-search")
    assert result.exit_code == 1, result.output
    assert "content/finance/_theme/templates/404.html:1: template error" in result.output
