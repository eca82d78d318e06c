"""inputs.again: the digests of a build's inputs worked out again from the few text sources a watcher saw written."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_cluster
from sitegen.config.loader import load_config
from sitegen.incremental import inputs
from sitegen.sources.known import KnownSources


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_cluster(tmp_path)


def _digest(root: Path, keep: bool = True, settings: str = "s") -> inputs.Digests:
    return inputs.digest(load_config(root), settings, "p", KnownSources(None), keep)


def _same(a: inputs.Digests, b: inputs.Digests) -> None:
    assert (a.total, a.shared, a.sites, a.files, a.layouts) == (b.total, b.shared, b.sites, b.files, b.layouts)


def test_digests_made_again_from_the_edited_sources_equal_a_full_reading(root):
    last = _digest(root)
    edited = [root / "content/town/news/market.md", root / "content/portal/news/first.md"]
    for path in edited:
        path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    again = inputs.again(last, [str(p) for p in edited], "s", "p", KnownSources(None))
    assert again is not None and again.total != last.total
    assert {s for s in again.sites if again.sites[s] != last.sites[s]} == {"town", "portal"}
    _same(again, _digest(root))
    # and from those digests again, after one more edit
    edited[0].write_text(edited[0].read_text(encoding="utf-8") + "\n再补充。\n", encoding="utf-8")
    _same(inputs.again(again, [str(edited[0])], "s", "p", KnownSources(None)), _digest(root))


def test_only_the_sources_named_are_read_again(root):
    last = _digest(root)
    path = root / "content/town/news/market.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert inputs.again(last, [], "s", "p", KnownSources(None)).total == last.total  # the watcher's word is taken


@pytest.mark.parametrize("change", ["added", "removed", "sites.yaml", "theme", "settings", "not kept", "now a link"])
def test_any_change_but_the_text_of_a_known_source_needs_a_full_reading(root, change):
    last = _digest(root, keep=change != "not kept")
    market = root / "content/town/news/market.md"
    touched = {
        "added": root / "content/town/news/new.md",
        "removed": market,
        "sites.yaml": root / "sites.yaml",
        "theme": root / "themes/gov/templates/base.html",
        "now a link": market,
    }.get(change, market)
    if change == "added":
        touched.write_text(market.read_text(encoding="utf-8"), encoding="utf-8")
    elif change == "removed":
        market.unlink()
    elif change == "now a link":
        copy = root / "content/town/news/market.txt"
        market.rename(copy)
        market.symlink_to(copy.name)
    else:
        touched.write_text(touched.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert inputs.again(last, [str(touched)], "other" if change == "settings" else "s", "p", KnownSources(None)) is None


def test_other_files_of_a_site_are_digested_again_with_its_texts(root):
    image = root / "content/town/news/photo.jpg"
    image.write_bytes(b"\xff\xd8one")
    last = _digest(root)
    image.write_bytes(b"\xff\xd8two, longer")
    again = inputs.again(last, [str(image)], "s", "p", KnownSources(None))
    assert again is not None and again.layouts["town"] != last.layouts["town"]
    _same(again, _digest(root))


def test_a_file_made_and_removed_since_changes_nothing(root):
    last = _digest(root)
    scratch = root / "content/town/news/4913"  # as an editor probes a folder before saving
    scratch.write_text("x", encoding="utf-8")
    scratch.unlink()
    again = inputs.again(last, [str(scratch)], "s", "p", KnownSources(None))
    assert again is not None and again.total == last.total


def test_a_folder_moved_away_needs_a_full_reading(root):
    last = _digest(root)
    folder = root / "content/town/news"
    folder.rename(root / "news-elsewhere")
    assert inputs.again(last, [str(folder)], "s", "p", KnownSources(None)) is None


def test_a_link_in_a_sites_folder_keeps_no_parts(root):
    # an edit of the file it leads to is seen under that file's name only: the link's digest could not follow
    (root / "content/town/news/market-link.md").symlink_to("market.md")
    assert _digest(root).parts is None
