"""Fixture clusters and helpers: build a small real cluster in a temporary folder and run the CLI on it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitegen.cli import cli

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = "2026-03-10 12:00"


def make_cluster(tmp_path: Path, files: dict[str, str | bytes | None] | None = None, base: str = "mini") -> Path:
    """Copy fixture cluster `base` (with the repository's themes) to tmp_path/cluster, then apply `files`.

    A value of None deletes the file; str is written as UTF-8, bytes as they are.
    """
    root = tmp_path / "cluster"
    shutil.copytree(FIXTURES / base, root)
    shutil.copytree(REPO / "themes", root / "themes")
    for rel, data in (files or {}).items():
        path = root / rel
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def run(root: Path, *args: str) -> Result:
    """Run `sitegen --root ROOT ARGS...` through click's runner."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def build(root: Path, *args: str) -> Result:
    """Run `sitegen build --now NOW ARGS...` (a fixed clock keeps the fixtures stable)."""
    return run(root, "build", "--now", NOW, *args)


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file below `folder` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page(text: str = "正文。", **front: object) -> str:
    """Return a content file with the given front matter (title and date filled in unless given)."""
    import yaml

    meta = {"title": "标题", "date": "2026-03-01", **front}
    meta = {k: v for k, v in meta.items() if v is not None}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + text + "\n"


@pytest.fixture
def cluster(tmp_path: Path) -> Path:
    """A fresh copy of the mini fixture cluster."""
    return make_cluster(tmp_path)


@pytest.fixture
def built(cluster: Path) -> Path:
    """The mini cluster, built into cluster/build; returns the build folder."""
    result = build(cluster)
    assert result.exit_code == 0, result.output
    return cluster / "build"
