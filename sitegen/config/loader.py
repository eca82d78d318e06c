"""Stage 1, config: read sites.yaml (and each _site.yaml) into a validated Cluster."""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from sitegen.config.model import Cluster, Column, Site
from sitegen.config.schema import CATALOGUE_PAGE_SIZE, IMAGE_OPTIONS, ColumnSpec, ColumnType, ConfigFile, Defaults, SiteLocal, SiteSpec
from sitegen.config.taxonomy import load_taxonomy
from sitegen.errors import ConfigError, Problem, Problems, did_you_mean
from sitegen.i18n import _
from sitegen.sources.confine import inside, outside_problem, site_folder
from sitegen.sources.encoding import read_text
from sitegen.sources.validation import problems_from
from sitegen.sources.yamlio import locate, parse

CONFIG_NAME = "sites.yaml"


def load_config(root: Path) -> Cluster:
    """Return the cluster described by `root/sites.yaml`, or raise ConfigError with every problem."""
    path = root / CONFIG_NAME
    shown = Path(CONFIG_NAME)
    if not path.is_file():
        raise ConfigError(Problem(_("no {CONFIG_NAME} in {root}").format(CONFIG_NAME=CONFIG_NAME, root=root),
                                  hint=_("run sitegen in the folder holding sites.yaml, or pass --root")))
    spec, node = _validate(path, shown, ConfigFile)
    problems = list(_cross_checks(spec, node, shown))
    locals_, images = _site_files(root, spec, problems)
    if problems:
        raise ConfigError(problems)
    sites = {s.id: replace(_resolve_site(s, spec, locals_[s.id], images[s.id]), line=locate(node, ("sites", i, "url")))
             for i, s in enumerate(spec.sites)}
    return _cluster(root, spec, sites)


def declared_language(root: Path) -> str | None:
    """Return cluster.language of root/sites.yaml if it can be read at a glance (messages are chosen before loading)."""
    try:
        data, _node = parse(read_text(root / CONFIG_NAME, CONFIG_NAME), CONFIG_NAME)
    except (OSError, Problems):
        return None
    cluster = data.get("cluster") if isinstance(data, dict) else None
    value = cluster.get("language") if isinstance(cluster, dict) else None
    return value if isinstance(value, str) else None


def _site_files(root: Path, spec: ConfigFile, problems: list[Problem]) -> tuple[dict[str, SiteLocal | None], dict[str, dict[str, str]]]:
    """Return each site's _site.yaml and its checked image paths (logo, emblem, ...), adding what is wrong to `problems`."""
    locals_: dict[str, SiteLocal | None] = {}
    images: dict[str, dict[str, str]] = {}
    for site in spec.sites:
        local = _site_local(root, site.id)
        if isinstance(local, list):
            problems += local
            local = None
        images[site.id] = {}
        for name in IMAGE_OPTIONS:
            image = _image(root, site, local, name)
            if isinstance(image, Problem):
                problems.append(image)
            elif image is not None:
                images[site.id][name] = image
        locals_[site.id] = local
    return locals_, images


def _cluster(root: Path, spec: ConfigFile, sites: dict[str, Site]) -> Cluster:
    """Return the Cluster of a validated sites.yaml and its resolved sites."""
    return Cluster(
        name=spec.cluster.name, base_url=origin(spec.cluster.base_url), language=spec.cluster.language,
        tz=ZoneInfo(spec.cluster.timezone), org_code=spec.cluster.org_code, sites=sites, root=root,
        taxonomy=load_taxonomy(root, spec.disclosure), index_format=spec.disclosure.index_format,
        feed_items=spec.defaults.feed_items, page_size=spec.defaults.page_size, deploy=spec.deploy,
        admins=tuple(spec.cluster.admins), check=spec.check, traditional=spec.cluster.traditional,
    )


def _validate(path: Path, shown: Path, model: type[BaseModel]) -> tuple[Any, Any]:
    """Return the validated model and the YAML node tree (for locating later problems)."""
    try:
        data, node = parse(read_text(path, shown), shown)
    except Problems as exc:
        raise ConfigError(exc.problems) from None
    data = {} if data is None else data  # an empty file: every required key is then reported missing
    if not isinstance(data, dict):
        raise ConfigError(Problem(_("expected a mapping of settings at the top level"), shown, line=1))
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        raise ConfigError(problems_from(exc, model, node, shown)) from None


def _cross_checks(spec: ConfigFile, node: Any, shown: Path) -> Iterable[Problem]:
    """Yield problems no single field can see: duplicates, collisions, the one portal."""

    def at(*loc: str | int) -> int | None:
        return locate(node, loc)

    portals = [i for i, s in enumerate(spec.sites) if s.kind == "portal"]
    if len(portals) != 1:
        yield Problem(_("the cluster needs exactly one site of kind 'portal', found {count}").format(count=len(portals)), shown,
                      at("sites"))
    try:
        ZoneInfo(spec.cluster.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield Problem(_("cluster.timezone: unknown time zone '{timezone}'").format(timezone=spec.cluster.timezone), shown, at("cluster",
                                                                                                                              "timezone"),
                      hint=_("use a name such as Asia/Shanghai"))
    yield from _duplicates(spec, shown, at)
    yield from _column_checks(spec, shown, at)
    yield from _target_checks(spec, shown, at)


def _duplicates(spec: ConfigFile, shown: Path, at: Any) -> Iterable[Problem]:
    seen_ids: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    for i, site in enumerate(spec.sites):
        if site.id in seen_ids:
            yield Problem(_("sites[{i}].id: '{site_id}' is used twice (also sites[{value}])").format(i=i, site_id=site.id,
                    value=seen_ids[site.id]), shown, at("sites", i, "id"))
        seen_ids.setdefault(site.id, i)
        if site.url in seen_urls:
            yield Problem(_("sites[{i}].url: '{url}' is used twice (also sites[{value}])").format(i=i, url=site.url,
                    value=seen_urls[site.url]), shown, at("sites", i, "url"))
        seen_urls.setdefault(site.url, i)
        if site.kind == "portal" and site.url != "/":
            yield Problem(_("sites[{i}].url: the portal lives at '/', not '{url}'").format(i=i, url=site.url), shown, at("sites", i, "url"),
                          hint=_("set the portal's host with cluster.base_url"))


def _column_checks(spec: ConfigFile, shown: Path, at: Any) -> Iterable[Problem]:
    # where a site may be mounted is checked against the outputs' registry (outputs.registry.check_urls)
    for i, site in enumerate(spec.sites):
        columns = _columns_of(site, spec.defaults)
        if not columns:
            yield Problem(_("sites[{i}] ({site_id}) has no columns").format(i=i, site_id=site.id), shown, at("sites", i),
                          hint=_("list columns under the site or under defaults.columns"))
        ids = [c.id for c in columns]
        for dup in sorted({c for c in ids if ids.count(c) > 1}):
            yield Problem(_("sites[{i}].columns: column id '{dup}' is used twice").format(i=i, dup=dup), shown, at("sites", i, "columns"))
        for j, column in enumerate(columns):
            if column.accepts_submissions and column.type == ColumnType.disclosure:
                yield Problem(_("sites[{i}].columns[{j}]: the 政府信息公开 column '{column_id}' cannot take submissions: its catalogue "
                                "lists the site's own documents only").format(i=i, j=j, column_id=column.id), shown,
                              at("sites", i, "columns", j, "accepts_submissions"),
                              hint=_("remove 'accepts_submissions', or set it on a news or notice column"))
        if sum(c.type.value == "disclosure" for c in columns) > 1:
            yield Problem(_("sites[{i}].columns: a site has one disclosure (政府信息公开) column, not several").format(i=i), shown,
                          at("sites", i, "columns"))


def _target_checks(spec: ConfigFile, shown: Path, at: Any) -> Iterable[Problem]:
    site_ids = [s.id for s in spec.sites]
    names: set[str] = set()
    for i, target in enumerate(spec.deploy.targets):
        if target.name in names:
            yield Problem(_("deploy.targets[{i}].name: '{target_name}' is used twice").format(i=i, target_name=target.name), shown,
                          at("deploy", "targets", i, "name"))
        names.add(target.name)
        for site in target.sites or []:
            if site not in site_ids:
                yield Problem(_("deploy.targets[{i}].sites: no site '{site}'{suggestion}").format(i=i, site=site,
                        suggestion=did_you_mean(site, site_ids)), shown,
                              at("deploy", "targets", i, "sites"))


def _columns_of(site: SiteSpec, defaults: Defaults) -> list[ColumnSpec]:
    return list(site.columns if site.columns is not None else defaults.columns)


def _site_local(root: Path, site_id: str) -> SiteLocal | list[Problem] | None:
    """Return the validated content/<site>/_site.yaml, its problems, or None if absent."""
    path = root / "content" / site_id / "_site.yaml"
    folder = site_folder(root / "content", site_id)
    if os.path.lexists(path) and not inside(path, folder):
        return [outside_problem(path, root, folder)]
    if not path.is_file():
        return None
    try:
        return _validate(path, path.relative_to(root), SiteLocal)[0]
    except ConfigError as exc:
        return exc.problems


def _image(root: Path, spec: SiteSpec, local: SiteLocal | None, name: str) -> str | Problem | None:
    """Return an image option of the site (logo, emblem, ...) as a path from the project's folder, checked to stay where its
    setting may reach.

    An image named in sites.yaml (the cluster admin's) is relative to sites.yaml and stays in the project; one named
    in a site's _site.yaml is relative to the site's folder and stays in it.
    """
    own = local.theme_options.images().get(name) if local is not None and local.theme_options is not None else None
    if own:
        base, allowed, named = root / "content" / spec.id, site_folder(root / "content", spec.id), own
        shown = f"content/{spec.id}/_site.yaml"
    elif name in spec.theme_options.images():
        base, allowed, named, shown = root, root.resolve(), spec.theme_options.images()[name], CONFIG_NAME
    else:
        return None
    if not inside(base / named, allowed):
        where = allowed.relative_to(root.resolve()).as_posix() + "/" if allowed != root.resolve() else "the project's folder"
        return Problem(_("{option} of site '{spec_id}' ({named}) is outside {where}: sitegen reads nothing from there").format(
                option=name, spec_id=spec.id, named=named, where=where), shown,
                       hint=_("put the image in that folder and name it from there"))
    return Path(os.path.relpath(base / named, root)).as_posix()


def _default_page_size(column: ColumnSpec, defaults: Defaults) -> int:
    """Return a column's page size when it sets none: the catalogue's own for a disclosure column."""
    return CATALOGUE_PAGE_SIZE if column.type is ColumnType.disclosure else defaults.page_size


def _resolve_site(spec: SiteSpec, cfg: ConfigFile, local: SiteLocal | None, images: dict[str, str]) -> Site:
    """Return the runtime Site: defaults applied, _site.yaml merged, URL split into origin and prefix."""
    if local is not None:
        spec = spec.model_copy(update=local.model_dump(exclude_none=True, exclude={"footer", "theme_options"}))
    footer = _merge(cfg.cluster.footer, spec.footer, local.footer if local else None)
    options = _merge(spec.theme_options, local.theme_options if local else None)
    options = options.model_copy(update={name: images.get(name) for name in IMAGE_OPTIONS})
    origin, prefix = _split_url(spec.url, cfg.cluster.base_url)
    columns = {
        c.id: Column(c.id, c.title, c.type, c.page_size or _default_page_size(c, cfg.defaults), c.description, c.in_nav,
                     update_within=c.update_within, archived=c.archived,
                     accepts_submissions=_accepts(c, spec.kind))
        for c in _columns_of(spec, cfg.defaults)
    }
    return Site(
        id=spec.id, name=spec.name, kind=spec.kind, origin=origin, prefix=prefix, columns=columns,
        footer=footer, theme=spec.theme or cfg.defaults.theme, theme_options=options,
        org_code=spec.org_code or cfg.cluster.org_code, description=spec.description,
        allow_html=spec.allow_html, review=_merge(cfg.defaults.review, spec.review), owners=tuple(spec.owners),
        interaction=tuple(cfg.defaults.interaction if spec.interaction is None else spec.interaction),
    )


def _accepts(column: ColumnSpec, kind: str) -> bool:
    """Return whether other sites may submit to a column: as set, else the portal's news columns only."""
    if column.accepts_submissions is not None:
        return column.accepts_submissions
    return kind == "portal" and column.type == ColumnType.news


def _merge(base: Any, *overrides: Any) -> Any:
    """Return `base` with every key set in the overrides replaced."""
    for over in overrides:
        if over is not None:
            base = base.model_copy(update=over.model_dump(exclude_unset=True))
    return base


def _split_url(url: str, base_url: str) -> tuple[str, str]:
    if url.startswith("/"):
        return origin(base_url), url
    return origin(url), "/"


DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def origin(url: str) -> str:
    """Return the scheme and host of a URL as browsers compare them: no default port, no trailing slash."""
    scheme, rest = url.split("://", 1)
    host = rest.rstrip("/").lower()
    return f"{scheme}://{host.removesuffix(DEFAULT_PORTS.get(scheme, '-'))}"


