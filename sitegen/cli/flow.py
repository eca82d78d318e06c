"""Commands for the information flow of the cluster: submissions (信息报送), decisions on them, the units' figures."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from sitegen import urls
from sitegen.cli.app import cli, cluster_of, err, guarded, moment, print_table, say, shown, stdout
from sitegen.content.profile import Profile
from sitegen.errors import Problems, SitegenError
from sitegen.figures import formats
from sitegen.figures.units import units_report
from sitegen.i18n import _, n_
from sitegen.plan import ClusterPlan, plan_cluster
from sitegen.submissions.decisions import ADOPTED, DECLINED
from sitegen.submissions.record import record
from sitegen.submissions.routing import PENDING, Submission

STATES = {ADOPTED: "已采用", DECLINED: "未采用", PENDING: "待处理"}
SUBMISSIONS_SCHEMA = "sitegen-submissions/1"


def _planned(ctx: click.Context, now: str | None) -> ClusterPlan:
    cluster = cluster_of(ctx)
    planned = guarded(ctx, lambda: plan_cluster(cluster, Profile(moment(now, cluster))))
    for problem in planned.plan.routing.warnings:
        say(err, "warning", "yellow", problem.format("submissions"))
    return planned


@cli.group("submissions", invoke_without_command=True)
@click.option("--site", metavar="ID", help="Only the items submitted to this site (e.g. portal).")
@click.option("--pending", is_flag=True, help="Only the items not decided yet.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: schema sitegen-submissions/1.")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="List what is published at this moment (default: now).")
@click.pass_context
def submissions_group(ctx: click.Context, site: str | None, pending: bool, fmt: str, now: str | None) -> None:
    """信息报送: list the items units submitted to other sites' columns and their state, or record a decision."""
    if ctx.invoked_subcommand is not None:
        return
    planned = _planned(ctx, now)
    if site is not None and site not in planned.cluster.sites:
        raise click.BadParameter(_("no site '{site}'; sites: {items}").format(site=site, items=', '.join(planned.cluster.sites)),
                                 param_hint="--site")
    chosen = [s for s in planned.plan.routing.submissions
              if (site is None or s.site == site) and (not pending or s.state == PENDING)]
    chosen.sort(key=lambda s: (s.site, s.column, -(s.page.date.timestamp() if s.page.date else 0), s.page.source))
    if fmt == "json":
        data = {"schema": SUBMISSIONS_SCHEMA, "submissions": [_json(planned, s) for s in chosen]}
        stdout.out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    sites = planned.cluster.sites
    rows = [[STATES[s.state], sites[s.page.site].name, s.page.title, f"{s.page.date:%Y-%m-%d}" if s.page.date else "",
             f"{sites[s.site].name} {sites[s.site].columns[s.column].title}",
             f"{s.decision.by} {s.decision.at:%Y-%m-%d}" if s.decision else "", s.page.source.as_posix()] for s in chosen]
    print_table("信息报送", ["状态", "报送单位", "标题", "日期", "报送至", "决定", "文件"], rows)
    counts = {state: sum(s.state == state for s in chosen) for state in STATES}
    stdout.out(n_("{count} submission: {adopted} adopted, {declined} declined, {pending} pending.",
                  "{count} submissions: {adopted} adopted, {declined} declined, {pending} pending.", len(chosen))
               .format(count=len(chosen), adopted=counts[ADOPTED], declined=counts[DECLINED], pending=counts[PENDING]))


def _json(planned: ClusterPlan, s: Submission) -> dict[str, Any]:
    sites = planned.cluster.sites
    origin = sites[s.page.site]
    decision = None if s.decision is None else {"by": s.decision.by, "at": s.decision.at.isoformat(), "note": s.decision.note}
    return {"source": s.page.source.as_posix(), "site": origin.id, "unit": origin.name, "title": s.page.title,
            "date": s.page.date.isoformat() if s.page.date else None, "url": urls.absolute(origin, s.page.path),
            "target": {"site": s.site, "column": s.column, "column_title": sites[s.site].columns[s.column].title},
            "state": s.state, "decision": decision}


def _decide(decision: str, name: str, summary: str) -> None:
    @submissions_group.command(name, help=summary)
    @click.argument("source")
    @click.option("--site", "target", required=True, metavar="ID", help="The site whose editors decide (e.g. portal).")
    @click.option("--column", metavar="ID", help="Its column the item was submitted to (needed if it went to several).")
    @click.option("--by", required=True, help="The editor who decides, by name.")
    @click.option("--note", default="", help="Why, for the unit (optional).")
    @click.option("--at", "day", type=click.DateTime(["%Y-%m-%d"]), help="Date of the decision (default: today).")
    @click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Read what is published at this moment (default: now).")
    @click.pass_context
    def command(ctx: click.Context, source: str, target: str, column: str | None, by: str, note: str,
                day: datetime | None, now: str | None) -> None:
        planned = _planned(ctx, now)
        at: date = day.date() if day else moment(now, planned.cluster).date()

        def run() -> Any:
            try:
                return record(planned.cluster, planned.content, source, target, column, decision, by, at, note)
            except Problems as exc:
                raise SitegenError(exc.problems) from None

        done = guarded(ctx, run, _("Nothing was recorded."))
        site = planned.cluster.sites[target]
        said = _("Recorded in {file}: {site_name} ({title}) adopts '{page_title}' ({source}).") if decision == ADOPTED else \
            _("Recorded in {file}: {site_name} ({title}) declines '{page_title}' ({source}).")
        stdout.out(said.format(file=shown(done.file), site_name=site.name, title=site.columns[done.column].title,
                               page_title=done.page.title, source=done.page.source.as_posix()))
        if decision == ADOPTED:
            stdout.out(_("The next build lists it in the column, its feeds and the site's search.")
                       if done.published else _("It is not published now: the column lists it once its unit publishes it."))


_decide(ADOPTED, "adopt", "Adopt (采用) SOURCE, an item submitted to --site: the column lists it, linking to its page.")
_decide(DECLINED, "decline", "Decline SOURCE, an item submitted to --site: it stays on its own site only.")


@cli.group("report")
def report_group() -> None:
    """Figures of the cluster for the county's notices (通报)."""


@report_group.command("units")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day (included), YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text", show_default=True,
              help="json: schema sitegen-units/1; csv: for Excel; html: the 通报 page to publish.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of the terminal.")
@click.option("--now", metavar="'YYYY-MM-DD HH:MM'", help="Count what is published at this moment (default: now).")
@click.pass_context
def report_units_cmd(ctx: click.Context, start: datetime, end: datetime, fmt: str, out: Path | None,
                     now: str | None) -> None:
    """Per unit: items published, submitted, adopted, declined, pending, adoption rate, disclosure, review; ranked."""
    if end < start:
        raise click.BadParameter(_("{end:%Y-%m-%d} is before --from {start:%Y-%m-%d}").format(end=end, start=start), param_hint="--to")
    cluster = cluster_of(ctx)
    report = guarded(ctx, lambda: units_report(plan_cluster(cluster, Profile(moment(now, cluster))), start.date(), end.date()))
    if fmt == "text" and out is None:
        print_table(formats.title(report), formats.HEADER, formats.rows(report))
        silent = "、".join(u.name for u in report.silent) or "无"
        stdout.out(_("零报送单位 (units that submitted nothing): {silent}").format(silent=silent))
        return
    made: str | bytes
    if fmt == "csv":
        made = formats.to_csv(report)
    elif fmt == "html":
        made = formats.to_html(report)
    elif fmt == "json":
        made = formats.to_json(report)
    else:
        made = "\t".join(formats.HEADER) + "\n" + "".join("\t".join(r) + "\n" for r in formats.rows(report))
    data = made.encode("utf-8") if isinstance(made, str) else made
    if out is None:
        click.echo(data, nl=False)
        return
    out.write_bytes(data)
    say(err, "wrote", "green", shown(out.resolve()))
