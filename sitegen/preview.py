"""Serve a built cluster on localhost as its web servers would: each site at its path, own hosts on their own ports."""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .models import Cluster, Site


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


class _Handler(SimpleHTTPRequestHandler):
    """Maps a URL path to build/<site>/<rest>; unknown paths get the site's 404 page."""

    def __init__(self, *args, host: Host, out: Path, **kwargs):  # type: ignore[no-untyped-def]
        self.host, self.out = host, out
        super().__init__(*args, directory=str(out), **kwargs)

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
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


def start(cluster: Cluster, out: Path, bind: str = "127.0.0.1", port: int = 8000) -> list[tuple[Host, ThreadingHTTPServer]]:
    """Start one server per host on consecutive ports (0: any free port) and return them, running."""
    servers = []
    for i, host in enumerate(hosts(cluster)):
        handler = functools.partial(_Handler, host=host, out=out.resolve())
        server = ThreadingHTTPServer((bind, port + i if port else 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((host, server))
    return servers
