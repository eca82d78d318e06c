"""Real `git`, run in the cluster's folder: where the cluster sits in the repository, a range's commits, old files."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import InternalError, Problem
from sitegen.i18n import _
from sitegen.owners.identity import Author
from sitegen.owners.rules import OwnersError, RangeError

# Plumbing only (rev-list, diff-tree, cat-file): porcelain settings such as log.showSignature, diff.relative or a
# .mailmap committed by anyone cannot change what is read. -z keeps Chinese and odd file names as they are.
_HEADER = "%H%x00%h%x00%an%x00%ae%x00%P"
_DIFF = ["diff-tree", "--stdin", "--always", "-z", "-r", "-c", "--root", "--no-renames", "--name-status", "--abbrev=7",
         f"--format={_HEADER}"]
_STATUS = re.compile(rb"[A-Z]+")


class GitFailed(Exception):
    """git exited with an error; the text is git's own message."""


@dataclass(frozen=True)
class Change:
    """One file a commit touched: `status` is git's letter (A, M, D, T), one per parent for a merge (`MM`, `DD`)."""

    status: str
    path: str  # from the top of the repository

    @property
    def verb(self) -> str:
        """Return what the commit did to the file, as messages say it."""
        if set(self.status) == {"A"}:
            return "adds"
        return "deletes" if set(self.status) == {"D"} else "changes"


@dataclass
class Commit:
    """One commit of the range, with every file it touched."""

    sha: str
    short: str
    author: Author
    parents: tuple[str, ...]
    changes: list[Change] = field(default_factory=list)

    @property
    def is_merge(self) -> bool:
        """Return whether the commit has more than one parent."""
        return len(self.parents) > 1


def git(root: Path, *args: str, stdin: bytes = b"") -> bytes:
    """Return what `git ARGS` run in `root` prints; raise GitFailed with git's message."""
    if shutil.which("git") is None:
        raise OwnersError(Problem(_("git is not installed"), hint=_("install it (Debian: apt-get install git) and run again")))
    done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise GitFailed(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed ({done.returncode})")
    return done.stdout


def prefix(root: Path) -> str:
    """Return the cluster folder's path inside its repository ('' at the top, else ending in '/'); RangeError outside one."""
    try:
        return git(root, "rev-parse", "--show-prefix").decode("utf-8", "replace").strip()
    except GitFailed as exc:
        raise RangeError(Problem(str(exc), root, hint=_("run it in the cluster's Git repository, or pass --root"))) from None


def top(root: Path) -> Path | None:
    """Return the top folder of the work tree holding `root`, or None (no Git, no repository, a bare one)."""
    try:
        return Path(git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip())
    except (GitFailed, OwnersError):
        return None


def resolve(root: Path, revision: str) -> str:
    """Return the commit id `revision` names; RangeError with git's message if it names none."""
    try:
        return git(root, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}").decode().strip()
    except GitFailed as exc:
        raise RangeError(Problem(f"{revision}: {exc}", hint=_("name a commit this repository has"))) from None


def commits(root: Path, base: str, tip: str) -> list[Commit]:
    """Return the commits reachable from `tip` but not from `base`, oldest first; RangeError with git's message."""
    try:
        listed = git(root, "rev-list", "--reverse", "--end-of-options", f"{base}..{tip}", "--").split()
    except GitFailed as exc:
        raise RangeError(Problem(str(exc), hint=_("give BASE..TIP with revisions this repository has, e.g. origin/main..HEAD (fetch them "
                                                  "first; in CI "
                                                  "check out the full history)"))) from None
    if not listed:
        return []
    found = _parse(git(root, *_DIFF, stdin=b"\n".join(listed) + b"\n"))
    if [c.sha for c in found] != [sha.decode() for sha in listed]:
        raise InternalError(Problem(_("git diff-tree did not describe the commits of {base}..{tip} one by one").format(base=base,
                tip=tip), root))
    return found


def _parse(out: bytes) -> list[Commit]:
    """Return the commits of `diff-tree -z` output: a header of five fields, then (status, path) pairs."""
    tokens = out.split(b"\0")
    found: list[Commit] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if not token:
            i += 1
        elif found and _STATUS.fullmatch(token):  # a status is upper case, a commit id lower-case hex
            found[-1].changes.append(Change(token.decode(), _text(tokens[i + 1])))
            i += 2
        else:
            short, name, email, parents = (_text(t) for t in tokens[i + 1:i + 5])
            found.append(Commit(_text(token), short, Author(name, email), tuple(parents.split())))
            i += 5
    return found


def _text(data: bytes) -> str:
    """Return git's bytes as text; a byte that is not UTF-8 is shown as the replacement character."""
    return data.decode("utf-8", "replace")


def file_at(root: Path, revision: str, path: str) -> bytes | None:
    """Return the bytes of `path` (from the top of the repository) in `revision`, or None if it has no such file."""
    try:
        return git(root, "cat-file", "blob", f"{revision}:{path}")
    except GitFailed:
        return None
