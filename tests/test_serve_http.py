"""sitegen serve's HTTP answers, raw request by raw request: nothing outside a site's folder, no listings, nginx's redirects."""
from __future__ import annotations

import http.client
import os
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import build, make_cluster, serve

SECRET = f"canary-{uuid.uuid4().hex}"  # in every file planted outside the sites' folders: no answer may contain it
TMP_CANARY = f"sitegen-canary-{uuid.uuid4().hex}.txt"  # directly in /tmp
UP = "../" * 12  # climbs above / from any URL path here


@dataclass(frozen=True)
class Served:
    """The mini cluster, built once for this module, with its servers' ports by site id."""

    root: Path
    out: Path
    ports: dict[str, int]


@dataclass(frozen=True)
class Answer:
    """One HTTP response as read off the socket."""

    status: int
    headers: dict[str, str]
    body: bytes


def _plant(root: Path, out: Path) -> None:
    """Put canaries outside the sites' folders, and symlinks inside them that point at those canaries."""
    (root / "canary.txt").write_text(SECRET)  # the cluster root, beside sites.yaml
    (out / "canary.txt").write_text(SECRET)  # the build folder, beside the sites' folders
    (root / "elsewhere").mkdir()
    (root / "elsewhere/index.html").write_text(f"<html><body>{SECRET}</body></html>")
    (out / "town/leak.txt").symlink_to(root / "canary.txt")
    (out / "portal/tmp-leak.txt").symlink_to(Path("/tmp") / TMP_CANARY)
    (out / "portal/outside").symlink_to(root)
    (out / "town/elsewhere").symlink_to(root / "elsewhere")
    (out / "finance/up").symlink_to(out / "portal")  # another site's folder is outside this one's too


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Serve the built mini cluster (built once: the table below is long) with canaries planted around it."""
    canary = Path("/tmp") / TMP_CANARY
    canary.write_text(SECRET)
    try:
        root = make_cluster(tmp_path_factory.mktemp("http"))
        result = build(root)
        assert result.exit_code == 0, result.output
        _plant(root, root / "build")
        ports = {site: urlsplit(url).port or 80 for site, url in serve(root).items()}
        yield Served(root, root / "build", ports)
    finally:
        canary.unlink()


def _exchange(port: int, request: bytes) -> Answer:
    """Send raw bytes, read until the server closes the connection, and parse a well-formed HTTP/1.x response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, separator, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = re.fullmatch(r"HTTP/1\.[01] (\d{3}) [^\r\n]*", lines[0])
    assert separator and status, f"not an HTTP response: {raw[:300]!r}"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return Answer(int(status.group(1)), {k.lower(): v for k, v in headers.items()}, body)


def _request(target: str, method: str = "GET") -> bytes:
    return f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1")


@dataclass(frozen=True)
class Case:
    """A request to one site's server and what must come back: a status, the 404 page of `page`, a Location."""

    request: bytes | str
    status: int
    host: str = "portal"
    page: str | None = None  # the site whose 404 page is the body
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def raw(self) -> bytes:
        return self.request if isinstance(self.request, bytes) else _request(self.request)


TRAVERSAL = {
    "dotdot-etc-passwd": Case("/../../etc/passwd", 404, page="portal"),
    "town-dotdot-sites-yaml": Case("/town/../../sites.yaml", 404, page="town"),
    "town-dotdot-root-canary": Case("/town/../../canary.txt", 404, page="town"),
    "encoded-dotdot-etc-passwd": Case("/%2e%2e/%2e%2e/etc/passwd", 404, page="portal"),
    "encoded-dotdot-root-canary": Case("/%2e%2e/%2e%2e/canary.txt", 404, page="portal"),
    "upper-encoded-dotdot": Case("/%2E%2E/%2E%2E/canary.txt", 404, page="portal"),
    "encoded-slashes": Case("/town/..%2f..%2f..%2fcanary.txt", 404, page="town"),
    "backslashes": Case("/..%5c..%5ccanary.txt", 404, page="portal"),
    "dotdot-to-tmp": Case(f"/{UP}tmp/{TMP_CANARY}", 404, page="portal"),
    "encoded-dotdot-to-tmp": Case(f"/{UP.replace('..', '%2e%2e')}tmp/{TMP_CANARY}", 404, page="portal"),
    "town-dotdot-to-tmp": Case(f"/town/{UP}tmp/{TMP_CANARY}", 404, page="town"),
    "dotdot-build-state": Case("/%2e%2e/.sitegen-state.json", 404, page="portal"),
    "town-dotdot-build-canary": Case("/town/%2e%2e/canary.txt", 404, page="portal"),  # is /canary.txt: the portal's
    "town-dotdot-into-finance": Case("/town/../finance/index.html", 404, page="portal"),
    "symlink-to-root-canary": Case("/town/leak.txt", 404, page="town"),
    "symlink-to-tmp-canary": Case("/tmp-leak.txt", 404, page="portal"),
    "symlinked-folder-file": Case("/outside/canary.txt", 404, page="portal"),
    "symlinked-folder-index": Case("/town/elsewhere/", 404, page="town"),
    "symlinked-folder-no-slash": Case("/town/elsewhere", 404, page="town"),
    "symlinked-other-site": Case("/up/index.html", 404, host="finance", page="finance"),
    "own-host-dotdot": Case("/../canary.txt", 404, host="finance", page="finance"),
    "own-host-encoded-dotdot": Case("/%2e%2e/%2e%2e/canary.txt", 404, host="finance", page="finance"),
    "absolute-form-dotdot": Case("http://other/../../canary.txt", 404, page="portal"),
}

ODD = {
    "nul": Case("/%00", 400),
    "nul-in-town": Case("/town/news%00.html", 400),
    "invalid-utf8": Case("/%ff", 404, page="portal"),
    "raw-utf8": Case("/新闻".encode().decode("latin-1"), 404, page="portal"),
    "long-path": Case("/" + "a" * 5000, 404, page="portal"),
    "long-town-path": Case("/town/" + "b/" * 3000, 404, page="town"),
    "request-line-over-64k": Case("/" + "a" * 70000, 414),
    "backslash": Case("/town\\news", 404, page="portal"),  # a file name with a backslash, as on Linux nginx
    "absolute-form": Case("http://other/x", 404, page="portal"),
    "absolute-form-site": Case("http://other/town/news", 301, location="/town/news/"),
    "no-leading-slash": Case("news/", 400),
    "asterisk": Case("*", 400),
    "space-in-target": Case(b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "garbage": Case(b"GARBAGE\r\n\r\n", 400),
    "empty-headers-garbage": Case(b"\x00\x01\x02 \xff\xfe\r\n\r\n", 400),
    "http-9": Case(b"GET / HTTP/9.9\r\n\r\n", 505),
    "bad-version": Case(b"GET / HTTX/1.1\r\n\r\n", 400),
    "post": Case(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, headers={"allow": "GET, HEAD"}),
    "unknown-method": Case(_request("/", "BREW"), 405, headers={"allow": "GET, HEAD"}),
    "delete": Case(_request("/town/", "DELETE"), 405),
    "options-asterisk": Case(_request("*", "OPTIONS"), 405),
}

ROUTES = {
    "portal-home": Case("/", 200),
    "town-home": Case("/town/", 200),
    "town-column": Case("/town/news/", 200),
    "town-feed": Case("/town/feed.xml", 200, headers={"content-type": "application/xml"}),
    "own-host-home": Case("/", 200, host="finance"),
    "404-page-itself": Case("/404.html", 200),
    "dot-segments-inside": Case("/town/news/../", 200),
    "prefix-without-slash": Case("/town", 301, location="/town/"),
    "prefix-keeps-query": Case("/town?a=1&b=%E4%B8%AD", 301, location="/town/?a=1&b=%E4%B8%AD"),
    "folder-without-slash": Case("/town/news", 301, location="/town/news/"),
    "folder-keeps-query": Case("/town/news?page=2", 301, location="/town/news/?page=2"),
    "portal-folder-without-slash": Case("/news", 301, location="/news/"),
    "own-host-folder-without-slash": Case("/news", 301, host="finance", location="/news/"),
    "double-slash-prefix": Case("//town", 301, location="/town/"),
    "folder-without-index": Case("/static/", 404, page="portal"),
    "folder-without-index-no-slash": Case("/static", 404, page="portal"),
    "town-folder-without-index": Case("/town/static/css/", 404, page="town"),
    "pagination-folder-without-index": Case("/news/page/", 404, page="portal"),
    "unknown-portal-path": Case("/nope", 404, page="portal"),
    "unknown-town-path": Case("/town/nope/", 404, page="town"),
    "prefix-lookalike": Case("/townhall/", 404, page="portal"),
    "own-host-unknown-path": Case("/nope", 404, host="finance", page="finance"),
    "file-with-trailing-slash": Case("/town/feed.xml/", 404, page="town"),
    "head-home": Case(_request("/", "HEAD"), 200),
    "head-unknown": Case(_request("/town/nope", "HEAD"), 404),
    "head-folder-without-slash": Case(_request("/town", "HEAD"), 301, location="/town/"),
}


def _still_serving(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 200 and b"</html>" in response.read()
    connection.close()


def _check(served: Served, case: Case, capsys: pytest.CaptureFixture[str]) -> Answer:
    """Send the case's request; check the status, the headers, the 404 page, that no canary leaks and nothing broke."""
    answer = _exchange(served.ports[case.host], case.raw())
    assert answer.status == case.status
    assert SECRET.encode() not in answer.body
    if not case.raw().startswith(b"HEAD "):
        assert int(answer.headers["content-length"]) == len(answer.body)
    if case.page is not None:
        assert answer.body == (served.out / case.page / "404.html").read_bytes()
    if case.location is not None:
        assert answer.headers["location"] == case.location
    for name, value in case.headers.items():
        assert answer.headers[name].startswith(value)
    _still_serving(served.ports[case.host])
    assert "Traceback" not in capsys.readouterr().err
    return answer


@pytest.mark.parametrize("case", TRAVERSAL.values(), ids=TRAVERSAL.keys())
def test_traversal_gets_the_sites_404_page_and_never_a_byte_from_outside_its_folder(served, case, capsys):
    _check(served, case, capsys)


@pytest.mark.parametrize("case", ODD.values(), ids=ODD.keys())
def test_odd_requests_get_a_well_formed_answer_and_the_server_keeps_serving(served, case, capsys):
    _check(served, case, capsys)


@pytest.mark.parametrize("case", ROUTES.values(), ids=ROUTES.keys())
def test_urls_map_to_files_redirects_and_404_pages_as_nginx_would(served, case, capsys):
    _check(served, case, capsys)


def test_head_sends_the_headers_of_get_without_a_body(served, capsys):
    get = _check(served, Case("/town/news/", 200), capsys)
    head = _check(served, Case(_request("/town/news/", "HEAD"), 200), capsys)
    assert head.body == b"" and head.headers["content-length"] == str(len(get.body))


def test_a_folder_is_never_listed(served, capsys):
    (served.out / "portal/static/css/extra.css").write_text("a {}")
    answer = _check(served, Case("/static/css/", 404, page="portal"), capsys)
    assert b"extra.css" not in answer.body and b"Directory listing" not in answer.body


def test_a_half_sent_request_does_not_stop_the_server(served):
    port = served.ports["portal"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as idle:
        idle.sendall(b"GET /town/ HTTP/1.1\r\nHost: x\r\n")  # no blank line: its thread waits for more
        _still_serving(port)


def _handlers_done(timeout: float = 10) -> None:
    """Wait until no request handler thread of any server runs: anything they print has been printed."""
    deadline = time.monotonic() + timeout
    while any("process_request_thread" in thread.name for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "a request handler still runs"
        time.sleep(0.02)


def test_a_client_hanging_up_before_the_answer_is_no_error(served, capsys):
    (served.out / "portal/big.bin").write_bytes(b"x" * 8_000_000)
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", served.ports["portal"]), timeout=10)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        sock.sendall(_request("/big.bin"))
        sock.close()
    _handlers_done()
    _still_serving(served.ports["portal"])
    assert "Traceback" not in capsys.readouterr().err


def test_canaries_are_really_there(served):
    """The traversal table means something only if the canaries exist and a plain read of them would leak."""
    for path in (served.root / "canary.txt", served.out / "canary.txt", Path("/tmp") / TMP_CANARY,
                 served.out / "town/leak.txt", served.out / "portal/outside/canary.txt"):
        assert SECRET in path.read_text(), path
    assert os.path.islink(served.out / "town/elsewhere")
