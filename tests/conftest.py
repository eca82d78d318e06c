"""Fixture clusters and helpers: build a small real cluster in a temporary folder and run the CLI on it."""
from __future__ import annotations

import os
import shutil

# the tests read sitegen's messages in English (--lang en); tests of the Chinese messages say so
os.environ["SITEGEN_LANG"] = "en"

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitegen.cli import cli
from sitegen.outputs.theme import SHIPPED_THEMES

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = "2026-03-10 12:00"


def make_cluster(tmp_path: Path, files: dict[str, str | bytes | None] | None = None, base: str = "mini") -> Path:
    """Copy fixture cluster `base` to tmp_path/cluster with a copy of the shipped themes in its themes/, then apply `files`.

    A value of None deletes the file; str is written as UTF-8, bytes as they are.
    """
    root = tmp_path / "cluster"
    shutil.copytree(FIXTURES / base, root)
    shutil.copytree(SHIPPED_THEMES, root / "themes")  # the cluster's own copy: tests edit it
    write_files(root, files or {})
    return root


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write files below `root`: None deletes, str is written as UTF-8, bytes as they are."""
    for rel, data in files.items():
        path = root / rel
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def assert_refused(root: Path, change: Callable[[Path], object], expected: list[str]) -> Result:
    """Build, make `change`, build again: exit 1 with every expected text, no traceback, the previous output unchanged."""
    assert build(root, "--no-search").exit_code == 0
    before = tree(root / "build")
    change(root)
    result = build(root, "--no-search")
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output, result.output
    assert "Traceback" not in result.output and "bug in sitegen" not in result.output
    assert tree(root / "build") == before
    return result


def copy_example(dest: Path) -> Path:
    """Copy the bundled example cluster (sites.yaml, content/; its theme is the shipped one) to `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "sites.yaml", dest / "sites.yaml")
    shutil.copytree(REPO / "content", dest / "content")
    return dest


def run(root: Path, *args: str) -> Result:
    """Run `sitegen --root ROOT ARGS...` through click's runner."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def build(root: Path, *args: str) -> Result:
    """Run `sitegen build --now NOW ARGS...` (a fixed clock keeps the fixtures stable)."""
    return run(root, "build", "--now", NOW, *args)


def tree(folder: Path) -> dict[str, bytes]:
    """Return every published file below `folder` with its bytes (not the build manifest beside the sites)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.parent != folder}


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


CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def need(binary: Path, what: str) -> None:
    """Skip when a real dependency is missing on a developer machine; fail in CI, which must have it."""
    if binary.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} ({binary}) is missing in CI: .ci/run must install it")
    pytest.skip(f"{what} not installed ({binary})")


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's), driven by Playwright."""
    need(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serve(root: Path, out: Path | None = None, local: bool = False) -> dict[str, str]:
    """Serve a built cluster with `sitegen serve`'s preview servers; return site id -> its base URL. With `local`, links
    in HTML to the cluster's hosts lead to their preview servers (the portal's search reads every site's index)."""
    from sitegen.config.loader import load_config
    from sitegen.serve import server

    cluster = load_config(root)
    addresses = {}
    for host, running in server.start(cluster, out or root / "build", port=0, local=local):
        for site in host.sites:
            addresses[site.id] = f"http://127.0.0.1:{running.server_address[1]}{site.prefix}"
    return addresses
