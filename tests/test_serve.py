"""sitegen serve: builds into a preview folder, rebuilds on save, reloads open pages, shows build errors in them."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from conftest import build, make_cluster, page

MARKET = "content/town/news/market.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(root: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `sitegen serve` on a cluster; yield (portal URL, process, whose output is captured)."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sitegen.cli", "--root", str(root), "serve", "--port", str(port),
                             "--now", "2026-03-10 12:00"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield _wait_for(f"http://127.0.0.1:{port}/"), proc
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.fixture
def served(tmp_path):
    """A mini cluster under `sitegen serve`; yields (root, portal URL, process)."""
    root = make_cluster(tmp_path, {"content/portal/news/draft.md": page("草稿正文。", title="未发布的草稿", draft=True)})
    with serving(root) as (base, proc):
        yield root, base, proc


def _wait_for(base: str) -> str:
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return base


class Events:
    """Reads the preview's server-sent events in a thread."""

    def __init__(self, base: str):
        self.states: list[dict] = []
        self.stream = urllib.request.urlopen(base + "__sitegen/events", timeout=30)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.stream:
            line = raw.decode("utf-8").strip()
            if line.startswith("data: "):
                self.states.append(json.loads(line[6:]))

    def next(self, after: int, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.states) > after:
                return self.states[after]
            time.sleep(0.02)
        raise AssertionError(f"no build reported within {timeout} s")


def _get(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.read().decode("utf-8")


def test_serve_builds_drafts_into_the_preview_folder_not_build(served):
    root, base, _ = served
    home = _get(base)
    assert "未发布的草稿" in home and "草稿" in home
    assert '<script src="/__sitegen/live.js"></script>' in home
    assert not (root / "build").exists()
    assert "未发布的草稿" in (root / ".sitegen-cache/preview/portal/index.html").read_text(encoding="utf-8")
    assert build(root).exit_code == 0  # the real build, beside the running preview, leaves the draft out
    assert "未发布的草稿" not in (root / "build/portal/index.html").read_text(encoding="utf-8")


def test_a_saved_change_is_rebuilt_and_announced_to_open_pages(served):
    root, base, proc = served
    events = Events(base)
    first = events.next(0)
    path = root / MARKET
    path.write_text(path.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造全部完成，新摊位投用。"), encoding="utf-8")
    state = events.next(1)
    assert state["generation"] > first["generation"] and state["error"] == ""
    assert "新摊位投用" in _get(base + "town/news/market/")


def test_a_build_error_shows_in_the_page_and_the_server_recovers_when_fixed(served):
    root, base, proc = served
    events = Events(base)
    events.next(0)
    path = root / MARKET
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("date: 2026-03-04", "date: 2026-02-30"), encoding="utf-8")
    state = events.next(1)
    assert "content/town/news/market.md:3" in state["error"] and "not a real date" in state["error"]
    assert "集市改造完成" in _get(base + "town/news/market/")  # the last good build is still served
    path.write_text(good.replace("集市改造完成。", "集市改造修好了。"), encoding="utf-8")
    state = events.next(2)
    assert state["error"] == ""
    assert "集市改造修好了" in _get(base + "town/news/market/")
    (root / "content/town/[bold]").mkdir()  # a folder name that looks like terminal markup
    (root / "content/town/[bold]/x.md").write_text(page(), encoding="utf-8")
    state = events.next(3)
    assert "unknown column '[bold]'" in state["error"]
    proc.terminate()
    terminal = proc.communicate(timeout=10)[0]
    assert "content/town/news/market.md:3" in terminal and "not a real date" in terminal
    assert state["error"].splitlines()[0] in terminal  # printed as it is, brackets and all
    assert "still serving the last good build" in terminal


def test_a_page_open_in_chromium_reloads_itself_and_shows_a_build_error(served, browser):
    root, base, _ = served
    tab = browser.new_page()
    tab.goto(base + "town/news/market/")
    tab.wait_for_function("() => document.body !== null")
    time.sleep(0.5)  # let the page's event stream connect
    path = root / MARKET
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("镇集市升级改造完成", "镇集市升级改造全面完成"), encoding="utf-8")
    tab.wait_for_function("() => document.querySelector('h1').textContent.includes('全面完成')", timeout=20000)
    path.write_text(good.replace("title: 镇集市升级改造完成", "title: [未闭合"), encoding="utf-8")  # brackets: not markup
    alert = tab.locator("[role=alert]")
    alert.wait_for(timeout=20000)
    assert "market.md" in alert.text_content()
    path.write_text(good, encoding="utf-8")
    tab.wait_for_function("() => !document.querySelector('[role=alert]')", timeout=20000)
    assert "镇集市升级改造完成" in tab.locator("h1").text_content()


def test_a_template_override_added_while_serving_is_used(tmp_path):
    """The site's override folder already exists: only the new file in it changes the template chain."""
    root = make_cluster(tmp_path, {"content/town/_theme/templates/_note.html": "<p>note</p>"})
    with serving(root) as (base, _):
        events = Events(base)
        events.next(0)
        shared = (root / "themes/gov/templates/article.html").read_text(encoding="utf-8")
        (root / "content/town/_theme/templates/article.html").write_text(
            shared.replace("{% block main %}", "{% block main %}<p>镇里的文章样式</p>"), encoding="utf-8")
        events.next(1)
        deadline = time.monotonic() + 20
        while "镇里的文章样式" not in _get(base + "town/news/market/") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "镇里的文章样式" in _get(base + "town/news/market/")
        assert "镇里的文章样式" not in _get(base + "news/first/")


def test_a_logo_outside_content_and_themes_is_watched(tmp_path):
    yaml_text = (make_cluster(tmp_path / "base") / "sites.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("    url: /town/\n", "    url: /town/\n    theme_options: {logo: assets/town-logo.png}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml_text, "assets/town-logo.png": b"\x89PNG old"})
    with serving(root) as (base, _):
        events = Events(base)
        events.next(0)
        time.sleep(0.3)  # the watches are set up after the first build
        (root / "assets/town-logo.png").write_bytes(b"\x89PNG new")
        events.next(1)
        assert urllib.request.urlopen(base + "town/static/logo.png", timeout=5).read() == b"\x89PNG new"
