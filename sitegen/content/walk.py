"""Find every page source under content/: each site's folder, its columns and the sections of its special columns,
reporting what is out of place and any link that leads out of a site's folder."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sitegen.config.model import Cluster, Site
from sitegen.config.schema import ColumnType
from sitegen.errors import Problem, did_you_mean
from sitegen.i18n import _
from sitegen.sources.confine import inside, outside_problem, site_folder
from sitegen.urls import is_safe_slug

SITE_FILES = {"_site.yaml", "_theme"}  # entries of content/<site>/ that are not pages or columns
MARKDOWN = {".md", ".markdown", ".mdown", ".mkd"}  # any case: a page under another name is told, not ignored
INDEX = "_index.md"  # of a special column (专题) or of one of its sections: title, banner, introduction


Source = tuple[Site, str | None, str | None, Path]  # (site, column or None, section of a special column or None, file)


def sources(cluster: Cluster, problems: list[Problem], warnings: list[Problem], indexes: list[Source]) -> Iterator[Source]:
    """Yield (site, column or None, file) for every Markdown source, reporting misplaced ones."""
    root = cluster.content_dir
    if not root.is_dir():
        return
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "_")) or entry.name.lower() == "readme.md":
            continue
        shown = entry.relative_to(cluster.root)
        if entry.is_dir() and entry.name in cluster.sites:
            allowed = site_folder(root, entry.name)
            if entry.is_symlink() and not inside(entry, allowed):
                problems.append(outside_problem(entry, cluster.root, allowed))
                continue
            yield from _site_sources(cluster, cluster.sites[entry.name], entry, allowed, problems, warnings, indexes)
        elif entry.is_dir():
            problems.append(Problem(_("unknown site '{entry_name}'{suggestion}").format(entry_name=entry.name,
                    suggestion=did_you_mean(entry.name, cluster.sites)), shown,
                                    hint=_("sites are declared in sites.yaml; add it there (sitegen new site) or rename the folder")))
        elif entry.suffix == ".md":
            problems.append(Problem(_("pages belong in a site's folder"), shown, hint=_("move it to content/<site>/<column>/")))


def _site_sources(cluster: Cluster, site: Site, folder: Path, allowed: Path, problems: list[Problem],
                  warnings: list[Problem], indexes: list[Source]) -> Iterator[Source]:
    # the walk follows no links below a folder: only a link itself can lead out, so only links are resolved
    for entry in sorted(folder.iterdir()):
        shown = entry.relative_to(cluster.root)
        if entry.name.startswith(".") or entry.name in SITE_FILES:
            continue
        if entry.is_symlink() and not inside(entry, allowed):
            if entry.suffix.lower() in MARKDOWN or entry.name in site.columns or not entry.exists():
                problems.append(outside_problem(entry, cluster.root, allowed))
        elif _is_page(cluster, entry, warnings):
            yield site, None, None, entry
        elif entry.is_dir() and entry.name in site.columns and site.columns[entry.name].type is ColumnType.special:
            yield from _special_sources(cluster, site, entry, allowed, problems, warnings, indexes)
        elif entry.is_dir() and entry.name in site.columns:
            yield from _column_sources(cluster, site, entry, allowed, problems, warnings)
        elif entry.is_dir():
            problems.append(Problem(
                _("unknown column '{entry_name}' in site '{site_id}'{suggestion}").format(entry_name=entry.name, site_id=site.id,
                        suggestion=did_you_mean(entry.name, site.columns)), shown,
                hint=_("columns of {site_id}: {items}; add the column in sites.yaml or rename the folder").format(site_id=site.id,
                        items=', '.join(site.columns))))


def _column_sources(cluster: Cluster, site: Site, folder: Path, allowed: Path, problems: list[Problem],
                    warnings: list[Problem]) -> Iterator[Source]:
    for path, entry in _below(folder):
        if path.name.startswith(("_", ".")):
            continue
        if entry.is_symlink() and not inside(path, allowed):
            if path.suffix.lower() in MARKDOWN:
                problems.append(outside_problem(path, cluster.root, allowed))
            continue
        if not _is_page(cluster, path, warnings, entry.is_file()):
            continue
        if path.parent != folder:
            problems.append(Problem(_("pages in sub-folders of a column are not published"), path.relative_to(cluster.root),
                                    hint=_("move it up into {folder}/").format(folder=folder.relative_to(cluster.root))))
            continue
        yield site, folder.name, None, path


def _below(folder: Path) -> list[tuple[Path, os.DirEntry[str]]]:
    """Return every file and folder below `folder` with its directory entry, in the order of sorted(folder.rglob("*")),
    entering no linked folder (a column holds thousands of pages: the entries spare a status call for each)."""
    out: list[tuple[Path, os.DirEntry[str]]] = []
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda e: e.name)
    for entry in entries:
        path = folder / entry.name
        out.append((path, entry))
        if entry.is_dir(follow_symlinks=False):
            out += _below(path)
    return out


def _special_sources(cluster: Cluster, site: Site, folder: Path, allowed: Path, problems: list[Problem],
                     warnings: list[Problem], indexes: list[Source]) -> Iterator[Source]:
    """Yield the items of a special column's sections; collect its _index.md files; report pages out of place."""
    for path, entry in _below(folder):
        depth = len(path.relative_to(folder).parts)
        section = path.parent.name if depth == 2 else None
        if entry.is_symlink() and not inside(path, allowed):
            if path.suffix.lower() in MARKDOWN:
                problems.append(outside_problem(path, cluster.root, allowed))
            continue
        if path.name == INDEX and depth <= 2 and entry.is_file():
            indexes.append((site, folder.name, section, path))
            continue
        if path.name.startswith(("_", ".")) or not _is_page(cluster, path, warnings, entry.is_file()):
            continue
        shown = path.relative_to(cluster.root)
        if depth == 1:
            problems.append(Problem(_("in a special column (专题) every item belongs to a section: a sub-folder such as "
                                      "{folder}/<section>/").format(folder=folder.relative_to(cluster.root)), shown,
                                    hint=_("move it into the folder of its section (create one if needed); the column's "
                                           "introduction is {folder}/_index.md").format(folder=folder.relative_to(cluster.root))))
        elif depth > 2:
            problems.append(Problem(_("pages in sub-folders of a section are not published"), shown,
                                    hint=_("move it up into {folder}/").format(folder=path.parent.parent.relative_to(cluster.root))))
        elif section is not None and not is_safe_slug(section):
            problems.append(Problem(_("the section folder '{section}' cannot be used in a URL").format(section=section),
                                    shown.parent, hint=_("rename the folder with letters, digits, '-' and '_' (its title "
                                                         "goes in '{index}' inside it)").format(index=INDEX)))
        else:
            yield site, folder.name, section, path


def _is_page(cluster: Cluster, path: Path, warnings: list[Problem], is_file: bool | None = None) -> bool:
    """Return True for a page source (links out of the site were sorted out before); warn of Markdown under another name.
    `is_file`: whether it is a file (or a link to one), if known already."""
    if path.name.startswith("_") or path.suffix.lower() not in MARKDOWN or not (path.is_file() if is_file is None else is_file):
        return False
    if path.suffix != ".md":
        warnings.append(Problem(_("this file is not published: pages are files ending in .md"), path.relative_to(cluster.root),
                                hint=_("rename it to {stem}.md").format(stem=path.stem)))
        return False
    return True
