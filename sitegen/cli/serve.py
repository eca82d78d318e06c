"""`sitegen serve`: build, serve on localhost, rebuild and reload on every change."""
from __future__ import annotations

import threading
from pathlib import Path

import click

from sitegen.build import BuildOptions
from sitegen.cli.app import ProfileName, cli, cluster_of, err, guarded, moment, say, shown, stdout
from sitegen.content.profile import Profile
from sitegen.i18n import _
from sitegen.serve import preview
from sitegen.write import folder


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
    target = (out or root / folder.Kind(profile, not no_drafts, preview=True).folder()).resolve()
    cluster = cluster_of(ctx)
    options = BuildOptions(root=root, out=target, profile=Profile(moment(now, cluster), profile, not no_drafts),
                           sites=sites, search=search, preview=True)

    def tell(text: str, failed: bool) -> None:
        if failed:
            say(err, "error", "bold red", text)
        else:
            err.print(text)

    running = guarded(ctx, lambda: preview.start(cluster, options, bind, port, tell, follow_clock=now is None))
    for address, site in running.addresses:
        stdout.print(f"  {address}  {site.name}  ({site.base_url})")
    serving = _("Serving {out}; watching {root} (drafts hidden). Ctrl+C stops.") if no_drafts else \
        _("Serving {out}; watching {root} (drafts shown). Ctrl+C stops.")
    stdout.print(serving.format(out=shown(target), root=shown(root)))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.stop()
        stdout.print(_("Stopped."))
