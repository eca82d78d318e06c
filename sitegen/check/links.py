"""Fetch external links for `sitegen check --external`: what each URL gives, asking no server too much at once.

Every URL is asked with HEAD (GET when a server will not answer HEAD), redirects are followed and judged, and at
most a few requests go to one server at a time. Outcomes are kept for a day in .sitegen-cache/links.json, failures
included, so checking again the same day asks no server again; delete that file to ask them all now.

A cached outcome's age is measured by the real clock (or the one passed in), never by the check's --now: that moment
may be a pretended date at which content is judged, while a server's answer grows old in real time.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from enum import Enum
from importlib.metadata import PackageNotFoundError, version
from itertools import zip_longest
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from sitegen.content.cache import CACHE_DIR

DAY = 24 * 60 * 60.0
CACHE_SCHEMA = "sitegen-links/1"
PERMANENT = frozenset({301, 308})
REDIRECT = frozenset({301, 302, 303, 307, 308})
Clock = Callable[[], float]  # seconds since the epoch, like time.time


def _user_agent() -> str:
    try:
        release = version("sitegen")
    except PackageNotFoundError:
        release = "dev"
    return f"sitegen/{release} (link check of a government website cluster)"


USER_AGENT = _user_agent()


class Status(str, Enum):
    """What asking for a URL gave."""

    ok = "ok"  # answered, perhaps after temporary redirects
    moved = "moved"  # permanently redirected: the link works but should name the new address
    dead = "dead"  # an HTTP error (4xx, 5xx), after any redirects
    timeout = "timeout"  # no answer within the time allowed
    unreachable = "unreachable"  # no connection: unknown host, refused, broken secure connection


@dataclass(frozen=True)
class Outcome:
    """The answer to one URL: its status, the last HTTP code, where redirects led, and when it was asked."""

    url: str
    status: Status
    code: int | None = None  # HTTP status of the last answer
    final: str | None = None  # where redirects led, if anywhere
    moved_to: str | None = None  # the address to write instead (Status.moved): the end of the permanent redirects
    reason: str = ""  # a few plain words on why it failed, e.g. 'the host name could not be found'
    fetched: float = 0.0  # seconds since the epoch

    @property
    def broken(self) -> bool:
        """Tell whether a reader following the link gets nothing."""
        return self.status in (Status.dead, Status.timeout, Status.unreachable)

    def to_json(self) -> dict[str, Any]:
        """Return the outcome as a JSON object (without its URL, the cache's key)."""
        data = asdict(self)
        del data["url"]
        return {**data, "status": self.status.value}

    @classmethod
    def from_json(cls, url: str, data: dict[str, Any]) -> Outcome:
        """Return the outcome a JSON object from to_json describes."""
        return cls(url=url, **{**data, "status": Status(data["status"])})


@dataclass(frozen=True)
class Limits:
    """How patiently and how politely links are fetched."""

    timeout: float = 10.0  # seconds per request, for connecting and for each wait on the answer
    per_host: int = 2  # requests to one server at the same time
    redirects: int = 5  # redirects followed before a link counts as dead
    workers: int = 16  # requests in flight at most, all servers together


def cache_path(root: Path) -> Path:
    """Return the file keeping a cluster's link outcomes."""
    return root / CACHE_DIR / "links.json"


def check_links(urls: Iterable[str], cache: Path | None, limits: Limits = Limits(), clock: Clock = time.time,
                max_age: float = DAY) -> dict[str, Outcome]:
    """Return every URL's outcome: from the cache when asked less than `max_age` seconds ago, else fetched now."""
    wanted = sorted(set(urls))
    known = load(cache, clock(), max_age) if cache is not None else {}
    fresh = fetch_all([u for u in wanted if u not in known], limits, clock)
    if cache is not None and fresh:
        save(cache, {**known, **fresh})
    return {u: fresh.get(u) or known[u] for u in wanted}


def fetch_all(urls: list[str], limits: Limits, clock: Clock = time.time) -> dict[str, Outcome]:
    """Fetch the URLs concurrently, at most `limits.per_host` at once per server; return each one's outcome."""
    if not urls:
        return {}
    gates = Gates(limits.per_host)
    with ThreadPoolExecutor(max_workers=min(limits.workers, len(urls)), thread_name_prefix="sitegen-links") as pool:
        return {o.url: o for o in pool.map(lambda url: fetch(url, limits, gates, clock), interleaved(urls))}


def interleaved(urls: list[str]) -> list[str]:
    """Return the URLs taking one server after another, so waiting on a busy server holds up few workers."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(host_of(url), []).append(url)
    return [url for row in zip_longest(*by_host.values()) for url in row if url is not None]


def host_of(url: str) -> str:
    """Return the server a URL is asked of: host and port, in lower case."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


class Gates:
    """One gate per server, letting through at most `limit` requests at the same time."""

    def __init__(self, limit: int):
        self._limit = limit
        self._lock = threading.Lock()
        self._gates: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def through(self, url: str) -> Iterator[None]:
        """Wait until the URL's server may be asked once more, and hold that place while the request runs."""
        with self._lock:
            gate = self._gates.setdefault(host_of(url), threading.BoundedSemaphore(self._limit))
        with gate:
            yield


def fetch(url: str, limits: Limits, gates: Gates, clock: Clock = time.time) -> Outcome:
    """Return what asking for `url` gives, following redirects; a failure is an outcome, never an exception."""
    started = clock()
    try:
        found = follow(url, limits, gates)
    except urllib.error.URLError as exc:
        found = failed(url, exc.reason, limits)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        found = failed(url, exc, limits)
    return replace(found, fetched=started)


def follow(url: str, limits: Limits, gates: Gates) -> Outcome:
    """Ask for `url` and the redirects it leads to; judge the last answer."""
    start = ascii_url(url)
    here, moved_to, temporary = start, None, False
    for _unused in range(limits.redirects + 1):
        code, location = answer(here, limits, gates)
        if code not in REDIRECT or not location:
            return judged(url, here if here != start else None, code, moved_to)
        target = ascii_url(urljoin(here, location))
        if urlsplit(target).scheme not in ("http", "https"):  # never a file: or ftp: address a server names
            return Outcome(url, Status.dead, code, target, reason="it redirects to an address that is not a web page")
        temporary = temporary or code not in PERMANENT
        moved_to = moved_to if temporary else target  # only a chain of permanent redirects says where to point
        here = target
    return Outcome(url, Status.dead, final=here, reason=f"it redirects more than {limits.redirects} times")


def judged(url: str, final: str | None, code: int, moved_to: str | None) -> Outcome:
    """Return the outcome of `url` whose last answer was `code`, from `final` if redirects led elsewhere."""
    if code >= 400:
        return Outcome(url, Status.dead, code, final, reason=f"HTTP {code}")
    if moved_to is None:
        return Outcome(url, Status.ok, code, final)
    fragment = urlsplit(url).fragment  # never sent, so never redirected: the new address keeps it
    return Outcome(url, Status.moved, code, final, f"{moved_to}#{fragment}" if fragment and "#" not in moved_to else moved_to)


def answer(url: str, limits: Limits, gates: Gates) -> tuple[int, str | None]:
    """Return the HTTP code and Location of one URL: HEAD, then GET if HEAD gave an error."""
    with gates.through(url):
        code, location = request(url, "HEAD", limits.timeout)
        # some servers refuse HEAD (405, 501) or answer it with an error a GET would not get (403, 404): ask again
        if code >= 400:
            code, location = request(url, "GET", limits.timeout)
    return code, location


class _Unfollowed(urllib.request.HTTPRedirectHandler):
    """Hand redirects back as answers: `follow` judges each hop."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def request(url: str, method: str, timeout: float) -> tuple[int, str | None]:
    """Send one request, read no body; return the HTTP code and the Location header."""
    opener = urllib.request.build_opener(_Unfollowed)
    asked = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with opener.open(asked, timeout=timeout) as response:
            return int(response.status), None
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers.get("Location")


def failed(url: str, reason: object, limits: Limits) -> Outcome:
    """Return the outcome of a request that got no HTTP answer, with the reason in plain words."""
    if isinstance(reason, TimeoutError):
        return Outcome(url, Status.timeout, reason=f"did not answer within {limits.timeout:g} s")
    return Outcome(url, Status.unreachable, reason=_plain(reason))


def _plain(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the host name could not be found"
    if isinstance(reason, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(reason, ConnectionError | http.client.HTTPException):
        return "the server broke off the connection"
    if isinstance(reason, ssl.SSLError):
        return "its secure connection (HTTPS certificate) failed"
    if isinstance(reason, ValueError | str):
        return f"the address cannot be used ({reason})"
    return f"it could not be reached ({reason})"


def ascii_url(url: str) -> str:
    """Return the URL with spaces and non-ASCII characters of its path and query percent-encoded, as HTTP wants."""
    parts = urlsplit(url)
    safe = "/%:@!$&'()*+,;=~-._"
    path, query = quote(parts.path, safe=safe), quote(parts.query, safe=safe + "?")
    return parts._replace(path=path, query=query, fragment="").geturl()


def load(path: Path, now: float, max_age: float = DAY) -> dict[str, Outcome]:
    """Return the cached outcomes asked less than `max_age` seconds before `now`; nothing if the file is unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        links = data["links"] if data.get("schema") == CACHE_SCHEMA else {}
        kept = {url: Outcome.from_json(url, entry) for url, entry in links.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    return {url: o for url, o in kept.items() if 0 <= now - o.fetched < max_age}


def save(path: Path, outcomes: dict[str, Outcome]) -> None:
    """Write the outcomes to the cache at once: a check stopped half-way, or one beside it, leaves it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"schema": CACHE_SCHEMA, "links": {url: o.to_json() for url, o in sorted(outcomes.items())}}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
