"""A job made from another job's output (a page's 繁體 counterpart) comes right after it and reuses its bytes."""
from __future__ import annotations

from sitegen.job import Job
from sitegen.write import produce


def test_a_derived_job_follows_its_base_and_reuses_its_output(tmp_path):
    made = []

    def base_make() -> bytes:
        made.append("base")
        return b"<p>simplified</p>"

    base = Job("a/index.html", (), base_make, "html")
    derived = Job("zh-hant/a/index.html", (), lambda: made.append("derived alone") or b"x", "html:zh-hant",
                  base=base_make, derive=lambda data: data.replace(b"simplified", b"traditional"))
    other = Job("b/index.html", (), lambda: b"b", "html")
    order = produce.paired([derived, other, base.placed("site/a/index.html")])
    assert [j.rel for j in order] == ["b/index.html", "site/a/index.html", "zh-hant/a/index.html"]

    class Stage:
        out_dir = tmp_path

        @staticmethod
        def stage(rel, data, existed):
            (tmp_path / rel.replace("/", "_")).write_bytes(data)
            return True

    for job in order:
        produce._make(Stage, set(), job)
    assert made == ["base"]  # the base was rendered once, for both files
    assert (tmp_path / "zh-hant_a_index.html").read_bytes() == b"<p>traditional</p>"
    # without its base just before it, the derived job makes itself from nothing
    produce._make(Stage, set(), derived)
    assert made == ["base", "derived alone"]
