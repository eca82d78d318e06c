"""The one publisher. Checks every path, writes what changed, removes what is gone.

A changed file is written beside its target (`name.sitegen-tmp`) and renamed into place only when the whole
build succeeded; a new file is written in place and removed again if the build fails. So a failure (a template
error, a full disk) leaves the previous output as it was.
"""
from __future__ import annotations

import contextlib
import filecmp
import os
import posixpath
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import BuildError, Problem
from sitegen.i18n import _
from sitegen.job import Output

MARKER = ".sitegen"
TMP_SUFFIX = ".sitegen-tmp"


@dataclass(frozen=True)
class WriteStats:
    """What the publisher did."""

    written: int
    unchanged: int
    removed: int


def check_path(rel: str) -> None:
    """Refuse an output path that would leave the output folder."""
    if "\\" in rel or rel.startswith("/") or posixpath.normpath(rel) != rel or rel.split("/", 1)[0] in ("", "..", "."):
        raise BuildError(Problem(_("refusing to write outside the output folder: {rel}").format(rel=rel),
                                 hint=_("a slug, tag or file name contains '..' or an absolute path")))


@dataclass
class Publisher:
    """Writes one build into one output folder; its state lives as long as that build."""

    out_dir: Path
    _folders: set[Path] = field(default_factory=set)  # folders this process made or found during this build

    def claim(self) -> None:
        """Refuse to write into a non-empty folder that sitegen did not make (it deletes stale files)."""
        out_dir = self.out_dir
        if out_dir.exists() and not out_dir.is_dir():
            raise BuildError(Problem(_("the output path {out_dir} is a file").format(out_dir=out_dir), hint=_("choose another --out")))
        if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise BuildError(Problem(_("the output folder {out_dir} is not empty and was not made by sitegen").format(out_dir=out_dir),
                                     hint=_("choose another --out, or empty the folder first")))
        out_dir.mkdir(parents=True, exist_ok=True)
        # only made, never touched here: its time is that of the last complete build (deploy compares it with the sources)
        if not (out_dir / MARKER).exists():
            (out_dir / MARKER).touch()

    def remove_leftovers(self) -> int:
        """Remove the staged files a stopped build left behind; return how many."""
        found = [os.path.join(base, name) for base, _, names in os.walk(self.out_dir) for name in names
                 if name.endswith(TMP_SUFFIX)]
        for path in found:
            os.unlink(path)
        return len(found)

    def stage(self, rel: str, data: Output, existed: bool) -> bool:
        """Write `data` if it differs from the file there; return True if written.

        A file that did not exist is written in place (abort() removes it again); a changed one is written beside
        its target and put in place by commit(), so the old one stays until the whole build succeeded.
        """
        target = self.out_dir / rel
        if existed and _same(target, data):
            return False
        path = target.with_name(target.name + TMP_SUFFIX) if existed else target
        try:
            self._folder(target.parent)
            if isinstance(data, Path):
                shutil.copyfile(data, path)
            else:
                path.write_bytes(data)
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise BuildError(Problem(_("cannot write {rel}: {value}").format(rel=rel, value=exc.strerror or exc), self.out_dir / rel,
                                     hint=_("check free disk space and permissions; the previous output is unchanged"))) from None
        return True

    def _folder(self, path: Path) -> None:
        if path not in self._folders:
            path.mkdir(parents=True, exist_ok=True)
            self._folders.add(path)

    def abort(self, rels: Iterable[str], existed: set[str]) -> None:
        """Undo the writes of a build that failed: staged files, and files that did not exist before it."""
        for rel in rels:
            target = self.out_dir / rel
            if rel in existed:
                target.with_name(target.name + TMP_SUFFIX).unlink(missing_ok=True)
            elif target.is_file():
                target.unlink()
                with contextlib.suppress(OSError):  # the folders it made, up to the first that holds anything
                    os.removedirs(target.parent)

    def commit(self, written: list[str], existed: set[str], site_ids: list[str], wanted: set[str], *,
               prune_sites: bool = False, keep: tuple[str, ...] = ()) -> WriteStats:
        """Put the staged files in place and remove stale files of `site_ids`; `wanted` is every output of the build."""
        for rel in written:
            if rel in existed:
                target = self.out_dir / rel
                os.replace(target.with_name(target.name + TMP_SUFFIX), target)
        removed = _remove_stale(self.out_dir, site_ids, wanted, keep)
        if prune_sites:
            _remove_other_sites(self.out_dir, site_ids, removed)
        return WriteStats(written=len(written), unchanged=len(wanted) - len(written), removed=len(removed))


def _same(target: Path, data: Output) -> bool:
    try:
        size = target.stat().st_size
    except OSError:
        return False
    if isinstance(data, Path):
        return size == data.stat().st_size and filecmp.cmp(target, data, shallow=False)
    return size == len(data) and target.read_bytes() == data


def _remove_stale(out_dir: Path, site_ids: list[str], wanted: set[str], keep: tuple[str, ...]) -> list[str]:
    removed: list[str] = []
    prefix = len(str(out_dir)) + 1
    for site_id in site_ids:
        root = str(out_dir / site_id)
        kept = tuple(f"{site_id}/{k}" for k in keep)
        emptied: set[str] = set()
        for folder, dirs, files in os.walk(root, topdown=False):
            base = folder[prefix:].replace(os.sep, "/")
            left = len(files)
            for name in files:
                rel = f"{base}/{name}"
                if rel not in wanted and not rel.startswith(kept):
                    os.unlink(os.path.join(folder, name))
                    left -= 1
                    if not name.endswith(TMP_SUFFIX):
                        removed.append(rel)
            # the walk's own lists say whether a folder is now empty: no extra system call per folder
            if folder != root and not left and all(os.path.join(folder, d) in emptied for d in dirs):
                os.rmdir(folder)
                emptied.add(folder)
    return sorted(removed)


def _remove_other_sites(out_dir: Path, site_ids: list[str], removed: list[str]) -> None:
    """Remove output folders of sites no longer in the cluster, adding their files to `removed`."""
    for entry in out_dir.iterdir():
        if entry.is_dir() and entry.name not in site_ids:
            removed += [p.relative_to(out_dir).as_posix() for p in entry.rglob("*") if p.is_file()]
            shutil.rmtree(entry)
