"""Command line: argument handling, progress display and exit codes only; the commands live in its modules."""
from __future__ import annotations

from sitegen.cli import check, flow, publish, site, start, units  # noqa: F401 - each registers its commands on the group
from sitegen.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the `sitegen` command."""
    cli(prog_name="sitegen", auto_envvar_prefix="SITEGEN")  # every option also from SITEGEN_<COMMAND>_<OPTION>
