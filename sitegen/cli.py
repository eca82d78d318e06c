"""Command line: argument handling, progress display and exit codes only."""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from sitegen import __version__
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.config.loader import load_config
from sitegen.config.model import Cluster
from sitegen.content.frontmatter import parse_datetime
from sitegen.content.profile import Profile
from sitegen.deploy import nginx
from sitegen.deploy import releases as deploy
from sitegen.disclosure import report
from sitegen.errors import InternalError, Problem, Problems, SitegenError
from sitegen.owners import codeowners, verify
from sitegen.plan import plan_cluster, site_counts
from sitegen.scaffold import new_page, new_site
from sitegen.serve import preview, watch
from sitegen.sources.encoding import fix_encoding, text_files
from sitegen.workers import default_workers

# markup=False: messages carry user text (titles, paths, YAML values) that must print as it is
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
stdout = Console(highlight=False, soft_wrap=True, markup=False)
LONG_BUILD_PAGES = 300
T = TypeVar("T")
ProfileName = Literal["public", "internal"]


@click.group()
@click.version_option(__version__, prog_name="sitegen")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Folder holding sites.yaml, content/ and themes/.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """Build, check and publish a government website cluster (政府网站群)."""
    ctx.obj = {"root": root.resolve(), "debug": debug}


def _say(console: Console, label: str, style: str, text: str) -> None:
    """Print a styled label, then plain text that is never read as markup."""
    console.print(Text.assemble((label, style), " " if text else "", text))


def _run(ctx: click.Context, action: Callable[[], T], failed: str = "") -> T:
    """Run `action`, turning sitegen errors into messages and exit codes."""
    try:
        return action()
    except SitegenError as exc:
        for problem in exc.problems:
            _say(err, "error", "bold red", problem.format(exc.stage))
        if isinstance(exc, InternalError):
            err.print("this is a bug in sitegen; please report it with the file named above")
            if ctx.obj["debug"]:
                traceback.print_exception(exc.__cause__ or exc)
        n = len(exc.problems)
        _say(err, f"{n} problem{'s' if n != 1 else ''}.", "bold red", failed)
        ctx.exit(exc.exit_code)
        raise AssertionError("unreachable") from None


def _cluster(ctx: click.Context) -> Cluster:
    """Return the cluster of --root, read once per command."""
    if "cluster" not in ctx.obj:
        ctx.obj["cluster"] = _run(ctx, lambda: load_config(ctx.obj["root"]))
    return ctx.obj["cluster"]


def _now(value: str | None, cluster: Cluster) -> datetime:
    if value is None:
        return datetime.now(cluster.tz)
    try:
        return parse_datetime(value, cluster.tz)
    except ValueError as exc:
        raise click.BadParameter(str(exc).replace("; fix: ", "; "), param_hint="--now") from None


@cli.command("build")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: build/, and build-internal/ for --profile internal).")
@click.option("--site", "sites", multiple=True, metavar="ID", help="Build only this site (repeatable).")
@click.option("--profile", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="internal also publishes pages marked 'visibility: internal'.")
@click.option("--drafts", is_flag=True, help="Include pages marked 'draft: true'.")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Fix the clock for publish_at/expire_at (reproducible builds).")
@click.option("--force", is_flag=True, help="Render every output again, ignoring the build manifest and caches.")
@click.option("--no-search", is_flag=True, help="Skip the search indexes (the next build with search brings them up to date).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N", help="Render on N processes (default: every core).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_context
def build_cmd(ctx: click.Context, out: Path | None, sites: tuple[str, ...], profile: ProfileName, drafts: bool,
              now: str | None, force: bool, no_search: bool, jobs: int | None, quiet: bool) -> None:
    """Build every site of sites.yaml (or those named by --site) into the output folder."""
    root = ctx.obj["root"]
    target = (out or root / ("build-internal" if profile == "internal" else "build")).resolve()
    cluster = _cluster(ctx)
    options = BuildOptions(root=root, out=target, profile=Profile(_now(now, cluster), profile, drafts), sites=sites,
                           force=force, search=not no_search, workers=jobs or default_workers())

    def run() -> BuildResult:
        with _progress(quiet) as progress:
            return build(options, progress, cluster=cluster)

    result = _run(ctx, run, f"Nothing was written; the previous output in {_shown(target)} is unchanged.")
    for note in result.notes:
        _say(err, "note", "cyan", note)
    for warning in result.warnings:
        _say(err, "warning", "yellow", warning.format("build"))
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
        if stage == "convert" and total < LONG_BUILD_PAGES:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done)


def _summary(result: BuildResult, target: Path) -> None:
    stdout.print(result.summary())
    stdout.print(f"Output: {_shown(target)}/<site>/ (one folder per site). To look at it: sitegen serve, then open http://127.0.0.1:8000/")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cli.command("serve")
@click.option("--site", "sites", multiple=True, metavar="ID", help="Build and watch only this site (repeatable).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port of the portal host; own-host sites take the next ones.")
@click.option("--bind", default="127.0.0.1", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder the preview is built into (default: .sitegen-cache/preview; never build/).")
@click.option("--profile", type=click.Choice(["public", "internal"]), default="public", show_default=True)
@click.option("--no-drafts", is_flag=True, help="Leave out pages marked 'draft: true' (shown by default, marked 草稿).")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Fix the clock for publish_at/expire_at (default: the real clock).")
@click.option("--search", is_flag=True, help="Also write the search indexes on every rebuild (slow on big clusters).")
@click.pass_context
def serve_cmd(ctx: click.Context, sites: tuple[str, ...], port: int, bind: str, out: Path | None, profile: ProfileName,
              no_drafts: bool, now: str | None, search: bool) -> None:
    """Build the cluster, serve it on localhost, and rebuild and reload open pages whenever a source changes."""
    root = ctx.obj["root"]
    target = (out or watch.preview_dir(root, profile)).resolve()
    cluster = _cluster(ctx)
    options = BuildOptions(root=root, out=target, profile=Profile(_now(now, cluster), profile, not no_drafts),
                           sites=sites, search=search)

    def say(text: str, failed: bool) -> None:
        if failed:
            _say(err, "error", "bold red", text)
        else:
            err.print(text)

    running = _run(ctx, lambda: preview.start(cluster, options, bind, port, say, follow_clock=now is None))
    for address, site in running.addresses:
        stdout.print(f"  {address}  {site.name}  ({site.base_url})")
    stdout.print(f"Serving {_shown(target)}; watching {_shown(root)} (drafts {'hidden' if no_drafts else 'shown'}). Ctrl+C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.stop()
        stdout.print("Stopped.")


@cli.group("new")
def new() -> None:
    """Scaffold a site or a page."""


@new.command("site")
@click.argument("site_id")
@click.option("--kind", type=click.Choice(["department", "township"]), required=True)
@click.option("--name", required=True, help="Full name, e.g. 示范市财政局.")
@click.option("--url", help="'/path/' under the portal host (default /ID/) or 'https://host/'.")
@click.pass_context
def new_site_cmd(ctx: click.Context, site_id: str, kind: str, name: str, url: str | None) -> None:
    """Add a site to sites.yaml and create its content folders."""
    created = _run(ctx, lambda: new_site(ctx.obj["root"], site_id, kind, name, url), "sites.yaml is unchanged.")
    stdout.print(f"Added site '{site_id}' ({name}) to sites.yaml; content folders:")
    for path in created[1:]:
        stdout.print(f"  {path.relative_to(ctx.obj['root'])}/")


@new.command("page")
@click.argument("site_id")
@click.argument("column")
@click.argument("title")
@click.option("--slug", help="File and URL name (default: date and a number).")
@click.pass_context
def new_page_cmd(ctx: click.Context, site_id: str, column: str, title: str, slug: str | None) -> None:
    """Create a page with its front matter, ready to fill in."""
    root = ctx.obj["root"]
    path = _run(ctx, lambda: new_page(root, site_id, column, title, _now(None, _cluster(ctx)), slug))
    stdout.print(f"Created {path.relative_to(root)}")


@cli.command("list")
@click.pass_context
def list_cmd(ctx: click.Context) -> None:
    """Show the sites, their columns and how many public pages each has (tab-separated when piped)."""
    cluster = _cluster(ctx)
    counts = _run(ctx, lambda: site_counts(plan_cluster(cluster, Profile(datetime.now(cluster.tz)))))
    header = ["site", "name", "kind", "url", "columns (pages)", "pages"]
    rows = [[s.id, s.name, s.kind, s.url, " ".join(f"{c}({n})" for c, n in s.columns), str(s.pages)] for s in counts]
    _table(cluster.name, header, rows)


def _table(title: str, header: list[str], rows: list[list[str]], titled: bool = False) -> None:
    """Print a table: laid out on a terminal, tab-separated when piped (after its title if `titled`)."""
    if not stdout.is_terminal:
        for row in ([[title]] if titled else []) + [header, *rows]:
            click.echo("\t".join(row))
        return
    view = Table(*header, title=title)
    for row in rows:
        view.add_row(*row)
    stdout.print(view)


@cli.group("disclosure")
def disclosure_group() -> None:
    """政府信息公开: figures for the yearly report."""


@disclosure_group.command("report")
@click.option("--year", type=click.IntRange(1900, 2100), required=True, help="Calendar year of the report, e.g. 2025.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for disclosure-YEAR.json and .csv (default: reports/).")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Count what is published at this moment (default: now).")
@click.pass_context
def disclosure_report_cmd(ctx: click.Context, year: int, out: Path | None, now: str | None) -> None:
    """Print and write the 主动公开 figures per site and for the cluster."""
    root = ctx.obj["root"]
    cluster = _cluster(ctx)
    profile = Profile(_now(now, cluster))

    def run() -> list[report.Figures]:
        planned = plan_cluster(cluster, profile)
        return report.yearly(planned.plan, planned.disclosure, year)

    figures = _run(ctx, run)
    for table in report.tables(figures):
        _table(table.title, table.header, table.rows, titled=True)
    for path in report.write(figures, (out or root / "reports").resolve()):
        stdout.print(f"Wrote {_shown(path)}")


@cli.command("deploy")
@click.option("--target", "targets", multiple=True, metavar="NAME", help="Deploy to this target only (repeatable).")
@click.option("--site", "sites", multiple=True, metavar="ID", help="Upload only this site (repeatable); others stay as they are.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Build folder to deploy (default: build/).")
@click.option("--dry-run", is_flag=True, help="Show what would be uploaded and deleted on each target, and why.")
@click.pass_context
def deploy_cmd(ctx: click.Context, targets: tuple[str, ...], sites: tuple[str, ...], out: Path | None, dry_run: bool) -> None:
    """Upload the build to every target as a new release, then switch all targets to it at once."""
    source = (out or ctx.obj["root"] / "build").resolve()
    cluster = _cluster(ctx)

    def planned() -> tuple[list[Problem], list[deploy.TargetPlan]]:
        chosen = deploy.remotes(cluster, targets)
        warnings = deploy.check_build(cluster, source, deploy.sites_to_upload(cluster, chosen, sites))
        return warnings, deploy.plan(cluster, source, chosen, sites)

    warnings, plans = _run(ctx, planned, "Nothing was changed on any server.")
    for warning in warnings:
        _say(err, "warning", "yellow", warning.format("deploy"))
    if dry_run:
        for line in deploy.describe(plans):
            stdout.print(line)
        stdout.print("Dry run: nothing was changed on any server.")
        return
    with Progress(TextColumn("{task.description:>12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bars:
        tasks = {p.remote.name: bars.add_task(p.remote.name, total=len(p.uploads) or 1) for p in plans}
        result = _run(ctx, lambda: deploy.deploy(cluster, source, plans,
                                                 lambda t, done, total: bars.update(tasks[t], completed=done)))
    stdout.print(f"Deployed release {result.release} to {', '.join(p.remote.name for p in plans)}: "
                 f"{result.files} files sent, {result.bytes / 1024:.0f} KiB, in {result.seconds:.1f} s. It is live.")


@cli.command("releases")
@click.option("--target", "targets", multiple=True, metavar="NAME")
@click.pass_context
def releases_cmd(ctx: click.Context, targets: tuple[str, ...]) -> None:
    """List the releases on each target, newest first, and which one is live."""

    def listing() -> list[tuple[str, list[dict]]]:
        return [(r.name, deploy.releases(r)) for r in deploy.remotes(_cluster(ctx), targets)]

    for name, found in _run(ctx, listing):
        table = Table("release", "time", "build", "files", "size", "", title=f"target {name}")
        for rel in found:
            table.add_row(rel["id"], rel["time"], rel["build_id"][:12], str(rel["files"]), f"{rel['bytes'] / 1024:.0f} KiB",
                          "live" if rel["live"] else "")
        stdout.print(table)


@cli.command("rollback")
@click.option("--to", "to", metavar="RELEASE", help="Release id (default: the one before the live one).")
@click.option("--target", "targets", multiple=True, metavar="NAME")
@click.pass_context
def rollback_cmd(ctx: click.Context, to: str | None, targets: tuple[str, ...]) -> None:
    """Switch every target back to an earlier release."""
    chosen = _run(ctx, lambda: deploy.rollback(deploy.remotes(_cluster(ctx), targets), to), "Nothing was switched.")
    for name, release in chosen.items():
        stdout.print(f"{name}: live release is now {release}")


@cli.command("nginx-config")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of printing.")
@click.option("--root", "release_root", help="Release root on the web server (default: deploy.nginx.root or the first target's path).")
@click.option("--listen", help="nginx listen value, e.g. 80 or 127.0.0.1:8080.")
@click.option("--standalone", is_flag=True, help="A complete nginx.conf instead of a file to include in http {}.")
@click.option("--prefix", default="/var/lib/sitegen-nginx", show_default=True, help="With --standalone: folder for pid, logs, temp files.")
@click.option("--user", help="With --standalone: the user nginx workers run as.")
@click.pass_context
def nginx_config_cmd(ctx: click.Context, out: Path | None, release_root: str | None, listen: str | None,
                     standalone: bool, prefix: str, user: str | None) -> None:
    """Write the nginx configuration serving the cluster from the live release."""
    cluster = _cluster(ctx)
    opts = nginx.options_for(cluster, release_root, listen)
    text = _run(ctx, lambda: nginx.standalone(cluster, opts, prefix, user) if standalone else nginx.http_block(cluster, opts))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        stdout.print(f"Wrote {_shown(out)}; check it with `nginx -t`.")


@cli.group("owners")
def owners_group() -> None:
    """Who may change what: CODEOWNERS for the Git host, and a check of every commit in a range."""


@owners_group.command("codeowners")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write here; '-' prints it (default: CODEOWNERS at the top of the Git repository, where every Git host reads it).")
@click.pass_context
def owners_codeowners_cmd(ctx: click.Context, out: Path | None) -> None:
    """Write CODEOWNERS from sites.yaml: each content/<site>/ to its owners and the admins, the rest to the admins."""
    cluster = _cluster(ctx)
    made = _run(ctx, lambda: codeowners.make(cluster), "Nothing was written.")
    if out == Path("-"):
        click.echo(made.text, nl=False)
        return
    path = _run(ctx, lambda: codeowners.write(made, out), "Nothing was written.")
    stdout.print(f"Wrote {_shown(path)}. Commit it, and run this again whenever owners or cluster.admins change in sites.yaml.")


@owners_group.command("verify")
@click.argument("rev_range", metavar="BASE..TIP")
@click.pass_context
def owners_verify_cmd(ctx: click.Context, rev_range: str) -> None:
    """Check that each commit in BASE..TIP (e.g. origin/main..HEAD) changes only files its author owns."""
    # no _cluster(ctx): owners are read from sites.yaml at BASE, and a pre-receive hook has no work tree to load
    checked = _run(ctx, lambda: verify.verify(ctx.obj["root"], rev_range))
    stdout.print(checked.summary())


@cli.command("fix-encoding")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def fix_encoding_cmd(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Convert GBK/GB18030 text files (or every .md/.yaml file in a folder) to UTF-8."""
    files = text_files(list(paths))

    def run() -> int:
        try:
            converted = [f for f in files if fix_encoding(f)]
        except Problems as exc:
            raise SitegenError(exc.problems) from None
        for f in converted:
            stdout.print(f"converted to UTF-8: {f}")
        return len(converted)

    n = _run(ctx, run)
    stdout.print(f"{n} file{'s' if n != 1 else ''} converted, {len(files) - n} already UTF-8.")


def main() -> None:
    """Entry point of the `sitegen` command."""
    cli(prog_name="sitegen")


if __name__ == "__main__":
    main()
