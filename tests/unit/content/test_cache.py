"""The caches kept between builds: what they give back, and what writing them costs the build that goes on."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

from sitegen.content.cache import Shelf

TEXT = "关于进一步加强森林防火工作的通知。各乡镇人民政府、县直各单位：" * 150  # about 4,700 characters
ASCII = "Notice of the county government on forest fire prevention. " * 80


def _entries(count: int) -> dict[str, tuple]:
    # entries holding long texts, as the Markdown cache's hold pages' HTML; each text its own object, as pages' are
    return {f"news/n{i}.md": (f"key{i}", ({"title": "通知"}, {"title": 2}, f"{TEXT}{i}", 5)) for i in range(count)}


def test_written_entries_come_back_equal(tmp_path: Path) -> None:
    shelf = Shelf(tmp_path, "frontmatter")
    entries = {**_entries(3), "en.md": ("k", ({}, {}, ASCII, 4)), "odd.md": ("k2", ({}, {}, "a\udc80b" * 200, 4))}
    for key, value in entries.items():
        shelf.put("d01", key, value)
    shelf.save()
    again = Shelf(tmp_path, "frontmatter")
    assert {key: again.get("d01", key) for key in entries} == entries


def test_writing_keeps_no_second_form_of_the_texts_in_memory(tmp_path: Path) -> None:
    # the pages' texts live to the end of a build: writing the cache must not leave a UTF-8 copy inside each of them
    shelf = Shelf(tmp_path, "frontmatter")
    entries = _entries(200)
    for key, value in entries.items():
        shelf.put("d01", key, value)
    text_bytes = sum(len(v[1][2].encode()) for v in entries.values())  # about 2.8 MB
    tracemalloc.start()
    try:
        shelf.save()
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < text_bytes / 10, f"{held:,} bytes still held after writing {text_bytes:,} bytes of text"
    assert (tmp_path / ".sitegen-cache" / "frontmatter" / "d01.pickle").stat().st_size > text_bytes


def test_a_settled_shelf_keeps_what_it_wrote_when_an_entry_is_added_later(tmp_path: Path) -> None:
    # the build writes the front-matter cache before rendering and lets it go; 索引号 stores may still be added after
    shelf = Shelf(tmp_path, "frontmatter")
    for key, value in _entries(3).items():
        shelf.put("d01", key, value)
    shelf.settle()
    shelf.put("d01", "disclosure/_index_numbers.yaml", ("text", {"next": 4}))
    shelf.save()
    again = Shelf(tmp_path, "frontmatter")
    assert [again.get("d01", key) for key in _entries(3)] == list(_entries(3).values())
    assert again.get("d01", "disclosure/_index_numbers.yaml") == ("text", {"next": 4})
