"""Commands that put the cluster on its web servers: deploy, releases, rollback, nginx-config."""
from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitegen.check.run import verdicts
from sitegen.cli.app import FORMAT, cli, cluster_of, err, guarded, print_json, problem_json, say, shown, stdout
from sitegen.config.staging import for_staging
from sitegen.deploy import nginx
from sitegen.deploy import releases as deploy
from sitegen.errors import Problem
from sitegen.i18n import _
from sitegen.write import folder


@cli.command("deploy")
@click.option("--target", "targets", multiple=True, metavar="NAME", help="Deploy to this target only (repeatable).")
@click.option("--site", "sites", multiple=True, metavar="ID", help="Upload only this site (repeatable); others stay as they are.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Build folder to deploy (default: build/).")
@click.option("--dry-run", is_flag=True, help="Show what would be uploaded and deleted on each target, and why.")
@click.option("--ignore-check", is_flag=True, help="Deploy even if a site is 不合格 by the inspection's verdict rules.")
@click.option("--if-changed", is_flag=True, help="Do nothing when every target's live release already matches the build "
              "(for a scheduled deploy).")
@FORMAT
@click.pass_context
def deploy_cmd(ctx: click.Context, targets: tuple[str, ...], sites: tuple[str, ...], out: Path | None, dry_run: bool,
               ignore_check: bool, if_changed: bool, fmt: str) -> None:
    """Upload the build to every target as a new release, then switch all targets to it at once.

    First the inspection's verdict rules (sitegen check's single vetoes and counted columns) judge the sites to
    upload at the real clock: a 不合格 site stops the deploy unless --ignore-check is given.
    """
    source = (out or ctx.obj["root"] / "build").resolve()
    with contextlib.ExitStack() as held:
        if source.is_dir():  # no build may change the folder while it is checked and uploaded
            guarded(ctx, lambda: held.enter_context(folder.locked(source)), _("Nothing was changed on any server."))
        failed = _inspect(ctx, targets, sites, ignore_check)
        _deploy(ctx, source, targets, sites, dry_run, fmt, failed, if_changed)


def _inspect(ctx: click.Context, targets: tuple[str, ...], sites: tuple[str, ...], ignore_check: bool) -> list[str]:
    """Refuse to deploy a site the inspection would judge 不合格 now, unless told to ignore it; return those ignored."""
    cluster = cluster_of(ctx)
    wanted = guarded(ctx, lambda: deploy.sites_to_upload(cluster, deploy.remotes(cluster, targets), sites),
                     _("Nothing was changed on any server."))
    uploaded = tuple(s for s in cluster.sites if s in wanted)
    if not uploaded:
        return []
    report = guarded(ctx, lambda: verdicts(cluster, datetime.now(cluster.tz), uploaded), _("Nothing was changed on any server."))
    for site in report.failed:
        said = f"{site.site} ({site.name}) is 不合格 now: " + "; ".join(site.reasons)
        say(err, "warning" if ignore_check else "error", "yellow" if ignore_check else "red", said)
    if report.failed and ignore_check:
        say(err, "warning", "yellow", _("deploying all the same, as --ignore-check asks"))
    elif report.failed:
        err.print(_("Nothing was changed on any server. Run `sitegen check` for every finding and how to fix it; publish "
                    "what is missing and build again, or deploy anyway with --ignore-check."))
        ctx.exit(1)
    return [site.site for site in report.failed]


def _deploy(ctx: click.Context, source: Path, targets: tuple[str, ...], sites: tuple[str, ...], dry_run: bool, fmt: str,
            failed: list[str], if_changed: bool = False) -> None:
    cluster = cluster_of(ctx)

    def planned() -> tuple[list[Problem], list[deploy.TargetPlan]]:
        chosen = deploy.remotes(cluster, targets)
        warnings = deploy.check_build(cluster, source, deploy.sites_to_upload(cluster, chosen, sites))
        return warnings, deploy.plan(cluster, source, chosen, sites)

    warnings, plans = guarded(ctx, planned, _("Nothing was changed on any server."))
    for warning in warnings:
        say(err, "warning", "yellow", warning.format("deploy"))
    summary = {"schema": "sitegen-deploy/1", "dry_run": dry_run, "not_passed_but_deployed": failed,
               "warnings": [problem_json(w) for w in warnings],
               "targets": [{"name": p.remote.name, "live_before": p.live, "sites": p.sites, "files": len(p.uploads),
                            "bytes": sum(size for _path, _why, size in p.uploads), "deletes": len(p.deletes)} for p in plans]}
    if if_changed and all(p.live and not p.uploads and not p.deletes for p in plans):
        if fmt == "json":
            print_json({**summary, "release": None, "unchanged": True})
        else:
            stdout.print(_("Nothing to deploy: every target's live release already matches the build."))
        return
    if dry_run and fmt == "json":
        print_json({**summary, "release": None})
        return
    if dry_run:
        for line in deploy.describe(plans):
            stdout.print(line)
        stdout.print(_("Dry run: nothing was changed on any server."))
        return
    with Progress(TextColumn("{task.description:>12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=fmt == "json" or not err.is_terminal) as bars:
        tasks = {p.remote.name: bars.add_task(p.remote.name, total=len(p.uploads) or 1) for p in plans}
        result = guarded(ctx, lambda: deploy.deploy(cluster, source, plans,
                                                 lambda t, done, total: bars.update(tasks[t], completed=done)))
    if fmt == "json":
        print_json({**summary, "release": result.release, "seconds": round(result.seconds, 3)})
        return
    stdout.print(_("Deployed release {release} to {items}: {files} files sent, {value:.0f} KiB, in {seconds:.1f} s. It "
                   "is live.").format(release=result.release, items=', '.join(p.remote.name for p in plans), files=result.files,
                           value=result.bytes / 1024, seconds=result.seconds))


@cli.command("releases")
@click.option("--target", "targets", multiple=True, metavar="NAME")
@click.pass_context
def releases_cmd(ctx: click.Context, targets: tuple[str, ...]) -> None:
    """List the releases on each target, newest first, and which one is live."""

    def listing() -> list[tuple[str, list[dict]]]:
        return [(r.name, deploy.releases(r)) for r in deploy.remotes(cluster_of(ctx), targets)]

    for name, found in guarded(ctx, listing):
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
    chosen = guarded(ctx, lambda: deploy.rollback(deploy.remotes(cluster_of(ctx), targets), to), _("Nothing was switched."))
    for name, release in chosen.items():
        stdout.print(_("{name}: live release is now {release}").format(name=name, release=release))


@cli.command("nginx-config")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of printing.")
@click.option("--root", "release_root", help="Release root on the web server (default: deploy.nginx.root or the first target's path).")
@click.option("--listen", help="nginx listen value, e.g. 80 or 127.0.0.1:8080.")
@click.option("--standalone", is_flag=True, help="A complete nginx.conf instead of a file to include in http {}.")
@click.option("--prefix", default="/var/lib/sitegen-nginx", show_default=True, help="With --standalone: folder for pid, logs, temp files.")
@click.option("--user", help="With --standalone: the user nginx workers run as.")
@click.option("--test", "test_it", is_flag=True, help="Also run `nginx -t` on it (needs nginx on this machine).")
@click.option("--base-url", metavar="URL", help="For the staging host a `build --base-url URL` was made for.")
@click.pass_context
def nginx_config_cmd(ctx: click.Context, out: Path | None, release_root: str | None, listen: str | None,
                     standalone: bool, prefix: str, user: str | None, test_it: bool, base_url: str | None) -> None:
    """Write the nginx configuration serving the cluster from the live release."""
    cluster = cluster_of(ctx)
    if base_url:
        cluster = guarded(ctx, lambda: for_staging(cluster_of(ctx), base_url))
    opts = nginx.options_for(cluster, release_root, listen)
    text = guarded(ctx, lambda: nginx.standalone(cluster, opts, prefix, user) if standalone else nginx.http_block(cluster, opts))
    if out is None and not test_it:
        click.echo(text, nl=False)
        if standalone:
            _name_missing_prefix(prefix)
    elif out is not None:
        out.write_text(text, encoding="utf-8")
        if standalone:
            _make_prefix(prefix)
        stdout.print(_("Wrote {shown}; check it with `nginx -t`.").format(shown=shown(out)))
    if test_it:
        if nginx.nginx_binary() is None:
            say(err, "error", "bold red", _("nginx is not installed here, so the configuration was not tested"))
            ctx.exit(1)
        passed, said = nginx.test(cluster, opts, out, standalone)
        err.print(said)
        if not passed:
            say(err, "error", "bold red", _("nginx -t refused the configuration (its words are above)"))
            ctx.exit(1)
        stdout.print(_("nginx -t: the configuration is valid."))


def _name_missing_prefix(prefix: str) -> None:
    """Say which folder a printed standalone nginx.conf needs before `nginx -t` (printing changes nothing on disk)."""
    if not (Path(prefix) / "tmp").is_dir():
        say(err, "warning", "yellow", _("{prefix}/tmp does not exist: create it (`mkdir -p {prefix}/tmp`) before `nginx -t` "
                                        "and starting nginx, or write the file with --out, which creates it").format(prefix=prefix))


def _make_prefix(prefix: str) -> None:
    """Make the folders a written standalone nginx.conf names (nginx -t fails without them), or say they are missing."""
    try:
        nginx.make_prefix(prefix)
    except OSError as exc:
        say(err, "warning", "yellow", _("cannot create {prefix}/tmp ({error}): create it before starting nginx").format(
            prefix=prefix, error=exc.strerror or exc))
