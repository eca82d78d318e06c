"""Serve a built cluster on localhost as its web servers would: each site at its path, own hosts on their own ports."""
from __future__ import annotations

import contextlib
import functools
import html
import io
import json
import os
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote_to_bytes, urlsplit

from sitegen.config.model import Cluster, Site
from sitegen.outputs.search_page import INDEX_DIR


@dataclass(frozen=True)
class Host:
    """One preview server: the sites sharing an origin, longest prefix first."""

    origin: str
    sites: tuple[Site, ...]


def hosts(cluster: Cluster) -> list[Host]:
    """Return the cluster's hosts, the portal's first."""
    by_origin: dict[str, list[Site]] = {}
    for site in cluster.sites.values():
        by_origin.setdefault(site.origin, []).append(site)
    ordered = sorted(by_origin.items(), key=lambda item: item[0] != cluster.portal.origin)
    return [Host(origin, tuple(sorted(sites, key=lambda s: -len(s.prefix)))) for origin, sites in ordered]


LIVE = "/__sitegen/"  # the preview's own URLs, on every host
LIVE_TAG = f'<script src="{LIVE}live.js"></script>'.encode()
LIVE_JS = """(function () {
  var seen = null, box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.92);" +
        "color:#fff;font:16px/1.6 monospace;padding:2em;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "构建失败 (build failed)\\n\\n" + text;
  }
  var source = new EventSource("/__sitegen/events");
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.error) { show(state.error); }
    else if (seen !== null && state.generation !== seen) { location.reload(); }
    else if (box) { box.remove(); box = null; }
    seen = state.generation;
  });
})();
""".encode()


class LiveReload:
    """What the open pages of `sitegen serve` are told: a build generation, and the last build's error if it failed."""

    def __init__(self) -> None:
        self.generation = 0
        self.error = ""
        self.clients = 0  # open event streams that have been sent the state: each sees every later build
        self._changed = threading.Condition()

    def built(self) -> None:
        self._set("")

    def failed(self, text: str) -> None:
        self._set(text)

    def _set(self, error: str) -> None:
        with self._changed:
            self.generation += 1
            self.error = error
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, str]:
        """Return (generation, error) once the generation differs from `seen`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen, timeout)
            return self.generation, self.error

    def state(self) -> dict[str, int | str]:
        """Return what /__sitegen/state shows: the generation, the error, how many pages listen."""
        with self._changed:
            return {"generation": self.generation, "error": self.error, "clients": self.clients}

    def listening(self, change: int) -> None:
        """Count an event stream in (1) or out (-1)."""
        with self._changed:
            self.clients += change


def _url(target: str) -> tuple[str, str] | None:
    """Return a request target's percent-decoded path and raw query, or None if it names no path (a bad request)."""
    if target[:8].lower().startswith(("http://", "https://")):  # absolute form: only its path and query count
        try:
            parts = urlsplit(target)
        except ValueError:
            return None
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    raw, _unused, query = target.partition("?")
    # http.server decodes the request line as Latin-1: back to its bytes, then UTF-8 as browsers encode paths
    path = unquote_to_bytes(raw.encode("latin-1")).decode("utf-8", "replace")
    return (path, query) if path.startswith("/") and "\0" not in path else None


def _normalize(path: str) -> str | None:
    """Return `path` with repeated slashes merged and '.' and '..' applied, as nginx does; None if it climbs above '/'."""
    kept: list[str] = []
    segments = path.split("/")
    for segment in segments:
        if segment == "..":
            if not kept:
                return None
            kept.pop()
        elif segment not in ("", "."):
            kept.append(segment)
    folder = segments[-1] in ("", ".", "..") and bool(kept)
    return "/" + "/".join(kept) + ("/" if folder else "")


def _inside(path: str, home: str) -> str | None:
    """Return `path` with its symlinks resolved if that is a file inside the folder `home`, else None."""
    real = os.path.realpath(path)
    return real if Path(real).is_relative_to(home) and os.path.isfile(real) else None


class _Handler(SimpleHTTPRequestHandler):
    """Answers GET and HEAD as nginx would: a URL path maps to build/<site>/<rest>, never outside it, nor to a listing."""

    default_request_version = "HTTP/1.0"  # not 0.9: an answer to a request line too broken to name a version has a status line

    def __init__(self, *args, host: Host, out: Path, live: LiveReload | None = None,  # type: ignore[no-untyped-def]
                 ports: dict[str, int] | None = None, local: bool = False, **kwargs):
        self.host, self.out, self.live = host, out, live
        self.local = local or live is not None  # links to the cluster's hosts in HTML lead to their preview servers
        self.ports = ports or {}  # production origin -> the preview port serving that host
        super().__init__(*args, directory=str(out), **kwargs)

    def handle(self) -> None:
        """Answer the connection's requests; a client that hangs up before reading its answer is no error."""
        with contextlib.suppress(ConnectionError):
            super().handle()

    def parse_request(self) -> bool:
        """Read the request line and headers; refuse methods other than GET and HEAD with 405."""
        if not super().parse_request():
            return False
        if self.command in ("GET", "HEAD"):
            return True
        self._send(405, "text/plain; charset=utf-8", b"method not allowed", {"Allow": "GET, HEAD"})
        return False

    def do_GET(self) -> None:
        url = _url(self.path)
        if self.live is not None and url is not None and url[0].startswith(LIVE):
            self._live(url[0])
        else:
            super().do_GET()

    def _live(self, path: str) -> None:
        assert self.live is not None
        if path == LIVE + "live.js":
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS)
        elif path == LIVE + "state":  # for tools and tests: e.g. wait until an opened page listens
            self._send(200, "application/json; charset=utf-8", json.dumps(self.live.state(), ensure_ascii=False).encode())
        elif path == LIVE + "events":
            self._events()
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found")

    def _events(self) -> None:
        assert self.live is not None
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen, counted = -1, False
        try:
            while True:
                generation, error = self.live.wait(seen, timeout=15)
                if generation == seen:
                    self.wfile.write(b": still here\n\n")  # finds closed connections
                else:
                    data = json.dumps({"generation": generation, "error": error}, ensure_ascii=False)
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                    seen = generation
                self.wfile.flush()
                if not counted:  # only now: a build from here on reaches this page as a change
                    self.live.listening(1)
                    counted = True
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            if counted:
                self.live.listening(-1)

    def send_head(self) -> BinaryIO | None:
        """Answer with the file the URL names, a folder's index.html, a redirect to a folder's slash, or the 404 page."""
        url = _url(self.path)
        if url is None:
            self.send_error(400)
            return None
        path, query = url
        clean = _normalize(path)
        site = self._site(path if clean is None else clean)
        if clean is None or not (clean + "/").startswith(site.prefix):  # above the root, or under no site of this host
            return self._not_found(site)
        home = os.path.realpath(self.out / site.id)
        wanted = os.path.join(home, clean[len(site.prefix):])
        index = _inside(os.path.join(wanted, "index.html"), home)
        if index is not None and not clean.endswith("/"):
            return self._redirect(clean + "/", query)
        found = index if clean.endswith("/") else _inside(wanted, home)
        return self._not_found(site) if found is None else self._file(found, site)

    def _site(self, path: str) -> Site:
        """Return the site whose prefix `path` falls under (or names without its slash), longest prefix first."""
        return next((s for s in self.host.sites if (path + "/").startswith(s.prefix)), self.host.sites[-1])

    def _file(self, file: str, site: Site) -> BinaryIO | None:
        """Send a file's headers and return the file to copy; in a preview, HTML gets the live-reload script."""
        try:
            if self.local and file.endswith(".html"):
                return self._body(200, Path(file).read_bytes())
            stream = open(file, "rb")  # noqa: SIM115 -- http.server copies and closes it
        except OSError:  # removed by a rebuild since it was found
            return self._not_found(site)
        stat = os.fstat(stream.fileno())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(file))
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        if f"/{INDEX_DIR}/" in file:  # the portal's search reads every site's index, as nginx-config allows it to
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        return stream

    def _redirect(self, path: str, query: str) -> BinaryIO:
        """Send a 301 to `path` (a folder's URL with its slash), keeping the query string; return its empty body."""
        location = quote(path) + ("?" + quote(query, safe="/?:@!$&'()*+,;=%", encoding="latin-1") if query else "")
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return io.BytesIO(b"")

    def _not_found(self, site: Site) -> BinaryIO | None:
        """Send a 404 with the site's 404 page (in a preview whose first build failed: its error); return the body."""
        home = os.path.realpath(self.out / site.id)
        page = _inside(os.path.join(home, "404.html"), home)
        with contextlib.suppress(OSError):  # a 404 page a rebuild removed since: as if there were none
            if page is not None:
                return self._body(404, Path(page).read_bytes())
        if self.live is not None:  # nothing built yet: the first build failed
            return self._body(404, (f"<!DOCTYPE html><html lang='zh-CN'><meta charset='utf-8'><title>sitegen</title><body><pre>"
                                    f"{html.escape(self.live.error or '尚未构建')}</pre></body></html>").encode())
        self.send_error(404)
        return None

    def _body(self, code: int, page: bytes) -> BinaryIO:
        body = page.replace(b"</body>", LIVE_TAG + b"</body>", 1) if self.live is not None else page
        body = self._local(body) if self.local else body
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def _local(self, page: bytes) -> bytes:
        """Return a preview page whose links to the cluster's hosts lead to their preview servers, not production."""
        host = self.headers.get("Host") or "127.0.0.1"  # the name the browser used for this server: the others share it
        name = host[:host.rindex(":")] if ":" in host and not host.endswith("]") else host
        for origin, port in self.ports.items():
            for quote_mark in (b'"', b"'"):
                page = page.replace(quote_mark + f"{origin}/".encode(), quote_mark + f"http://{name}:{port}/".encode())
        return page

    def _send(self, code: int, kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def start(cluster: Cluster, out: Path, bind: str = "127.0.0.1", port: int = 8000,
          live: LiveReload | None = None, local: bool = False) -> list[tuple[Host, ThreadingHTTPServer]]:
    """Start one server per host on consecutive ports (0: any free port) and return them, running.

    With `live`, every HTML page reloads itself after a rebuild and shows a failed build's errors; with `live` or
    `local`, links in HTML to the cluster's hosts lead to their preview servers.
    """
    servers = []
    ports: dict[str, int] = {}  # filled as the servers start; every handler reads it when it answers
    for i, host in enumerate(hosts(cluster)):
        handler = functools.partial(_Handler, host=host, out=out.resolve(), live=live, ports=ports, local=local)
        server = ThreadingHTTPServer((bind, port + i if port else 0), handler)
        ports[host.origin] = server.server_address[1]
        servers.append((host, server))
    for _host, server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return servers
