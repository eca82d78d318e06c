"""The command that starts a cluster: sitegen init."""
from __future__ import annotations

import shlex
from pathlib import Path

import click

from sitegen.cli.app import cli, guarded, say, shown, stdout
from sitegen.i18n import _
from sitegen.starter.init import init_cluster


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", default="示范市", show_default=True, help="The place the cluster serves; its sites are named after it.")
@click.option("--domain", default="www.shifan.gov.cn", show_default=True, help="The portal's host name.")
@click.pass_context
def init_cmd(ctx: click.Context, folder: Path, name: str, domain: str) -> None:
    """Write a new cluster into FOLDER (new or empty): sites.yaml, sample pages and .gitignore, ready to build."""
    written = guarded(ctx, lambda: init_cluster(folder.absolute(), name, domain), _("Nothing was written."))
    pages = sum(1 for p in written if p.suffix == ".md")
    say(stdout, "wrote", "green", _("a new cluster into {shown}: sites.yaml (a portal, a department and a township), {pages} sample "
                                    "pages and .gitignore.").format(shown=shown(folder.absolute()), pages=pages))
    stdout.print(_("Next: cd {quote} && sitegen build && sitegen check, then sitegen serve and open "
                   "http://127.0.0.1:8000/").format(quote=shlex.quote(str(folder))))
    stdout.print(_("Before going live, replace the values marked 待填写 in sites.yaml (网站标识码, ICP备案号, 公安备案号, "
                   "统一社会信用代码) and the sample pages."))
