"""Commands that build and look at the cluster: build, list, new."""
from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sitegen.build import BuildOptions, BuildResult, build
from sitegen.cli.app import (
    FORMAT,
    LONG_BUILD_PAGES,
    ProfileName,
    cli,
    cluster_of,
    err,
    guarded,
    moment,
    print_json,
    print_table,
    problem_json,
    say,
    shown,
    stdout,
)
from sitegen.config.schema import check_org_code, check_site_code
from sitegen.content.profile import Profile
from sitegen.errors import FIX
from sitegen.i18n import N_, _, n_
from sitegen.plan import plan_cluster, site_counts
from sitegen.scaffold import new_page, new_site
from sitegen.workers import default_workers
from sitegen.write import folder


@cli.command("build")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: build/; build-internal/ for --profile internal, build-drafts/ with --drafts).")
@click.option("--site", "sites", multiple=True, metavar="ID", help="Build only this site (repeatable).")
@click.option("--profile", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal also publishes pages marked 'visibility: internal'.")
@click.option("--drafts", is_flag=True, help="Include pages marked 'draft: true'.")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Fix the clock for publish_at/expire_at (reproducible builds).")
@click.option("--force", is_flag=True, help="Render every output again, ignoring the build manifest and caches.")
@click.option("--no-search", is_flag=True, help="Skip the search indexes (the next build with search brings them up to date).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N", help="Render on N processes (default: every core).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--base-url", metavar="URL", help="Build for a staging host, e.g. https://staging.shifan.gov.cn: every site on "
              "it, into build-staging/ (never deployable to the production servers).")
@FORMAT
@click.pass_context
def build_cmd(ctx: click.Context, out: Path | None, sites: tuple[str, ...], profile: ProfileName, drafts: bool,
              now: str | None, force: bool, no_search: bool, jobs: int | None, quiet: bool, base_url: str | None,
              fmt: str) -> None:
    """Build every site of sites.yaml (or those named by --site) into the output folder."""
    root = ctx.obj["root"]
    target = (out or root / folder.Kind(profile, drafts, base_url).folder()).resolve()
    cluster = cluster_of(ctx)
    options = BuildOptions(root=root, out=target, profile=Profile(moment(now, cluster), profile, drafts), sites=sites,
                           force=force, search=not no_search, workers=jobs or default_workers(), base_url=base_url)

    def run() -> BuildResult:
        with _progress(quiet or fmt == "json") as progress:
            return build(options, progress, cluster=cluster)

    result = guarded(ctx, run, _("Nothing was written; the previous output in {shown} is unchanged.").format(shown=shown(target)))
    if fmt == "json":
        print_json(build_json(result, target))
        return
    for note in result.notes:
        say(err, "note", "cyan", note)
    for warning in result.warnings:
        say(err, "warning", "yellow", warning.format("build"))
    if not quiet:
        _summary(result, target)


class _progress:
    """A progress bar on stderr for long builds on a terminal; silent otherwise."""

    def __init__(self, quiet: bool):
        self.bar = Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=True, disable=quiet or not err.is_terminal)
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Callable[[str, int, int], None]:
        self.bar.start()
        return self.update

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def update(self, stage: str, done: int, total: int) -> None:
        if stage in ("convert", "index") and total < LONG_BUILD_PAGES:  # quicker than a second: no bar
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done)


def build_json(result: BuildResult, target: Path) -> dict[str, Any]:
    """Return the build's summary in schema sitegen-build/1."""
    s = result.stats
    return {"schema": "sitegen-build/1", "out": str(target), "sites": result.sites, "pages": result.pages,
            "written": s.written, "unchanged": s.unchanged, "removed": s.removed, "rendered": result.made,
            "indexed": list(result.indexed), "notes": result.notes, "warnings": [problem_json(w) for w in result.warnings],
            "seconds": round(result.seconds, 3)}


def _summary(result: BuildResult, target: Path) -> None:
    stdout.print(result.summary())
    stdout.print(_("Output: {shown}/<site>/ (one folder per site). To look at it: sitegen serve, then open "
                   "http://127.0.0.1:8000/").format(shown=shown(target)))


@cli.group("new")
def new() -> None:
    """Scaffold a site or a page."""


def _as_in_sites_yaml(check: Callable[[str], str]) -> Callable[[str], str]:
    """Return `check` of sites.yaml's schema for typed text: a wrong value is a usage error, asked again at a prompt."""
    def value(text: str) -> str:
        try:
            return check(text.strip())
        except ValueError as exc:  # the schema's hint is about YAML: not for what was typed
            raise click.BadParameter(str(exc).partition(FIX)[0]) from None
    return value


def _named(text: str) -> str:
    if not text.strip():
        raise ValueError(_("write the full name of the unit, e.g. 示范市财政局"))
    return text


IDENTIFIERS = {  # option: (what a prompt asks, the check sites.yaml makes)
    "--site-code": (N_("网站标识码 (10 letters or digits)"), _as_in_sites_yaml(check_site_code)),
    "--sponsor": (N_("主办单位"), _as_in_sites_yaml(_named)),
    "--org-code": (N_("统一社会信用代码 (18 characters)"), _as_in_sites_yaml(check_org_code)),
}


def _checked(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return IDENTIFIERS[param.opts[0]][1](value) if value else None


@new.command("site")
@click.argument("site_id")
@click.option("--kind", type=click.Choice(["department", "township"]), required=True)
@click.option("--name", required=True, help="Full name, e.g. 示范市财政局.")
@click.option("--url", help="'/path/' under the portal host (default /ID/) or 'https://host/'.")
@click.option("--site-code", callback=_checked, help="网站标识码, 10 letters or digits (asked for on a terminal when left out).")
@click.option("--sponsor", callback=_checked, help="主办单位 shown in the footer (asked for on a terminal when left out).")
@click.option("--org-code", callback=_checked,
              help="统一社会信用代码 (18 characters) or the 9-character code (asked for on a terminal when left out).")
@click.pass_context
def new_site_cmd(ctx: click.Context, site_id: str, kind: str, name: str, url: str | None, site_code: str | None,
                 sponsor: str | None, org_code: str | None) -> None:
    """Add a site to sites.yaml, with the identifiers its footer must show, and create its content folders."""
    given = dict(zip(IDENTIFIERS, (site_code, sponsor, org_code), strict=True))
    missing = [option for option, value in given.items() if not value]
    if missing and not sys.stdin.isatty():
        raise click.UsageError(_("a new site needs {options}: every page's footer shows them (otherwise it would show the "
                                 "portal's sponsor)").format(options=", ".join(missing)), ctx)
    # on a terminal, each one left out is asked for until sites.yaml would take the answer
    known = {option: value or click.prompt(_(IDENTIFIERS[option][0]), value_proc=IDENTIFIERS[option][1])
             for option, value in given.items()}
    created = guarded(ctx, lambda: new_site(ctx.obj["root"], site_id, kind, name, url, site_code=known["--site-code"],
                                            sponsor=known["--sponsor"], org_code=known["--org-code"]),
                      _("sites.yaml is unchanged."))
    stdout.print(_("Added site '{site_id}' ({name}) to sites.yaml; content folders:").format(site_id=site_id, name=name))
    for path in created[1:]:
        stdout.print(f"  {path.relative_to(ctx.obj['root'])}/")


@new.command("page")
@click.argument("site_id")
@click.argument("column")
@click.argument("title")
@click.option("--slug", help="File and URL name (default: date and a number).")
@click.pass_context
def new_page_cmd(ctx: click.Context, site_id: str, column: str, title: str, slug: str | None) -> None:
    """Create a page with its front matter, ready to fill in (in a special column: COLUMN/SECTION)."""
    root = ctx.obj["root"]
    path = guarded(ctx, lambda: new_page(root, site_id, column, title, moment(None, cluster_of(ctx)), slug))
    stdout.print(_("Created {path} as a draft (draft: true): it is not published until you delete that line or write "
                   "draft: false.").format(path=path.relative_to(root)))


@cli.command("list")
@FORMAT
@click.pass_context
def list_cmd(ctx: click.Context, fmt: str) -> None:
    """Show the sites, their columns and how many public pages each has (tab-separated when piped)."""
    cluster = cluster_of(ctx)
    counts = guarded(ctx, lambda: site_counts(plan_cluster(cluster, Profile(datetime.now(cluster.tz)))))
    if fmt == "json":
        print_json({"schema": "sitegen-list/1", "cluster": cluster.name, "sites": [
            {"id": s.id, "name": s.name, "kind": s.kind, "url": s.url, "pages": s.pages,
             "columns": [{"id": c, "pages": n} for c, n in s.columns]} for s in counts]})
        return
    rows = [[s.id, s.name, s.kind, s.url, " ".join(f"{c}({n})" for c, n in s.columns), str(s.pages)] for s in counts]
    if not stdout.is_terminal:
        print_table(cluster.name, ["site", "name", "kind", "url", "columns (pages)", "pages"], rows)
        return
    # on a terminal, a block per site whose lines fit 80 columns: nothing is cut, however long a name or URL
    stdout.print(cluster.name)
    for s in counts:
        stdout.print("")
        stdout.print(f"{s.id}  {s.name}  ({s.kind}, " + n_("{count} page", "{count} pages", s.pages).format(count=s.pages) + ")")
        stdout.print(f"  {s.url}")
        stdout.print("  " + "  ".join(f"{c} {n}" for c, n in s.columns))
