"""The output folder's own records: which build it holds, whether that build finished, and who is building now.

A build marks the folder unfinished before it writes its first file and finished after its last, so a build
that is killed or fails can never pass for a finished one: not to the next build (which then does everything
again) and not to `sitegen deploy` (which refuses it). The kind of build is recorded too: an internal build, a
build with drafts, one for a staging host or a preview never shares a folder with a public one, and is never deployed.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from sitegen.content.cache import CACHE_DIR
from sitegen.errors import BuildError, Problem
from sitegen.i18n import _

STATE = ".sitegen-state.json"
LOCK = ".sitegen-lock"


@dataclass(frozen=True)
class Kind:
    """What a build is made for: its profile, with drafts or not, a staging host, or the preview of `sitegen serve`."""

    profile: str = "public"  # "public" or "internal"
    drafts: bool = False
    staging: str | None = None  # the staging host a `build --base-url` made it for: never for the production servers
    preview: bool = False  # made by `sitegen serve` to look at on this machine: never for the web servers

    @property
    def deployable(self) -> bool:
        """True for the public profile without drafts, for the production hosts, not a preview: what may be deployed."""
        return self.profile == "public" and not self.drafts and self.staging is None and not self.preview

    def mixes_with(self, other: Kind) -> bool:
        """True if a build of this kind may write over one of `other`: the same kind (a staging build for any host)."""
        return (self.profile, self.drafts, self.staging is None, self.preview) == \
            (other.profile, other.drafts, other.staging is None, other.preview)

    def folder(self) -> str:
        """Return the folder, relative to the cluster, that a build of this kind writes to unless told otherwise."""
        if self.preview:  # never build/: nothing shown in a preview is deployed by mistake
            return f"{CACHE_DIR}/preview" + ("" if self.profile == "public" else f"-{self.profile}") + \
                ("" if self.drafts else "-no-drafts")
        return "build" + ("-internal" if self.profile == "internal" else "") + ("-drafts" if self.drafts else "") + \
            ("-staging" if self.staging else "")

    def describe(self) -> str:
        """Return what a build of this kind is, in words."""
        kind = _("an internal build (--profile {profile})").format(profile=self.profile) if self.profile != "public" \
            else _("a public build")
        if self.drafts:
            kind = _("{kind} with drafts (--drafts)").format(kind=kind)
        if self.staging:
            kind = _("{kind} for the staging host {host} (--base-url)").format(kind=kind, host=self.staging)
        return _("{kind} made by sitegen serve (a preview)").format(kind=kind) if self.preview else kind


@dataclass(frozen=True)
class FolderState:
    """What the folder holds: the kind of its last build, whether that build finished, and when."""

    kind: Kind
    complete: bool
    completed_at: float | None = None  # the moment the last finished build finished
    now: float | None = None  # the latest moment (--now) any build into the folder published for

    def ahead(self, slack: float = 300) -> bool:
        """True if some pages were published for a moment still to come: scheduled items would go out early."""
        return self.now is not None and self.now > time.time() + slack

    @property
    def public(self) -> bool:
        """True for a finished build of a deployable kind: the only one that may go to the web servers."""
        return self.complete and self.kind.deployable

    def describe(self) -> str:
        """Return what the folder holds, in words."""
        kind = self.kind.describe()
        return kind if self.complete else _("{kind} that did not finish (it was stopped or failed)").format(kind=kind)


def read_state(out_dir: Path) -> FolderState | None:
    """Return the folder's state, or None if no build recorded one."""
    try:
        data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
        kind = Kind(str(data["profile"]), bool(data["drafts"]), data.get("staging"), bool(data.get("preview")))
        return FolderState(kind, bool(data["complete"]), data.get("completed_at"), data.get("now"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_kind(out_dir: Path, state: FolderState | None, kind: Kind) -> None:
    """Refuse a build of one kind into a folder holding another: internal pages, drafts, staging hosts and previews never
    mix with public ones."""
    if state is None or kind.mixes_with(state.kind):
        return
    raise BuildError(Problem(_("the output folder {out_dir} holds {describe}; {kind} must not write into it").format(out_dir=out_dir,
            describe=state.describe(), kind=kind.describe()),
                             hint=_("build into another folder (the default for this kind is {default_folder}/), or delete this one if "
                                    "it is no longer needed").format(default_folder=kind.folder())))


def mark(out_dir: Path, kind: Kind, complete: bool, now: float | None) -> None:
    """Record the folder's state in one step: unfinished before a build writes, finished after (and for when)."""
    state = {**asdict(kind), "complete": complete, "completed_at": time.time() if complete else None, "now": now}
    tmp = out_dir / (STATE + ".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, out_dir / STATE)


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the folder's lock for a build; refuse if another process holds it."""
    with open(out_dir / LOCK, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise BuildError(Problem(_("another build is writing into {out_dir} (process {holder})").format(out_dir=out_dir, holder=holder),
                                     hint=_("wait for it to finish, or build into another folder with --out"))) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
