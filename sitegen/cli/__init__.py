"""Command line: argument handling, progress display and exit codes only; the commands live in its modules."""
from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

from sitegen.cli.app import cli  # its commands' modules are imported when one of their commands is named

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the `sitegen` command."""
    try:
        cli(prog_name="sitegen", auto_envvar_prefix="SITEGEN")  # every option also from SITEGEN_<COMMAND>_<OPTION>
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def leave(code: str | int | None) -> NoReturn:
    """End the process with `code` once its output is out, without freeing what the command read object by object.

    The system takes a process's memory back at once; Python's own teardown of a loaded cluster took 0.3 s of a
    one-article rebuild on 15,000 pages.
    """
    if isinstance(code, str):  # sys.exit("message"), as Python itself would print it
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what would have run at exit still does (temporary folders, worker pools)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away (`sitegen list | head`): nothing more can be said
        code = code or 1
    os._exit(code or 0)
