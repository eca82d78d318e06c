"""The command line's group and what every command shares: plain-text messages, exit codes, the cluster read once."""
from __future__ import annotations

import importlib
import json
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sitegen import __version__, i18n
from sitegen.config.loader import declared_language, load_config
from sitegen.config.model import Cluster
from sitegen.content.frontmatter import parse_datetime
from sitegen.errors import InternalError, Problem, SitegenError
from sitegen.i18n import N_, _, n_

# markup=False: messages carry user text (titles, paths, YAML values) that must print as it is
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
stdout = Console(highlight=False, soft_wrap=True, markup=False)
LONG_BUILD_PAGES = 300
T = TypeVar("T")
ProfileName = Literal["public", "internal"]


class Commands(click.Group):
    """The group of commands, each module imported when one of its commands is named: `sitegen build` does not load
    the code of serve, deploy, check or init (0.45 s of imports before, 0.35 s now)."""

    MODULES: ClassVar[dict[str, str]] = {
        "build": "site", "serve": "serve", "new": "site", "list": "site", "check": "check", "deploy": "publish",
        "releases": "publish", "rollback": "publish", "nginx-config": "publish", "init": "start", "submissions": "flow",
        "report": "flow", "disclosure": "units", "owners": "units", "fix-encoding": "units"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.MODULES.keys() | self.commands.keys())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.MODULES:
            importlib.import_module(f"sitegen.cli.{self.MODULES[cmd_name]}")  # it adds its commands to this group
        return super().get_command(ctx, cmd_name)


@click.group(cls=Commands)
@click.version_option(__version__, "-V", "--version", prog_name="sitegen")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Folder holding sites.yaml, content/ and themes/.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--lang", type=click.Choice(["zh-CN", "en"]), envvar="SITEGEN_LANG",
              help="Language of the messages (default: the cluster's language in sites.yaml, else zh-CN).")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool, lang: str | None) -> None:
    """Build, check and publish a government website cluster (政府网站群)."""
    i18n.use(lang or declared_language(root.resolve()) or i18n.DEFAULT)  # before anything is read or said
    ctx.obj = {"root": root.resolve(), "debug": debug}


LABELS = (N_("error"), N_("warning"), N_("note"), N_("wrote"))  # what say() prints before a message, translated there


def say(console: Console, label: str, style: str, text: str) -> None:
    """Print a styled label (in the reader's language), then plain text that is never read as markup."""
    console.print(Text.assemble((_(label), style), " " if text else "", text))


def guarded(ctx: click.Context, action: Callable[[], T], failed: str = "") -> T:
    """Run `action`, turning sitegen errors into messages and exit codes."""
    try:
        return action()
    except SitegenError as exc:
        for problem in exc.problems:
            say(err, "error", "bold red", problem.format(exc.stage))
        if isinstance(exc, InternalError):
            err.print(_("this is a bug in sitegen; please report it with the file named above"))
            if ctx.obj["debug"]:
                traceback.print_exception(exc.__cause__ or exc)
        n = len(exc.problems)
        say(err, n_("{count} problem.", "{count} problems.", n).format(count=n), "bold red", failed)
        ctx.exit(exc.exit_code)
        raise AssertionError("unreachable") from None


def cluster_of(ctx: click.Context) -> Cluster:
    """Return the cluster of --root, read once per command."""
    if "cluster" not in ctx.obj:
        ctx.obj["cluster"] = guarded(ctx, lambda: load_config(ctx.obj["root"]))
    return ctx.obj["cluster"]


def moment(value: str | None, cluster: Cluster) -> datetime:
    if value is None:
        return datetime.now(cluster.tz)
    try:
        return parse_datetime(value, cluster.tz)
    except ValueError as exc:
        raise click.BadParameter(str(exc).replace("; fix: ", "; "), param_hint="--now") from None


def print_table(title: str, header: list[str], rows: list[list[str]], titled: bool = False) -> None:
    """Print a table: laid out on a terminal, tab-separated when piped (after its title if `titled`)."""
    if not stdout.is_terminal:
        for row in ([[title]] if titled else []) + [header, *rows]:
            click.echo("\t".join(row))
        return
    view = Table(*header, title=title)
    for row in rows:
        view.add_row(*row)
    stdout.print(view)


def problem_json(problem: Problem) -> dict[str, Any]:
    """Return a problem as the JSON summaries give it."""
    return {"path": None if problem.path is None else str(problem.path), "line": problem.line, "message": problem.message,
            "hint": problem.hint}


def print_json(data: dict[str, Any]) -> None:
    """Print a --format json summary: the only thing on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="json: a summary on stdout in a stable schema (docs: README); messages stay on stderr.")


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
