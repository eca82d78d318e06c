"""The publishing profile is applied once, at load: nothing downstream can leak what it leaves out."""
from __future__ import annotations

import lxml.html

from conftest import build, make_cluster, page, tree

CANARY = "CANARY-9d1e-内部"


def leaks(folder, needle: str) -> list[str]:
    """Return every output file containing `needle` (raw or percent-encoded slug)."""
    return [rel for rel, data in tree(folder).items() if needle.encode("utf-8") in data or needle in rel]


def test_internal_pages_never_reach_public_output(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/news/secret.md": page(f"{CANARY} 正文", title=f"内部 {CANARY}", date="2026-03-09",
                                              visibility="internal", tags=[CANARY], summary=CANARY),
        "content/town/news/secret-town.md": page(CANARY, title=CANARY, date="2026-03-09", visibility="internal"),
    })
    assert build(root).exit_code == 0
    out = root / "build"
    assert leaks(out, CANARY) == []
    assert leaks(out, "secret") == []  # nor its URL in listings, feeds, sitemaps or tag pages
    assert build(root, "--profile", "internal", "--out", str(tmp_path / "internal")).exit_code == 0
    found = leaks(tmp_path / "internal", CANARY)
    assert "portal/news/secret/index.html" in found
    assert "portal/feed.xml" in found and "portal/tags/canary-9d1e-内部/index.html" in found
    assert "news/secret/" in (tmp_path / "internal/portal/sitemap.xml").read_text(encoding="utf-8")
    assert "内部版本" in (tmp_path / "internal/portal/index.html").read_text(encoding="utf-8")


def test_drafts_appear_only_with_the_drafts_flag(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/draft.md": page("草稿正文", title="草稿标题", draft=True)})
    assert build(root).exit_code == 0
    assert leaks(root / "build", "草稿标题") == []
    assert build(root, "--drafts").exit_code == 0  # into build-drafts/: drafts never share a folder with a public build
    assert (root / "build-drafts/portal/news/draft/index.html").exists()
    draft = lxml.html.fromstring((root / "build-drafts/portal/news/draft/index.html").read_bytes())
    assert draft.xpath("//h1/span[contains(@class, 'badge-draft')]/text()") == ["草稿"]
    assert any("草稿标题" in (root / "build-drafts/portal/news" / rel).read_text(encoding="utf-8")
               for rel in ("index.html", "page/2/index.html", "page/3/index.html"))


def test_publish_at_and_expire_at_follow_the_clock(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/news/later.md": page(title="定时发布", publish_at="2026-03-20 08:00"),
        "content/portal/news/gone.md": page(title="已过期", expire_at="2026-03-05"),
    })
    assert build(root, "--now", "2026-03-10 12:00").exit_code == 0
    assert leaks(root / "build", "定时发布") == []
    assert (root / "build/portal/news/gone/index.html").exists() is False
    assert build(root, "--now", "2026-03-04").exit_code == 0
    assert (root / "build/portal/news/gone/index.html").exists()
    assert build(root, "--now", "2026-03-20 08:00").exit_code == 0
    assert (root / "build/portal/news/later/index.html").exists()
    assert not (root / "build/portal/news/gone/index.html").exists()  # removed again once expired


def test_link_to_a_withheld_page_becomes_text_with_a_warning(tmp_path):
    root = make_cluster(tmp_path, {
        "content/portal/news/secret.md": page(CANARY, title="内部", visibility="internal"),
        "content/portal/news/open.md": page("见[内部文件](secret.md)。", title="公开"),
    })
    result = build(root)
    assert result.exit_code == 0
    assert "warning" in result.output and "content/portal/news/open.md" in result.output
    html = (root / "build/portal/news/open/index.html").read_text(encoding="utf-8")
    assert "见内部文件。" in html and "secret" not in html


def test_bad_now_is_a_usage_error(cluster):
    result = build(cluster, "--now", "yesterday")
    assert result.exit_code == 2
    assert "--now" in result.output and "YYYY-MM-DD" in result.output
