"""The output folder's own records: which build it holds, whether that build finished, and who is building now.

A build marks the folder unfinished before it writes its first file and finished after its last, so a build
that is killed or fails can never pass for a finished one: not to the next build (which then does everything
again) and not to `sitegen deploy` (which refuses it). The profile is recorded too: an internal build and a
public one never share a folder.
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

from sitegen.errors import BuildError, Problem
from sitegen.i18n import _

STATE = ".sitegen-state.json"
LOCK = ".sitegen-lock"


@dataclass(frozen=True)
class FolderState:
    """What the folder holds: the profile of its last build, whether that build finished, and when."""

    profile: str  # "public" or "internal"
    drafts: bool
    complete: bool
    completed_at: float | None = None  # the moment the last finished build finished
    now: float | None = None  # the latest moment (--now) any build into the folder published for
    staging: str | None = None  # the staging host a `build --base-url` made it for: never for the production servers

    def ahead(self, slack: float = 300) -> bool:
        """True if some pages were published for a moment still to come: scheduled items would go out early."""
        return self.now is not None and self.now > time.time() + slack

    @property
    def public(self) -> bool:
        """True for a finished build of the public profile without drafts: the only kind that may be deployed."""
        return self.complete and self.profile == "public" and not self.drafts and self.staging is None

    def describe(self) -> str:
        """Return what the folder holds, in words."""
        kind = f"an internal build (--profile {self.profile})" if self.profile != "public" else "a public build"
        kind += " with drafts (--drafts)" if self.drafts else ""
        kind += f" for the staging host {self.staging} (--base-url)" if self.staging else ""
        return kind if self.complete else f"{kind} that did not finish (it was stopped or failed)"


def read_state(out_dir: Path) -> FolderState | None:
    """Return the folder's state, or None if no build recorded one."""
    try:
        data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
        return FolderState(str(data["profile"]), bool(data["drafts"]), bool(data["complete"]), data.get("completed_at"),
                           data.get("now"), data.get("staging"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def default_folder(profile: str, drafts: bool, staging: str | None = None) -> str:
    """Return the output folder a build of this kind writes to unless told otherwise: each kind has its own."""
    return "build" + ("-internal" if profile == "internal" else "") + ("-drafts" if drafts else "") + ("-staging" if staging else "")


def check_kind(out_dir: Path, state: FolderState | None, profile: str, drafts: bool, staging: str | None = None) -> None:
    """Refuse a build of one kind into a folder holding another: internal pages, drafts and staging hosts never mix with
    public ones."""
    if state is None or (state.profile, state.drafts, state.staging) == (profile, drafts, staging):
        return
    kind = FolderState(profile, drafts, complete=True, staging=staging).describe()
    raise BuildError(Problem(_("the output folder {out_dir} holds {describe}; {kind} must not write into it").format(out_dir=out_dir,
            describe=state.describe(), kind=kind),
                             hint=_("build into another folder (the default for this kind is {default_folder}/), or delete this one if "
                                    "it is no longer needed").format(default_folder=default_folder(profile, drafts, staging))))


def mark(out_dir: Path, profile: str, drafts: bool, complete: bool, now: float | None, staging: str | None = None) -> None:
    """Record the folder's state in one step: unfinished before a build writes, finished after (and for when)."""
    state = FolderState(profile, drafts, complete, time.time() if complete else None, now, staging)
    tmp = out_dir / (STATE + ".tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
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
