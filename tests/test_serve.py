"""sitegen serve: builds into a preview folder, rebuilds on save, reloads open pages, shows build errors in them."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import build, make_cluster, page, run
from sitegen.outputs.theme import SHIPPED_THEMES

MARKET = "content/town/news/market.md"
READY = "Serving "  # how `sitegen serve` starts the line it prints once it serves and its watches are set up


def _free_port() -> int:
    """Return a free port whose next one is free too: own-host sites are served on the ports after the portal's."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue


def _until(condition: Callable[[], object], what: str, timeout: float = 20) -> None:
    """Return as soon as `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.02)


class Preview:
    """A running `sitegen serve`: its portal URL and everything it printed (stdout and stderr, read in a thread)."""

    def __init__(self, root: Path, *args: str):
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}/"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitegen.cli", "--root", str(root), "serve", "--port", str(port), "--now", "2026-03-10 12:00",
             *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            if line.startswith(READY):
                self.ready.set()
        self.ready.set()  # the process ended: stop waiting for it

    def wait_until_ready(self, timeout: float = 60) -> None:
        """Wait for the readiness line: from then on every saved source is seen."""
        if not self.ready.wait(timeout) or not any(line.startswith(READY) for line in self.lines):
            raise AssertionError(f"sitegen serve did not start within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> str:
        """Stop the server (if it still runs); return everything it printed."""
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(10)
        self.reader.join(10)
        return self.output()


@contextmanager
def serving(root: Path, *args: str) -> Iterator[Preview]:
    """Run `sitegen serve ARGS...` on a cluster until it is ready; stop it afterwards."""
    preview = Preview(root, *args)
    try:
        preview.wait_until_ready()
        yield preview
    finally:
        preview.stop()


@pytest.fixture
def served(tmp_path):
    """A mini cluster under `sitegen serve`; yields (root, preview)."""
    root = make_cluster(tmp_path, {"content/portal/news/draft.md": page("草稿正文。", title="未发布的草稿", draft=True)})
    with serving(root) as preview:
        yield root, preview


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
        """Return the state sent after the first `after` ones, waiting for it."""
        _until(lambda: len(self.states) > after, f"state {after + 1} (a build) to be reported", timeout)
        return self.states[after]


def _get(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.read().decode("utf-8")


def _listening(base: str) -> int:
    """Return how many open pages the preview tells of its builds (their event streams got the state)."""
    return json.loads(_get(base + "__sitegen/state"))["clients"]


def test_serve_builds_drafts_into_the_preview_folder_not_build(served):
    root, preview = served
    base = preview.base
    home = _get(base)
    assert "未发布的草稿" in home and "草稿" in home
    assert '<script src="/__sitegen/live.js"></script>' in home
    assert not (root / "build").exists()
    assert "未发布的草稿" in (root / ".sitegen-cache/preview/portal/index.html").read_text(encoding="utf-8")
    assert build(root).exit_code == 0  # the real build, beside the running preview, leaves the draft out
    assert "未发布的草稿" not in (root / "build/portal/index.html").read_text(encoding="utf-8")


def test_a_saved_change_is_rebuilt_and_announced_to_open_pages(served):
    root, preview = served
    base = preview.base
    events = Events(base)
    first = events.next(0)
    path = root / MARKET
    path.write_text(path.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造全部完成，新摊位投用。"), encoding="utf-8")
    state = events.next(1)
    assert state["generation"] > first["generation"] and state["error"] == ""
    assert "新摊位投用" in _get(base + "town/news/market/")


def test_a_build_error_shows_in_the_page_and_the_server_recovers_when_fixed(served):
    root, preview = served
    base = preview.base
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
    terminal = preview.stop()
    assert "content/town/news/market.md:3" in terminal and "not a real date" in terminal
    assert state["error"].splitlines()[0] in terminal  # printed as it is, brackets and all
    assert "still serving the last good build" in terminal


def test_the_preview_state_counts_the_pages_listening_for_builds(served):
    _, preview = served
    assert _listening(preview.base) == 0
    first, second = Events(preview.base), Events(preview.base)
    generation = first.next(0)["generation"]
    assert second.next(0)["generation"] == generation
    _until(lambda: _listening(preview.base) == 2, "both event streams to be counted")
    state = json.loads(_get(preview.base + "__sitegen/state"))
    assert (state["generation"], state["error"]) == (generation, "")


def test_a_page_open_in_chromium_reloads_itself_and_shows_a_build_error(served, browser):
    root, preview = served
    base = preview.base
    tab = browser.new_page()
    tab.goto(base + "town/news/market/")
    _until(lambda: _listening(base) == 1, "the page's event stream to connect")
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
    with serving(root) as preview:
        base = preview.base
        events = Events(base)
        events.next(0)
        shared = (root / "themes/gov/templates/article.html").read_text(encoding="utf-8")
        (root / "content/town/_theme/templates/article.html").write_text(
            shared.replace("{% block main %}", "{% block main %}<p>镇里的文章样式</p>"), encoding="utf-8")
        events.next(1)
        _until(lambda: "镇里的文章样式" in _get(base + "town/news/market/"), "the override to be used")
        assert "镇里的文章样式" not in _get(base + "news/first/")


def test_a_template_override_added_after_a_rebuild_is_used(tmp_path):
    root = make_cluster(tmp_path, {"content/town/_theme/templates/_note.html": "<p>note</p>"})
    with serving(root) as preview:
        base = preview.base
        events = Events(base)
        events.next(0)
        path = root / MARKET
        path.write_text(path.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造全部完成。"), encoding="utf-8")
        events.next(1)  # a small rebuild: rendered in the serve process itself, not in forked workers
        assert "集市改造全部完成" in _get(base + "town/news/market/")
        shared = (root / "themes/gov/templates/article.html").read_text(encoding="utf-8")
        (root / "content/town/_theme/templates/article.html").write_text(
            shared.replace("{% block main %}", "{% block main %}<p>镇里的文章样式</p>"), encoding="utf-8")
        events.next(2)
        _until(lambda: "镇里的文章样式" in _get(base + "town/news/market/"), "the override to be used", timeout=3)


def test_a_themes_folder_made_while_serving_overrides_the_shipped_theme(tmp_path):
    root = make_cluster(tmp_path)
    shutil.rmtree(root / "themes")  # as `sitegen init` writes a cluster: the shipped theme only
    with serving(root) as preview:
        events = Events(preview.base)
        events.next(0)
        assert "本市主题" not in _get(preview.base)
        base = (SHIPPED_THEMES / "gov/templates/base.html").read_text(encoding="utf-8")
        (root / "themes/gov/templates").mkdir(parents=True)
        (root / "themes/gov/templates/base.html").write_text(base.replace("<body", "<!-- 本市主题 --><body", 1), encoding="utf-8")
        _until(lambda: "本市主题" in _get(preview.base), "the cluster's own theme to be used")

def test_a_logo_outside_content_and_themes_is_watched(tmp_path):
    yaml_text = (make_cluster(tmp_path / "base") / "sites.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("    url: /town/\n", "    url: /town/\n    theme_options: {logo: assets/town-logo.png}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml_text, "assets/town-logo.png": b"\x89PNG old"})
    with serving(root) as preview:
        base = preview.base
        events = Events(base)
        events.next(0)
        (root / "assets/town-logo.png").write_bytes(b"\x89PNG new")
        events.next(1)
        assert urllib.request.urlopen(base + "town/static/logo.png", timeout=5).read() == b"\x89PNG new"


def test_links_to_an_own_host_site_lead_to_its_preview_server(served):
    root, preview = served
    home = _get(preview.base)
    port = int(preview.base.rsplit(":", 1)[1].strip("/"))
    local = f"http://127.0.0.1:{port + 1}/news/budget/"  # the finance site has its own host, served on the next port
    assert f'href="{local}"' in home and "https://czj.test.gov.cn/news/budget/" not in home
    assert "财政预算执行情况" in _get(local)
    back = _get(f"http://127.0.0.1:{port + 1}/")
    assert f'"http://127.0.0.1:{port}/' in back and '"https://www.test.gov.cn/' not in back  # and back to the portal
    # only the preview's answers change: what was built still names the production hosts
    assert "https://czj.test.gov.cn/news/budget/" in (root / ".sitegen-cache/preview/portal/index.html").read_text(encoding="utf-8")


def test_a_preview_is_never_deployed_nor_mixed_with_a_build_even_without_drafts(tmp_path):
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "deploy:\n  targets:\n    - {name: web1, host: 127.0.0.1, user: u, "
                      "path: /srv/www}\n", encoding="utf-8")
    with serving(root, "--no-drafts"):
        pass
    shown = root / ".sitegen-cache/preview-no-drafts"
    assert (shown / "portal/index.html").is_file()  # the same pages a public build has, but not for the web servers
    deploy = run(root, "deploy", "--out", str(shown), "--ignore-check")
    assert deploy.exit_code == 1
    assert "holds a public build made by sitegen serve (a preview): only a finished public build may go" in deploy.output
    assert "Nothing was changed on any server." in deploy.output
    over = run(root, "build", "--no-search", "--out", str(shown))
    assert over.exit_code == 1 and "a public build must not write into it" in over.output
    assert build(root, "--no-search").exit_code == 0
    with serving(root, "--no-drafts", "--out", str(root / "build")) as refused:
        assert "holds a public build; a public build made by sitegen serve (a preview) must not write into it" in refused.output()
    assert '"preview": false' in (root / "build/.sitegen-state.json").read_text(encoding="utf-8")
