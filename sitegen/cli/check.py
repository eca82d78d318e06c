"""The check command: the national website inspection (网站监测) before anything goes live."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from sitegen.check.findings import Severity
from sitegen.check.report import as_html, as_json, as_text, summary
from sitegen.check.run import CheckOptions, check, check_dir
from sitegen.check.verdict import Report
from sitegen.cli.app import cli, cluster_of, err, guarded, moment, say, shown, stdout
from sitegen.i18n import _

Format = Literal["text", "json", "html"]


@cli.command("check")
@click.option("--site", "sites", multiple=True, metavar="ID", help="Check only this site (repeatable).")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Judge at this moment (default: the real clock).")
@click.option("--external", is_flag=True, help="Also fetch every external link and attachment URL (link-external).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="text: a table per site, worst first; json: schema sitegen-check/1; html: one page to send (needs --out).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of the terminal.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="veto", show_default=True,
              help="Also exit 1 when a finding is at this severity or worse (a 不合格 site always does).")
@click.pass_context
def check_cmd(ctx: click.Context, sites: tuple[str, ...], now: str | None, external: bool, fmt: Format, out: Path | None,
              fail_on: str) -> None:
    """Check the sites as the national inspection would (updates, empty columns); exit 1 if any site is 不合格."""
    if fmt == "html" and out is None:
        raise click.UsageError(_("--format html writes a file: give --out report.html"), ctx)
    cluster = cluster_of(ctx)
    options = CheckOptions(now=moment(now, cluster), sites=sites, external=external)
    report = guarded(ctx, lambda: check(cluster, options), _("Nothing was checked."))
    text = _render(report, fmt, cluster.name)
    if out is None:
        stdout.out(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
        err.print(summary(report))
        say(err, "wrote", "green", _("{shown} (checked against the build in {shown2})").format(shown=shown(out.resolve()),
                shown2=shown(check_dir(cluster.root))))
    ctx.exit(1 if _fails(report, Severity(fail_on)) else 0)


def _render(report: Report, fmt: Format, cluster_name: str) -> str:
    if fmt == "html":
        return as_html(report, cluster_name)
    return as_json(report) if fmt == "json" else as_text(report)


def _fails(report: Report, level: Severity) -> bool:
    return bool(report.failed) or report.reaches(level)
