"""Compiled templates kept between builds: used while their file is unchanged, never a reason for a build to fail."""
from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.outputs import theme as themes
from sitegen.outputs.theme import Theme, environment


def theme(tmp_path: Path, text: str) -> Theme:
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "page.html").write_text(text, encoding="utf-8")
    return Theme((templates,), (), compiled=tmp_path / "compiled")


def test_a_kept_template_is_used_only_while_its_file_is_unchanged(tmp_path, monkeypatch):
    assert environment(theme(tmp_path, "one {{ n }}")).get_template("page.html").render(n=1) == "one 1"
    kept = list((tmp_path / "compiled").glob("trusted-*/*.cache"))
    assert len(kept) == 1
    monkeypatch.setattr(themes, "_ENVS", {})  # as in a new process: only the kept file remembers the template
    assert environment(theme(tmp_path, "two {{ n }}")).get_template("page.html").render(n=2) == "two 2"
    monkeypatch.setattr(themes, "_ENVS", {})
    kept[0].write_bytes(kept[0].read_bytes().replace(b"two", b"TWO"))  # what is kept is what is read
    assert environment(theme(tmp_path, "two {{ n }}")).get_template("page.html").render(n=3) == "TWO 3"


def test_a_store_removed_while_running_only_means_compiling_again(tmp_path):
    env = environment(theme(tmp_path, "{{ n }}"))
    shutil.rmtree(tmp_path / "compiled")
    (tmp_path / "templates/other.html").write_text("other {{ n }}", encoding="utf-8")
    assert env.get_template("other.html").render(n=4) == "other 4"
