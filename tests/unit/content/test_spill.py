"""Converted HTML kept in a build's spill instead of memory: read back as it was, by forked render processes too, and
digested without being read, as the same HTML held in memory is."""
from __future__ import annotations

import pickle

import pytest

from sitegen import workers
from sitegen.content.cache import Shelf
from sitegen.content.spill import Spill
from sitegen.digests import hexdigest
from sitegen.incremental.fingerprint import Digester

HTML = ["<p>关于做好2026年春耕生产工作的通知</p>" * 40, "<p>短</p>", "<h2 id=\"一\">一、总体要求</h2>\n<p>😀 \ud800</p>"]


@pytest.mark.parametrize("batch", [Spill.BATCH, 16])  # written at the end, or as it is put
def test_spilled_html_reads_back_as_it_was_with_its_digest(tmp_path, batch):
    with Spill(tmp_path) as spill:
        spill.BATCH = batch
        spilled = [spill.put(html) for html in HTML]
        assert [s() for s in reversed(spilled)] == list(reversed(HTML))
        assert [s.digest for s in spilled] == [hexdigest(html) for html in HTML]
    assert list(tmp_path.iterdir()) == []  # an unnamed file: nothing is left behind


def test_forked_render_processes_read_the_spill(tmp_path):
    with Spill(tmp_path) as spill:
        spilled = [spill.put(f"<p>第{i}篇</p>") for i in range(workers.MIN_PARALLEL * 2)]
        assert list(workers.run(lambda s: s(), spilled, 2)) == [f"<p>第{i}篇</p>" for i in range(workers.MIN_PARALLEL * 2)]


def test_a_closed_spill_is_never_read(tmp_path):
    with Spill(tmp_path) as spill:
        spilled = spill.put("<p>正文</p>")
    with pytest.raises(ValueError):
        spilled()


def test_a_page_with_spilled_html_shows_it_and_keeps_its_fingerprint(tmp_path, make_page):
    held, spilled = make_page(html=HTML[0]), make_page(html=HTML[0])
    with Spill(tmp_path) as spill:
        spilled.html = spill.put(HTML[0])
        assert spilled.__dict__["_html"] is not HTML[0]
        assert spilled.html == HTML[0]
        # a folder built with spilled HTML (`sitegen build`) is not made again by a build that holds it (`check`, `serve`)
        assert Digester().page(spilled) == Digester().page(held)
        assert Digester().page(spilled) != Digester().page(make_page(html=HTML[1]))


def test_the_cache_stores_spilled_html_as_text(tmp_path):
    shelf = Shelf(tmp_path, "markdown")
    with Spill(tmp_path / "spill") as spill:
        shelf.put("portal", "content/portal/news/a.md", ("key", spill.put(HTML[0]), [], "摘要"))
        shelf.save()
    with (tmp_path / ".sitegen-cache" / "markdown" / "portal.pickle").open("rb") as fh:
        _version, entries = pickle.load(fh)
    assert entries == {"content/portal/news/a.md": ("key", HTML[0], [], "摘要")}
