"""Stage 5, write: the one publisher. Checks every path, writes only what changed, removes what is gone."""
from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Union

from .errors import BuildError, Problem

Output = Union[bytes, Path]  # rendered bytes, or a source file copied as it is
MARKER = ".sitegen"
TMP_SUFFIX = ".sitegen-tmp"


@dataclass(frozen=True)
class WriteStats:
    """What the publisher did."""

    written: int
    unchanged: int
    removed: int
    changed_sites: frozenset[str] = frozenset()  # sites with a file written or removed


def publish(outputs: Mapping[str, Output], out_dir: Path, site_ids: Iterable[str], *, prune_sites: bool = False,
            keep: tuple[str, ...] = ()) -> WriteStats:
    """Write `outputs` (paths relative to out_dir, starting with a site id) and remove stale files of those sites.

    Files are first written beside their targets and renamed into place only when all were written,
    so a failure (disk full, permissions) leaves the previous output as it was.
    """
    out_dir = out_dir.resolve()
    _claim(out_dir)
    targets = {rel: _target(out_dir, rel) for rel in sorted(outputs)}
    changed = [rel for rel, target in targets.items() if not _same(target, outputs[rel])]
    staged = _stage(out_dir, changed, targets, outputs)
    for tmp, target in staged:
        os.replace(tmp, target)
    site_ids = list(site_ids)
    removed = _remove_stale(out_dir, site_ids, set(outputs), keep)
    if prune_sites:
        _remove_other_sites(out_dir, site_ids, removed)
    touched = frozenset(rel.split("/", 1)[0] for rel in changed + removed)
    return WriteStats(written=len(changed), unchanged=len(outputs) - len(changed), removed=len(removed),
                      changed_sites=touched)


def _claim(out_dir: Path) -> None:
    """Refuse to write into a non-empty folder that sitegen did not make (it deletes stale files)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(Problem(f"the output path {out_dir} is a file", hint="choose another --out"))
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise BuildError(Problem(f"the output folder {out_dir} is not empty and was not made by sitegen",
                                 hint="choose another --out, or empty the folder first"))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).touch()


def _target(out_dir: Path, rel: str) -> Path:
    target = (out_dir / rel).resolve()
    if not target.is_relative_to(out_dir) or target == out_dir or "\\" in rel:
        raise BuildError(Problem(f"refusing to write outside the output folder: {rel}",
                                 hint="a slug, tag or file name contains '..' or an absolute path"))
    return target


def _same(target: Path, data: Output) -> bool:
    if not target.is_file():
        return False
    if isinstance(data, Path):
        return target.stat().st_size == data.stat().st_size and filecmp.cmp(target, data, shallow=False)
    return target.stat().st_size == len(data) and target.read_bytes() == data


def _stage(out_dir: Path, changed: list[str], targets: dict[str, Path], outputs: Mapping[str, Output]) -> list[tuple[Path, Path]]:
    staged: list[tuple[Path, Path]] = []
    try:
        for rel in changed:
            target = targets[rel]
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + TMP_SUFFIX)
            data = outputs[rel]
            if isinstance(data, Path):
                shutil.copyfile(data, tmp)
            else:
                tmp.write_bytes(data)
            staged.append((tmp, target))
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise BuildError(Problem(f"cannot write {rel}: {exc.strerror or exc}", out_dir / rel,
                                 hint="check free disk space and permissions; the previous output is unchanged")) from None
    return staged


def _remove_stale(out_dir: Path, site_ids: list[str], wanted: set[str], keep: tuple[str, ...]) -> list[str]:
    removed = []
    for site_id in site_ids:
        root = out_dir / site_id
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*"), reverse=True):
            rel = path.relative_to(out_dir).as_posix()
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            elif rel not in wanted and not rel.removeprefix(site_id + "/").startswith(keep or ("\0",)):
                path.unlink()
                removed.append(rel)
    return removed


def _remove_other_sites(out_dir: Path, site_ids: list[str], removed: list[str]) -> None:
    """Remove output folders of sites no longer in the cluster, adding their files to `removed`."""
    for entry in out_dir.iterdir():
        if entry.is_dir() and entry.name not in site_ids:
            removed += [p.relative_to(out_dir).as_posix() for p in entry.rglob("*") if p.is_file()]
            shutil.rmtree(entry)
