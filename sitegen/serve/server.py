"""Serve a built cluster on localhost as its web servers would: each site at its path, own hosts on their own ports."""
from __future__ import annotations

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
from urllib.parse import unquote, urlsplit

from sitegen.config.model import Cluster, Site


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


class _Handler(SimpleHTTPRequestHandler):
    """Maps a URL path to build/<site>/<rest>; unknown paths get the site's 404 page."""

    def __init__(self, *args, host: Host, out: Path, live: LiveReload | None = None, **kwargs):  # type: ignore[no-untyped-def]
        self.host, self.out, self.live = host, out, live
        super().__init__(*args, directory=str(out), **kwargs)

    def do_GET(self) -> None:
        if self.live is not None and self.path.startswith(LIVE):
            self._live()
        else:
            super().do_GET()

    def _live(self) -> None:
        assert self.live is not None
        if self.path == LIVE + "live.js":
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS)
        elif self.path == LIVE + "state":  # for tools and tests: e.g. wait until an opened page listens
            self._send(200, "application/json; charset=utf-8", json.dumps(self.live.state(), ensure_ascii=False).encode())
        elif self.path == LIVE + "events":
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
        """Serve HTML with the live-reload script added; everything else as it is."""
        if self.live is None:
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not path.endswith(".html") or not os.path.isfile(path):
            return super().send_head()
        return self._body(200, Path(path).read_bytes())

    def _body(self, code: int, page: bytes) -> BinaryIO:
        body = page.replace(b"</body>", LIVE_TAG + b"</body>", 1) if self.live is not None else page
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _site(self, path: str) -> Site:
        return next((s for s in self.host.sites if path.startswith(s.prefix)), self.host.sites[-1])

    def translate_path(self, path: str) -> str:
        url = unquote(urlsplit(path).path)
        site = self._site(url)
        rest = url[len(site.prefix):] if url.startswith(site.prefix) else url.lstrip("/")
        target = (self.out / site.id / rest).resolve()
        if not target.is_relative_to(self.out / site.id):
            return str(self.out / site.id / "404.html")
        return str(target)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.out / self._site(unquote(urlsplit(self.path).path)).id / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
        elif code == 404 and self.live is not None:  # nothing built yet: the first build failed
            body = (f"<!DOCTYPE html><html lang='zh-CN'><meta charset='utf-8'><title>sitegen</title><body><pre>"
                    f"{html.escape(self.live.error or '尚未构建')}</pre></body></html>").encode()
        else:
            super().send_error(code, message, explain)
            return
        stream = self._body(404, body)
        if self.command != "HEAD":
            self.wfile.write(stream.read())

    def log_message(self, format: str, *args: object) -> None:
        pass


def start(cluster: Cluster, out: Path, bind: str = "127.0.0.1", port: int = 8000,
          live: LiveReload | None = None) -> list[tuple[Host, ThreadingHTTPServer]]:
    """Start one server per host on consecutive ports (0: any free port) and return them, running.

    With `live`, every HTML page reloads itself after a rebuild and shows a failed build's errors.
    """
    servers = []
    for i, host in enumerate(hosts(cluster)):
        handler = functools.partial(_Handler, host=host, out=out.resolve(), live=live)
        server = ThreadingHTTPServer((bind, port + i if port else 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((host, server))
    return servers
