"""sitegen check --external: dead, slow and moved external links, polite fetching, and answers kept for a day."""
from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FIXTURES, NOW, make_cluster, page, run
from sitegen.check.context import CheckContext
from sitegen.check.links import Limits, Status, cache_path, check_links
from sitegen.check.rules import external
from sitegen.check.run import check_dir
from sitegen.config.loader import load_config
from sitegen.content.cache import Caches
from sitegen.content.frontmatter import AttachmentSpec
from sitegen.content.profile import Profile
from sitegen.plan import plan_cluster

SLOW = 1.5  # seconds the slow page takes; the planted cluster allows 1
BUSY = 0.2  # seconds each page of /busy/ takes
MINI_YAML = (FIXTURES / "mini" / "sites.yaml").read_text(encoding="utf-8")
LINKS_PAGE = "content/portal/news/links.md"


class Server:
    """A real HTTP server on loopback that counts the requests it gets and how many it serves at once."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.user_agents: set[str] = set()
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.httpd.block_on_close = False  # a slow answer nobody waits for any more must not hold up the tests
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                server.answer(self)

            def do_GET(self) -> None:
                server.answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def answer(self, req: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.requests.append((req.command, req.path))
            self.user_agents.add(req.headers.get("User-Agent", ""))
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self.respond(req)
        except OSError:  # the client gave up waiting
            pass
        finally:
            with self.lock:
                self.running -= 1

    def respond(self, req: BaseHTTPRequestHandler) -> None:
        code, location = self.route(req)
        req.send_response(code)
        if location:
            req.send_header("Location", location)
        req.send_header("Content-Length", "0")
        req.end_headers()

    def route(self, req: BaseHTTPRequestHandler) -> tuple[int, str | None]:
        path = req.path
        if path == "/slow":
            time.sleep(SLOW)
        elif path.startswith("/busy/"):
            time.sleep(BUSY)
        elif path == "/head-refused" and req.command == "HEAD":
            return 405, None
        redirects = {"/moved": (301, "/good"), "/temp": (302, "/good"), "/moved-to-dead": (301, "/dead")}
        if path in redirects:
            return redirects[path]
        return (404, None) if path in ("/dead", "/files/gone.pdf") else (200, None)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")  # loopback, whatever proxy the machine has
    running = Server()
    yield running
    running.close()


def body(base: str) -> str:
    return (f"请看[好的链接]({base}/good)。\n\n"
            f"失效的[文件]({base}/dead)，\n很慢的[网站]({base}/slow)。\n\n"
            f"已迁移：<{base}/moved>\n\n"
            f"临时转走：[通知]({base}/temp)，本站：[首页](https://www.test.gov.cn/)，[财政局](https://czj.test.gov.cn/a/)。\n")


def planted(tmp_path: Path, server: Server) -> Path:
    """Return the mini cluster with a page linking to every kind of address, and link_timeout 1."""
    return make_cluster(tmp_path, {
        "sites.yaml": MINI_YAML.replace("sites:\n", "check: {link_timeout: 1}\nsites:\n", 1),
        LINKS_PAGE: page(body(server.base), title="外部链接", date="2026-03-09"),
    })


def line_of(root: Path, text: str) -> int:
    """Return the line of the source page on which `text` is written."""
    lines = (root / LINKS_PAGE).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


def link_findings(root: Path, *args: str) -> dict[str, dict]:
    """Run the check (JSON report) and return its link-external findings by the address they name."""
    result = run(root, "check", "--now", NOW, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    found = [f for s in json.loads(result.stdout)["sites"] for f in s["findings"] if f["rule"] == "link-external"]
    by_url = {f["message"].split()[3].rstrip(";"): f for f in found}
    assert len(by_url) == len(found), found
    return by_url


def test_dead_slow_and_moved_links_are_found_at_their_source_line(tmp_path, server):
    root = planted(tmp_path, server)
    found = link_findings(root, "--external")
    base = server.base
    assert sorted(found) == [f"{base}/dead", f"{base}/moved", f"{base}/slow"]  # not the good one, nor a temporary redirect
    for url, finding in found.items():
        assert finding["path"] == LINKS_PAGE
        assert finding["line"] == line_of(root, url)
        assert finding["url"] == "https://www.test.gov.cn/news/links/"
    assert found[f"{base}/dead"]["severity"] == "error"
    assert found[f"{base}/dead"]["message"] == (f"the link to {base}/dead is dead (HTTP 404); fix: correct the address or "
                                                "remove the link")
    assert found[f"{base}/slow"]["severity"] == "error"
    assert "did not answer within 1 s" in found[f"{base}/slow"]["message"]
    assert found[f"{base}/moved"]["severity"] == "warning"
    assert f"moved for good to {base}/good; fix: update the address to {base}/good" in found[f"{base}/moved"]["message"]


def test_links_are_fetched_with_a_user_agent_naming_sitegen(tmp_path, server):
    check_links([f"{server.base}/good"], None, Limits(timeout=1))
    assert server.user_agents and all(agent.startswith("sitegen/") for agent in server.user_agents)


def test_without_external_no_link_is_fetched(tmp_path, server):
    assert link_findings(planted(tmp_path, server)) == {}
    assert server.requests == []


def test_a_second_check_within_a_day_asks_no_server_again(tmp_path, server):
    root = planted(tmp_path, server)
    first = link_findings(root, "--external")
    asked = len(server.requests)
    started = time.monotonic()
    assert link_findings(root, "--external") == first
    assert len(server.requests) == asked
    assert time.monotonic() - started < SLOW  # nothing waited on the slow server
    cache = cache_path(root)
    assert json.loads(cache.read_text(encoding="utf-8"))["links"][f"{server.base}/dead"]["status"] == "dead"
    assert [p.name for p in cache.parent.glob("links.json*")] == ["links.json"]  # written whole, no file left half-way


def test_an_answer_older_than_a_day_is_asked_again(tmp_path, server):
    cache, url = tmp_path / "links.json", f"{server.base}/good"
    check_links([url], cache, clock=lambda: 1_000_000.0)
    check_links([url], cache, clock=lambda: 1_000_000.0 + 23 * 3600)
    assert len(server.requests) == 1
    check_links([url], cache, clock=lambda: 1_000_000.0 + 25 * 3600)
    assert len(server.requests) == 2


def test_no_server_gets_more_requests_at_once_than_the_host_limit(server):
    urls = [f"{server.base}/busy/{i}" for i in range(8)]
    outcomes = check_links(urls, None, Limits(timeout=2, per_host=2))
    assert {o.status for o in outcomes.values()} == {Status.ok}
    assert server.most == 2  # the limit was reached, never passed


def test_a_server_refusing_head_is_asked_with_get(server):
    outcome = check_links([f"{server.base}/head-refused"], None, Limits(timeout=1))[f"{server.base}/head-refused"]
    assert outcome.status == Status.ok
    assert server.requests == [("HEAD", "/head-refused"), ("GET", "/head-refused")]


def test_a_redirect_to_a_dead_page_is_dead_and_says_where_it_led(server):
    outcome = check_links([f"{server.base}/moved-to-dead"], None, Limits(timeout=1))[f"{server.base}/moved-to-dead"]
    assert (outcome.status, outcome.code, outcome.final) == (Status.dead, 404, f"{server.base}/dead")


def test_a_server_that_is_not_there_cannot_be_reached():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"  # closed again before it is asked: nothing listens
    outcome = check_links([url], None, Limits(timeout=1))[url]
    assert (outcome.status, outcome.reason) == (Status.unreachable, "the server refused the connection")


def context(root: Path) -> CheckContext:
    """Return what the check gives the rules for the cluster at `root`, at NOW, without building it."""
    cluster = load_config(root)
    now = datetime.fromisoformat(NOW).replace(tzinfo=cluster.tz)
    return CheckContext(plan_cluster(cluster, Profile(now, "public"), Caches(root)), check_dir(root), now, tuple(cluster.sites))


def test_a_dead_attachment_address_is_found_at_the_attachments_line(tmp_path, server):
    root = planted(tmp_path, server)
    ctx = context(root)
    item = ctx.plan.pages[Path(LINKS_PAGE)]
    # the loader takes attachments from beside the page; the rule reads every address the front matter gives
    addresses = [f"{server.base}/files/gone.pdf", AttachmentSpec(file=f"{server.base}/good", title="好")]
    item.meta = item.meta.model_copy(update={"attachments": addresses})
    item.lines["attachments"] = 6
    item.body = ""  # only the attachments
    by_url = {f.message.split()[2]: f for f in external.find(ctx)}
    gone = by_url[f"{server.base}/files/gone.pdf"]
    assert (gone.severity.value, gone.path, gone.line) == ("error", LINKS_PAGE, 6)
    assert gone.message == (f"the attachment {server.base}/files/gone.pdf is dead (HTTP 404); fix: correct its address "
                            "under 'attachments:' or remove it")
    assert f"{server.base}/good" not in by_url


def test_links_to_the_clusters_own_sites_are_not_external(tmp_path, server):
    root = planted(tmp_path, server)
    ctx = context(root)
    item = ctx.plan.pages[Path(LINKS_PAGE)]
    urls = [link.url for link in external.links_of(item, ctx.cluster, external.own_hosts(ctx.cluster))]
    assert urls == [f"{server.base}/{name}" for name in ("good", "dead", "slow", "moved", "temp")]
