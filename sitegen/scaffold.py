"""`sitegen new site` and `sitegen new page`: add to the cluster without hand-editing mistakes."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import yaml

from sitegen.config.loader import CONFIG_NAME, load_config
from sitegen.config.model import Cluster
from sitegen.config.schema import ColumnType
from sitegen.errors import ConfigError, Problem, did_you_mean
from sitegen.i18n import _
from sitegen.urls import is_safe_slug


def new_site(root: Path, site_id: str, kind: str, name: str, url: str | None = None, *, site_code: str, sponsor: str,
             org_code: str) -> list[Path]:
    """Append a site to sites.yaml (comments kept), create its content folders; return what was created."""
    cluster = load_config(root)
    if site_id in cluster.sites:
        raise ConfigError(Problem(_("a site with id '{site_id}' exists already").format(site_id=site_id), CONFIG_NAME))
    path = root / CONFIG_NAME
    original = path.read_text(encoding="utf-8")
    # the identifiers its footer must show (GOV-RULES): without them the site would show the portal's sponsor
    entry: dict[str, object] = {"id": site_id, "name": name, "kind": kind, "url": url or f"/{site_id}/", "org_code": org_code,
             "footer": {"site_code": site_code, "sponsor": sponsor}}
    path.write_text(_insert_site(original, entry), encoding="utf-8")
    try:
        cluster = load_config(root)
    except ConfigError:
        path.write_text(original, encoding="utf-8")  # leave sites.yaml as it was
        raise
    created = [path]
    for column in cluster.sites[site_id].columns:
        folder = cluster.content_dir / site_id / column
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitkeep").touch()
        created.append(folder)
    return created


def _insert_site(text: str, entry: dict[str, object]) -> str:
    """Return sites.yaml with `entry` added as the last item of the `sites:` list."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if re.match(r"sites:\s*(#.*)?$", line))
    except StopIteration:
        raise ConfigError(Problem(_("cannot find the 'sites:' list"), CONFIG_NAME,
                                  hint=_("write 'sites:' at the start of a line, followed by the list of sites"))) from None
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"[^\s#-]", lines[i])), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    items = (re.match(r"(\s*)-", line) for line in lines[start + 1:end])
    indent = next((m.group(1) for m in items if m), "  ")
    block = [indent + line for line in yaml.safe_dump([entry], allow_unicode=True, sort_keys=False).splitlines()]
    return "\n".join(lines[:end] + block + lines[end:]) + "\n"


def new_page(root: Path, site_id: str, column_id: str, title: str, now: datetime, slug: str | None = None) -> Path:
    """Create a page with complete front matter in content/<site>/<column>/ and return its path."""
    cluster = load_config(root)
    column_id, _slash, section = column_id.partition("/")
    _check_target(cluster, site_id, column_id)
    _check_section(cluster, site_id, column_id, section)
    folder = cluster.content_dir / site_id / column_id / section
    slug = slug or _free_slug(folder, now)
    if not is_safe_slug(slug):
        raise ConfigError(Problem(_("slug '{slug}' cannot be used in a URL").format(slug=slug), hint=_("use letters, digits, '-' and '_'")))
    path = folder / f"{slug}.md"
    if path.exists():
        raise ConfigError(Problem(_("{path} exists already").format(path=path.relative_to(root)), hint=_("choose another --slug")))
    folder.mkdir(parents=True, exist_ok=True)
    site = cluster.sites[site_id]
    # a draft until its writer says otherwise: the placeholder text never reaches a page, a feed or the search
    meta: dict = {"title": title, "date": now.strftime("%Y-%m-%d %H:%M"), "source": site.name, "tags": [], "draft": True}
    if site.columns[column_id].type == ColumnType.disclosure:
        meta["disclosure"] = {"publisher": site.name, "doc_no": "", "written": now.strftime("%Y-%m-%d"),
                              "topic": "", "genre": "通知", "validity": "有效", "mode": "主动公开"}
    if site.review.required:  # 三审: published once the approver is filled in
        meta["review"] = {"reviewed_by": "", "approved_by": "", "approved_at": None}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n\n在此处填写正文。\n", encoding="utf-8")
    return path


def _check_target(cluster: Cluster, site_id: str, column_id: str) -> None:
    if site_id not in cluster.sites:
        raise ConfigError(Problem(_("no site '{site_id}'{suggestion}").format(site_id=site_id,
                suggestion=did_you_mean(site_id, cluster.sites)),
                                  hint=_("sites: {items}").format(items=', '.join(cluster.sites))))
    columns = cluster.sites[site_id].columns
    if column_id not in columns:
        raise ConfigError(Problem(_("site '{site_id}' has no column '{column_id}'{suggestion}").format(site_id=site_id,
                column_id=column_id, suggestion=did_you_mean(column_id, columns)),
                                  hint=_("columns: {items}").format(items=', '.join(columns))))


def _check_section(cluster: Cluster, site_id: str, column_id: str, section: str) -> None:
    """Raise ConfigError unless a section is named exactly when the column is special (专题), and it fits a URL."""
    special = cluster.sites[site_id].columns[column_id].type == ColumnType.special
    if special and not section:
        folder = cluster.content_dir / site_id / column_id
        sections = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
            if folder.is_dir() else []
        raise ConfigError(Problem(_("'{column_id}' is a special column (专题): its items go into a section").format(column_id=column_id),
                                  hint=_("write the column as {column_id}/<section>, e.g. {column_id}/{example}").format(
                                      column_id=column_id, example=sections[0] if sections else "gzdt")))
    if section and not special:
        raise ConfigError(Problem(_("only a special column (专题) has sections; '{column_id}' has none").format(column_id=column_id),
                                  hint=_("write the column alone, e.g. {column_id}").format(column_id=column_id)))
    if section and not is_safe_slug(section):
        raise ConfigError(Problem(_("the section folder '{section}' cannot be used in a URL").format(section=section),
                                  hint=_("use letters, digits, '-' and '_'")))


def _free_slug(folder: Path, now: datetime) -> str:
    base = now.strftime("%Y%m%d")
    n = 1
    while (folder / f"{base}-{n:02d}.md").exists():
        n += 1
    return f"{base}-{n:02d}"
