"""Rebuilds: byte-identical output, only changed files written, stale files removed."""
from __future__ import annotations

from conftest import build, page, tree


def test_two_builds_of_the_same_input_are_byte_identical(cluster, tmp_path):
    assert build(cluster, "--out", str(tmp_path / "a")).exit_code == 0
    assert build(cluster, "--out", str(tmp_path / "b")).exit_code == 0
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a == b
    assert len(a) > 40


def test_urls_do_not_depend_on_build_order_or_time(cluster, tmp_path):
    assert build(cluster, "--out", str(tmp_path / "a"), "--now", "2026-03-10 12:00").exit_code == 0
    assert build(cluster, "--out", str(tmp_path / "b"), "--now", "2026-09-01 08:00").exit_code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")  # same pages admitted: nothing else may change


def test_rebuild_without_changes_writes_nothing(built):
    result = build(built.parent)
    assert "0 files written" in result.output and "0 removed" in result.output


def test_changing_one_page_rewrites_only_what_shows_it(built):
    before = tree(built)
    path = built.parent / "content/town/news/market.md"
    path.write_text(path.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造全部完成。"), encoding="utf-8")
    assert build(built.parent).exit_code == 0
    after = tree(built)
    changed = sorted(rel for rel in after if after[rel] != before.get(rel))
    assert "town/news/market/index.html" in changed
    # the portal home shows the item, and the portal searches the whole cluster
    assert all(rel.startswith(("town/", "portal/index.html", "portal/pagefind/")) for rel in changed), changed


def test_deleted_page_and_its_files_are_removed(built):
    (built.parent / "content/portal/notices/notice.md").unlink()
    result = build(built.parent)
    assert result.exit_code == 0
    assert not (built / "portal/notices/notice").exists()
    assert "2 removed" in result.output  # the page and its attachment


def test_site_removed_from_the_cluster_is_removed_from_the_output(built):
    root = built.parent
    yaml_text = (root / "sites.yaml").read_text(encoding="utf-8")
    head, _, _ = yaml_text.partition("  - id: town")
    (root / "sites.yaml").write_text(head, encoding="utf-8")
    (root / "content/portal/news/first.md").write_text(page("无链接。", title="第一条要闻"), encoding="utf-8")
    for md in (root / "content/town").rglob("*"):
        md.unlink() if md.is_file() else None
    import shutil

    shutil.rmtree(root / "content/town")
    assert build(root).exit_code == 0
    assert not (built / "town").exists()
