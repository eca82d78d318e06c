"""Write a new cluster from the starter template, named for its place and dated so that the inspection passes now."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from sitegen.errors import InitError, Problem
from sitegen.i18n import _

TEMPLATE = Path(__file__).resolve().parent / "template"
TIMEZONE = ZoneInfo("Asia/Shanghai")  # the template's cluster.timezone: its dates are read in this zone
DATED_DAYS = 31  # the template dates its pages at most this many days back (${days_ago_N})
RENAMED = {"gitignore": ".gitignore"}  # shipped without its dot: packaging tools pass over dotfiles
NAME = re.compile(r"[\w·]{1,20}")  # a place name: it is written into YAML and Markdown as it is
HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")  # what cluster.base_url accepts
KEPT = {".git"}  # a folder holding only these counts as empty: `git init` first, then `sitegen init`


def init_cluster(dest: Path, name: str, domain: str, now: datetime | None = None) -> list[Path]:
    """Write the starter cluster into `dest` (new or empty), for place `name` at host `domain`; return the files written."""
    values = _values(name, _host(domain), now or datetime.now(TIMEZONE))
    _check_empty(dest)
    written = []
    for src in sorted(p for p in TEMPLATE.rglob("*") if p.is_file()):
        rel = src.relative_to(TEMPLATE).as_posix()
        out = dest / RENAMED.get(rel, rel)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(Template(src.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
        written.append(out)
    return written


def _values(name: str, host: str, now: datetime) -> dict[str, str]:
    """Return what the template's ${...} placeholders stand for."""
    if not NAME.fullmatch(name):
        raise InitError(Problem(_("--name '{name}' cannot name a cluster: give the place's name, up to 20 characters without spaces or "
                                  "punctuation").format(name=name), hint=_("e.g. --name 示范市 or --name 示范县")))
    day = now.astimezone(TIMEZONE)
    dates = {f"days_ago_{n}": (day - timedelta(days=n)).strftime("%Y-%m-%d") for n in range(1, DATED_DAYS + 1)}
    department_host = "czj." + host.removeprefix("www.")
    return {"name": name, "base_url": f"https://{host}", "department_host": department_host, **dates}


def _host(domain: str) -> str:
    """Return the portal's host from --domain, which may also be written as https://host/."""
    host = domain.strip().lower().removeprefix("https://").removesuffix("/")
    if not HOST.fullmatch(host):
        raise InitError(Problem(_("--domain '{domain}' is not a host name").format(domain=domain),
                                hint=_("give the portal's host, e.g. --domain www.shifan.gov.cn")))
    return host


def _check_empty(dest: Path) -> None:
    """Refuse a file, or a folder holding anything but a new Git repository: init never overwrites."""
    if dest.exists() and not dest.is_dir():
        raise InitError(Problem(_("this is a file, not a folder"), dest, hint=_("give the name of a new or empty folder")))
    found = sorted(p.name for p in dest.iterdir() if p.name not in KEPT) if dest.is_dir() else []
    if found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise InitError(Problem(_("the folder is not empty (it holds {shown}): sitegen init writes a new cluster only into a new or "
                                  "empty folder, so that nothing of yours is overwritten").format(shown=shown), dest,
                                hint=_("give the name of a new folder, e.g. sitegen init my-cluster")))
