"""Confinement: a file that a unit's folder names must be inside that folder once every link is followed.

A site's folder is `content/<site>/` at its place in the project, not wherever that folder itself may point:
a unit that turns its folder, a column or a file into a link to elsewhere publishes nothing from there.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sitegen.errors import Problem
from sitegen.i18n import N_, _

LINK_HINT = N_("put the file itself here, not a link to a file elsewhere")


def site_folder(content_dir: Path, site_id: str) -> Path:
    """Return the only folder a site's files may come from: content/<site>/ where the project keeps it."""
    return content_dir.resolve() / site_id


def inside(path: Path, folder: Path) -> bool:
    """Return True if `path`, every link followed, lies inside `folder` (a resolved path); False for a link loop."""
    try:
        return path.resolve().is_relative_to(folder)
    except (OSError, RuntimeError, ValueError):  # a loop, or a NUL byte in the name
        return False


def escapes(folder: Path, allowed: Path) -> Iterator[Path]:
    """Yield `folder` if it leads outside `allowed`, else every link below it that does."""
    if not inside(folder, allowed):
        yield folder
        return
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(base, name)
            if path.is_symlink() and not inside(path, allowed):
                yield path


def outside_problem(path: Path, root: Path, allowed: Path) -> Problem:
    """Return the message for a file or link that leads outside the folder it belongs to."""
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    where = allowed.relative_to(root.resolve()).as_posix() + "/" if allowed.is_relative_to(root.resolve()) else str(allowed)
    target = os.path.realpath(path) if os.path.lexists(path) else "nowhere"
    what = _("a link that leads nowhere (or round in a circle)") if not os.path.exists(path) else \
        _("a link to {target}").format(target=target)
    return Problem(_("{what}, outside {where}: sitegen reads nothing from there").format(what=what, where=where), shown,
                   hint=_(LINK_HINT))
