"""sitegen serve's rebuild loop: watch the cluster's sources, classify what changed, rebuild, tell the browsers."""
from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from sitegen.build import BuildOptions, BuildResult, build, read_as_last
from sitegen.config.model import Cluster
from sitegen.content.cache import Caches
from sitegen.disclosure.index_numbers import STORE_NAME
from sitegen.errors import SitegenError
from sitegen.i18n import N_, _
from sitegen.serve.server import LiveReload

QUIET = 0.03  # seconds without events before a rebuild: an editor's save is several events within a few ms
SOURCES = ("content", "themes")  # the folders below the root that hold sources
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".sitegen-tmp", ".pyc")
WRITES = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
          DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class ChangeKind(Enum):
    """What a changed file is to the build; the message and the manifest's fingerprints take it from there."""

    CONTENT = N_("content")
    TEMPLATE = N_("template")
    STATIC = N_("static file")
    CONFIG = N_("configuration")


def classify(root: Path, path: Path, extra: frozenset[Path] = frozenset(), themes: tuple[Path, ...] = ()) -> ChangeKind | None:
    """Return what kind of source `path` is, or None if no build reads it.

    `extra` are files read from elsewhere (logos, emblems), `themes` the folders of shipped themes the cluster uses.
    """
    if path.resolve() in extra:
        return ChangeKind.STATIC
    # a shipped theme's files are read as themes/<name>/… below the package, as a cluster's are below its root
    shipped = next((t for t in themes if path.resolve().is_relative_to(t.resolve())), None)
    try:
        rel = path.resolve().relative_to(shipped.resolve().parent.parent if shipped else root.resolve())
    except ValueError:
        return None
    parts = rel.parts
    if not parts or path.name.endswith(IGNORED_SUFFIXES) or path.name == STORE_NAME or any(p.startswith(".") for p in parts):
        return None
    if rel.as_posix() == "sites.yaml" or path.name == "_site.yaml":
        return ChangeKind.CONFIG
    if "templates" in parts and parts[0] in ("themes", "content"):
        return ChangeKind.TEMPLATE
    if "static" in parts and parts[0] in ("themes", "content"):
        return ChangeKind.STATIC
    return ChangeKind.CONTENT if parts[0] == "content" else None


@dataclass
class Session:
    """The preview's builds: one options template, caches kept in memory between builds, the browsers' state."""

    options: BuildOptions
    live: LiveReload
    say: Callable[[str, bool], None]  # (plain text, whether it reports a failure)
    clock: Callable[[], datetime] | None = None  # None: the options' fixed moment (--now)
    caches: Caches = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)
    planned: object = None  # the plan of the last build, whose objects the collector no longer scans

    def __post_init__(self) -> None:
        self.caches = Caches(self.options.root, keep=True)

    def rebuild(self, why: str = "", cluster: Cluster | None = None, touched: Collection[Path] | None = None) -> BuildResult | None:
        """Build now (from `cluster` if given, else sites.yaml read again); report to the terminal and every open page.
        `touched`: the files written since the last rebuild, as the watcher saw them: only those are read again, and
        once the pages are told, every source is digested to be sure none was missed (a full event queue)."""
        with self.lock:
            result = self._build(why, cluster, touched)
            if touched is not None and result is not None and not read_as_last(self.options, self.caches):
                result = self._build(_(" (more files changed than were seen saved)"))
            return result

    def _build(self, why: str, cluster: Cluster | None = None, touched: Collection[Path] | None = None) -> BuildResult | None:
        started = time.perf_counter()
        options = self.options
        if self.clock is not None:  # scheduled items appear while the preview runs
            options = replace(options, profile=replace(options.profile, now=self.clock()))
        try:
            result = build(options, caches=self.caches, cluster=cluster, touched=touched)
        except SitegenError as exc:
            self._failed(exc.render(), why)
            return None
        except Exception:  # a bug must not stop the preview: say it, keep serving, keep watching
            self._failed(_("internal error in sitegen (please report it):") + "\n" + traceback.format_exc(), why)
            return None
        self._settle(result)
        self.live.built()
        s = result.stats
        said = _("rebuilt{why}: {made} rendered, {written} written, {removed} removed in {ms:.0f} ms") if why else \
            _("built: {made} rendered, {written} written, {removed} removed in {ms:.0f} ms")
        self.say(said.format(why=why, made=result.made, written=s.written, removed=s.removed,
                             ms=(time.perf_counter() - started) * 1000), False)
        return result

    def _settle(self, result: BuildResult) -> None:
        """Keep the garbage collector off the cluster kept in memory between builds: scanning it took 0.17 s in a
        rebuild of 0.2 s. A new plan is scanned once (the last one's cycles freed), then everything is frozen, so
        later collections see only what a rebuild makes."""
        if result.planned is not None and result.planned is not self.planned:
            gc.unfreeze()
            gc.collect()
            self.planned = result.planned
        gc.freeze()

    def _failed(self, text: str, why: str) -> None:
        self.live.failed(text)
        self.say(_("build failed{why}:\n{text}\nstill serving the last good build; fix the file and save").format(why=why, text=text),
                 True)


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        w = self.watcher
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                if event.is_directory and path.parent == w.root and path.name in SOURCES and event.event_type != "deleted":
                    w.appeared(path)
                kind = classify(w.root, path, w.extra, w.themes)
                if kind is not None:
                    w.changed(path, kind)
                else:
                    w.noted(path)


class Watcher:
    """Collects changes until the sources are quiet, then rebuilds once."""

    def __init__(self, session: Session, extra: tuple[Path, ...] = (), themes: tuple[Path, ...] = ()):
        self.session = session
        self.root = session.options.root
        self.extra = frozenset(p.resolve() for p in extra)  # files read from outside content/ and themes/ (logos, emblems)
        self.themes = themes  # the shipped themes the sites use: edited in place when sitegen is installed for development
        self.pending: dict[Path, ChangeKind] = {}
        self.quiet: set[Path] = set()  # files written that no build reads as a source (an editor's), still digested
        self.guard = threading.Lock()  # over pending and quiet: the observer's thread adds, the rebuild's takes
        self.last = 0.0
        self.wake = threading.Event()
        self.observer = Observer()
        self.events = _Events(self)
        self.watched: set[Path] = set()

    def start(self) -> None:
        # only the sources, and only writes: a recursive watch of the root would see every file a build writes
        # (a cold build of a large cluster overflows the kernel's event queue), and opens and reads of every
        # source during each rebuild cost a third of its time on 15,000 pages
        self.observer.schedule(self.events, str(self.root), recursive=False, event_filter=WRITES)  # sites.yaml
        for folder in (*(self.root / name for name in SOURCES), *self.themes):
            if folder.is_dir():
                self._watch(folder)
        sources = (self.root.resolve(), *((self.root / name).resolve() for name in SOURCES))
        for elsewhere in {p.parent for p in self.extra if not any(p.is_relative_to(s) for s in sources[1:])} - {sources[0]}:
            self.observer.schedule(self.events, str(elsewhere), recursive=False, event_filter=WRITES)
        self.observer.start()
        threading.Thread(target=self._loop, daemon=True, name="sitegen-rebuild").start()

    def appeared(self, folder: Path) -> None:
        """Watch content/ or themes/ made while serving (a cluster may start with the shipped theme only), and rebuild."""
        if folder not in self.watched and folder.is_dir():
            self._watch(folder)
            self.changed(folder, ChangeKind.TEMPLATE if folder.name == "themes" else ChangeKind.CONTENT)

    def _watch(self, folder: Path) -> None:
        self.watched.add(folder)
        self.observer.schedule(self.events, str(folder), recursive=True, event_filter=WRITES)

    def stop(self) -> None:
        self.observer.stop()

    def changed(self, path: Path, kind: ChangeKind) -> None:
        with self.guard:
            self.pending[path] = kind
        self.last = time.monotonic()
        self.wake.set()

    def noted(self, path: Path) -> None:
        """Note a file written that asks for no rebuild: the next one is told of it, as the digest may list it."""
        with self.guard:
            self.quiet.add(path)

    def _loop(self) -> None:
        while True:
            self.wake.wait()
            while time.monotonic() - self.last < QUIET:
                time.sleep(QUIET / 4)
            self.wake.clear()
            with self.guard:
                changed, self.pending = self.pending, {}
                quiet, self.quiet = (self.quiet, set()) if changed else (set(), self.quiet)
            if changed:
                self.session.rebuild(_describe(self.root, changed), touched=[*changed, *quiet])


def _describe(root: Path, changed: dict[Path, ChangeKind]) -> str:
    # editors save through temporary files: name a file that is still there
    path, kind = next(((p, k) for p, k in changed.items() if p.exists()), next(iter(changed.items())))
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = str(path)
    more = _(" and {count} more").format(count=len(changed) - 1) if len(changed) > 1 else ""
    return _(" ({kind} {file}{more})").format(kind=_(kind.value), file=shown, more=more)


def read_elsewhere(cluster: Cluster) -> tuple[Path, ...]:
    """Return the files a build reads from outside content/ and themes/: the sites' images, the cluster's taxonomy files."""
    images = tuple(cluster.root / path for s in cluster.sites.values() for path in s.theme_options.images().values())
    return images + cluster.taxonomy.files

