"""The command that starts a cluster: sitegen init."""
from __future__ import annotations

import shlex
from pathlib import Path

import click

from sitegen.cli.app import cli, guarded, say, shown, stdout
from sitegen.starter.init import init_cluster


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", default="示范市", show_default=True, help="The place the cluster serves; its sites are named after it.")
@click.option("--domain", default="www.shifan.gov.cn", show_default=True, help="The portal's host name.")
@click.pass_context
def init_cmd(ctx: click.Context, folder: Path, name: str, domain: str) -> None:
    """Write a new cluster into FOLDER (new or empty): sites.yaml, sample pages and .gitignore, ready to build."""
    written = guarded(ctx, lambda: init_cluster(folder.absolute(), name, domain), "Nothing was written.")
    pages = sum(1 for p in written if p.suffix == ".md")
    say(stdout, "Wrote", "green", f"a new cluster into {shown(folder.absolute())}: sites.yaml (a portal, a department and a "
        f"township), {pages} sample pages and .gitignore.")
    stdout.print(f"Next: cd {shlex.quote(str(folder))} && sitegen build && sitegen check, then sitegen serve and open "
                 "http://127.0.0.1:8000/")
    stdout.print("Before going live, replace the values marked 待填写 in sites.yaml (网站标识码, ICP备案号, 公安备案号, "
                 "统一社会信用代码) and the sample pages.")
