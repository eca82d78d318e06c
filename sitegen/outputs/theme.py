"""Themes: the template chain (site override, then shared theme) and the static files a site gets."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from sitegen.config.model import Cluster, Site
from sitegen.content.cache import CACHE_DIR
from sitegen.digests import code_version
from sitegen.errors import ConfigError, ContentError, Problem
from sitegen.i18n import _
from sitegen.job import Job
from sitegen.sources.confine import escapes, outside_problem, site_folder
from sitegen.urls import tag_slug

FINGERPRINTED = {".css", ".js"}
STATIC_DIR = "static"  # under each site's output folder
SHIPPED_THEMES = Path(__file__).resolve().parent.parent / "themes"  # shipped with sitegen: sitegen/themes/
HASH_LENGTH = 10  # hex digits of content in a CSS or JS file's name: such a file never changes (nginx caches it for a year)


@dataclass(frozen=True)
class Theme:
    """The resolved theme of one site: where its templates and static files come from."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]  # later ones override earlier ones
    sandboxed: bool = False  # the site has templates of its own: they are a unit's, not the cluster admin's
    compiled: Path | None = None  # where its compiled templates are kept between builds (None: compiled by each process)


def theme_of(cluster: Cluster, site: Site) -> Theme:
    """Return the site's theme chain: content/<site>/_theme/ over themes/<theme>/ over the theme shipped with sitegen."""
    own, shipped = cluster.themes_dir / site.theme, shipped_theme(site.theme)
    if not (own / "templates").is_dir() and shipped is None:
        known = sorted({p.name for folder in (cluster.themes_dir, SHIPPED_THEMES) for p in folder.glob("*") if (p / "templates").is_dir()})
        raise ConfigError(Problem(_("site '{site_id}' uses theme '{theme}', which has no templates folder "
                                    "(themes/{theme}/templates/)").format(site_id=site.id,
                theme=site.theme), "sites.yaml",
                                  hint=_("themes available: {value}").format(value=', '.join(known) or 'none')))
    local = cluster.content_dir / site.id / "_theme"
    problems = [outside_problem(p, cluster.root, site_folder(cluster.content_dir, site.id))
                for p in escapes(local, site_folder(cluster.content_dir, site.id))] if os.path.lexists(local) else []
    # the cluster admin's themes/ must stay inside the cluster; the shipped theme is sitegen's own, trusted like its code
    problems += [outside_problem(p, cluster.root, cluster.root.resolve()) for p in escapes(own, cluster.root.resolve())]
    if problems:
        raise ContentError(problems)
    chain = (local, own, *([shipped] if shipped else []))  # first found wins, file by file
    templates = tuple(d / "templates" for d in chain if (d / "templates").is_dir())
    statics = tuple(d / "static" for d in reversed(chain) if (d / "static").is_dir())
    return Theme(templates, statics, sandboxed=(local / "templates").is_dir(), compiled=cluster.root / CACHE_DIR / "templates")


def shipped_theme(name: str) -> Path | None:
    """Return the folder of the theme of this name shipped with sitegen, if there is one."""
    folder = SHIPPED_THEMES / name
    return folder if name == folder.name and not name.startswith(".") and (folder / "templates").is_dir() else None


def shipped_themes(cluster: Cluster) -> tuple[Path, ...]:
    """Return the folders of the themes shipped with sitegen that the cluster's sites use."""
    return tuple(sorted({t for s in cluster.sites.values() if (t := shipped_theme(s.theme))}))


class SiteSandbox(ImmutableSandboxedEnvironment):
    """Renders a site whose unit wrote templates: what pages show, and nothing else.

    No Python internals (Jinja's sandbox), nothing changed in place (its immutable form), no attribute of a file
    path (a path object can read and write any file), none of the settings that never belong on a page, and no
    value grown so large that it stops the build.
    """

    PRIVATE = frozenset({"deploy", "root", "owners", "admins"})  # servers and keys, the project's path, people
    intercepted_binops = frozenset({"*", "**"})
    LARGEST = 1_000_000  # characters or items one expression may make

    def __init__(self, **options: Any):
        super().__init__(**options)
        for name in ("center", "indent", "wordwrap", "truncate"):
            self.filters[name] = _bounded(self.filters[name])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, (PurePath, os.PathLike)) or attr in self.PRIVATE:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError(f"the power {right} is too large for a page")
        if operator == "*" and _size(left) * _size(right) > self.LARGEST:
            raise SecurityError("this would make a value too large for a page")
        return super().call_binop(context, operator, left, right)


def _size(value: Any) -> int:
    """Return how many characters or items a value stands for in a product (a number counts as itself)."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return abs(value)
    return len(value) if isinstance(value, (str, list, tuple)) else 1


def _bounded(fn: Any) -> Any:
    """Return a filter that refuses a width beyond what a page can hold."""
    def bounded(*args: Any, **kwargs: Any) -> Any:
        widths = [a for a in (*args[1:], *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
        if any(w > 10_000 for w in widths):
            raise SecurityError("a width this large is too large for a page")
        return fn(*args, **kwargs)
    return bounded


_ENVS: dict[tuple[tuple[Path, ...], Path | None, frozenset[str]], jinja2.Environment] = {}


def environment(theme: Theme) -> jinja2.Environment:
    """Return the (cached) Jinja environment for a template chain and the template files it holds now."""
    # keyed by the files too: a template added to an earlier folder of the chain (a site's new override) must
    # replace the one a cached environment loaded from a later folder, which Jinja would still call up to date
    key = (theme.template_dirs, theme.compiled, frozenset(f"{i}/{name}" for i, d in enumerate(theme.template_dirs) for name in _files(d)))
    env = _ENVS.get(key)
    if env is None:
        env = (SiteSandbox if theme.sandboxed else jinja2.Environment)(
            loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_compiled(theme),
        )
        env.filters.update(date=_date, datetime=_datetime, filesize=filesize, tag_slug=tag_slug,
                           digits=lambda text: re.sub(r"\D", "", text or ""), number_key=number_key)
        _ENVS[key] = env
    return env


def _compiled(theme: Theme) -> jinja2.BytecodeCache | None:
    """Return the store of the theme's compiled templates, or None if its folder cannot be made.

    Compiling the templates took 0.09 s of every build; a compiled template is used only while its file is unchanged.
    One folder per kind of environment (the sandbox compiles some operators differently) and per sitegen version (its
    settings of Jinja); the folders of other versions are removed.
    """
    if theme.compiled is None:
        return None
    version = code_version()[:16]
    folder = theme.compiled / f"{'sandboxed' if theme.sandboxed else 'trusted'}-{version}"
    try:
        if not folder.is_dir():
            for old in theme.compiled.glob("*-*"):
                if not old.name.endswith(version):
                    shutil.rmtree(old, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a folder that may not be written: compiled in memory by each build, as without it
        return None
    return _Compiled(str(folder))


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in a folder; one that cannot be kept there (the folder removed, the disk full) is
    compiled again by the next build."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def number_key(text: str | None) -> str:
    """Return a 文号 or 索引号 as search compares it: no spaces, every kind of bracket as 〔〕 (js/search.js does the same)."""
    text = re.sub(r"\s+", "", text or "")
    return text.translate(str.maketrans("［[（(【", "〔〔〔〔〔")).translate(str.maketrans("］]）)】", "〕〕〕〕〕"))


def _files(folder: Path) -> list[str]:
    return [os.path.relpath(os.path.join(base, name), folder) for base, _, names in os.walk(folder) for name in names]


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _datetime(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def filesize(size: float) -> str:
    """Return a human-readable size: 532 B, 12.4 KB, 3.1 MB."""
    if size < 1024:
        return f"{int(size)} B"
    size /= 1024
    return f"{size:.1f} KB" if size < 1024 else f"{size / 1024:.1f} MB"


def static_files(cluster: Cluster, site: Site, theme: Theme) -> tuple[list[Job], dict[str, str]]:
    """Return (output jobs, asset map) for the site's static files; CSS and JS get content hashes in their names."""
    files: dict[str, Job] = {}
    assets: dict[str, str] = {}
    for folder in theme.static_dirs:
        for src in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = src.relative_to(folder).as_posix()
            out = _fingerprinted(name, src) if src.suffix in FINGERPRINTED else name
            assets[name] = f"{STATIC_DIR}/{out}"
            files[assets[name]] = Job.copy(assets[name], src)
    vars_css = _colour_css(site)
    if vars_css:
        out = _fingerprint("css/colours.css", vars_css)
        assets["css/colours.css"] = f"{STATIC_DIR}/{out}"
        files[assets["css/colours.css"]] = Job.data(assets["css/colours.css"], vars_css)
    for name, path in site.theme_options.images().items():
        image = cluster.root / path
        if not image.is_file():
            raise ConfigError(Problem(_("{option} of site '{site_id}' not found: {path}").format(option=name, site_id=site.id,
                                                                                                  path=path), "sites.yaml",
                                      hint=_("give the image path relative to the file that names it (sites.yaml, or the site's own "
                                             "_site.yaml)")))
        assets[name] = f"{STATIC_DIR}/{name}{image.suffix}"
        files[assets[name]] = Job.copy(assets[name], image)
    return list(files.values()), assets


def _fingerprinted(name: str, path: Path) -> str:
    """Return the content-hashed name of a theme file, reading each version of it once: every site shares it."""
    st = path.stat()
    return _fingerprinted_version(name, path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=256)
def _fingerprinted_version(name: str, path: Path, size: int, mtime_ns: int) -> str:
    return _fingerprint(name, path.read_bytes())


def _fingerprint(name: str, data: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}{dot}{ext}"


def _colour_css(site: Site) -> bytes:
    opts = site.theme_options
    rules = [f"--primary: {opts.primary_color};" if opts.primary_color else "",
             f"--accent: {opts.accent_color};" if opts.accent_color else ""]
    body = " ".join(r for r in rules if r)
    return f":root {{ {body} }}\n".encode() if body else b""
