"""Commands for the units' work: the yearly 政府信息公开 figures, who may change what, file encodings."""
from __future__ import annotations

from pathlib import Path

import click

from sitegen.cli.app import cli, cluster_of, guarded, moment, print_table, shown, stdout
from sitegen.content.profile import Profile
from sitegen.disclosure import report
from sitegen.errors import Problems, SitegenError
from sitegen.i18n import _, n_
from sitegen.owners import codeowners, verify
from sitegen.plan import plan_cluster
from sitegen.sources.encoding import fix_encoding, text_files


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
    cluster = cluster_of(ctx)
    profile = Profile(moment(now, cluster))

    def run() -> list[report.Figures]:
        planned = plan_cluster(cluster, profile)
        return report.yearly(planned.plan, planned.disclosure, year)

    figures = guarded(ctx, run)
    for table in report.tables(figures):
        print_table(table.title, table.header, table.rows, titled=True)
    for path in report.write(figures, (out or root / "reports").resolve()):
        stdout.print(_("Wrote {shown}").format(shown=shown(path)))


@cli.group("owners")
def owners_group() -> None:
    """Who may change what: CODEOWNERS for the Git host, and a check of every commit in a range."""


@owners_group.command("codeowners")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write here; '-' prints it (default: CODEOWNERS at the top of the Git repository, where every Git host reads it).")
@click.pass_context
def owners_codeowners_cmd(ctx: click.Context, out: Path | None) -> None:
    """Write CODEOWNERS from sites.yaml: each content/<site>/ to its owners and the admins, the rest to the admins."""
    cluster = cluster_of(ctx)
    made = guarded(ctx, lambda: codeowners.make(cluster), _("Nothing was written."))
    if out == Path("-"):
        click.echo(made.text, nl=False)
        return
    path = guarded(ctx, lambda: codeowners.write(made, out), _("Nothing was written."))
    stdout.print(_("Wrote {shown}. Commit it, and run this again whenever owners or cluster.admins change in sites.yaml.")
                 .format(shown=shown(path)))


@owners_group.command("verify")
@click.argument("rev_range", metavar="BASE..TIP")
@click.pass_context
def owners_verify_cmd(ctx: click.Context, rev_range: str) -> None:
    """Check that each commit in BASE..TIP (e.g. origin/main..HEAD) changes only files its author owns."""
    # no cluster_of(ctx): owners are read from sites.yaml at BASE, and a pre-receive hook has no work tree to load
    checked = guarded(ctx, lambda: verify.verify(ctx.obj["root"], rev_range))
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
            stdout.print(_("converted to UTF-8: {f}").format(f=f))
        return len(converted)

    n = guarded(ctx, run)
    stdout.print(n_("{count} file converted, {already} already UTF-8.", "{count} files converted, {already} already UTF-8.", n)
                 .format(count=n, already=len(files) - n))
