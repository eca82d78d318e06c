"""A unit's folder is untrusted input: it can never read outside itself, run code, or reach what pages never show."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, assert_refused, build, make_cluster, page, tree

CANARY = "CANARY-outside-the-unit-9c1e"
MINI_YAML = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8")
TEMPLATE = "content/town/_theme/templates/list.html"

Setup = Callable[[Path, Path], None]  # (cluster root, a folder outside the project holding secret files)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def link(root: Path, rel: str, target: Path | str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def override(expression: str) -> Setup:
    """A unit's own listing template showing `expression`."""
    return lambda root, _: write(root, TEMPLATE, "{% extends 'base.html' %}\n{% block main %}\n" + expression + "\n{% endblock %}\n")


ESCAPES: dict[str, tuple[Setup, list[str]]] = {
    "logo in _site.yaml outside the site": (
        lambda root, out: write(root, "content/finance/_site.yaml", f"theme_options: {{logo: {out}/secret.png}}\n"),
        ["content/finance/_site.yaml", "logo of site 'finance'", "is outside content/finance/"]),
    "logo in _site.yaml climbing out": (
        lambda root, out: write(root, "content/finance/_site.yaml", "theme_options: {logo: ../../sites.yaml}\n"),
        ["logo of site 'finance' (../../sites.yaml) is outside content/finance/"]),
    "logo in sites.yaml outside the project": (
        lambda root, out: write(root, "sites.yaml", MINI_YAML.replace("    url: /town/\n", f"    url: /town/\n    theme_options: {{logo: {out}/secret.png}}\n")),
        ["logo of site 'town'", "is outside the project's folder"]),
    "_site.yaml is a link out": (
        lambda root, out: link(root, "content/finance/_site.yaml", out / "site.yaml"),
        ["content/finance/_site.yaml", "a link to", "outside content/finance/"]),
    "static file is a link out": (
        lambda root, out: link(root, "content/finance/_theme/static/css/x.css", out / "secret.txt"),
        ["content/finance/_theme/static/css/x.css", "outside content/finance/"]),
    "the _theme folder is a link out": (
        lambda root, out: link(root, "content/finance/_theme", out),
        ["content/finance/_theme", "outside content/finance/"]),
    "template is a link out": (
        lambda root, out: link(root, TEMPLATE, out / "secret.txt"),
        [TEMPLATE, "outside content/town/"]),
    "page is a link out": (
        lambda root, out: link(root, "content/town/news/leak.md", out / "secret.md"),
        ["content/town/news/leak.md", "outside content/town/"]),
    "page is a link into another unit's folder": (
        lambda root, out: link(root, "content/town/news/leak.md", root / "content/portal/news/first.md"),
        ["content/town/news/leak.md", "outside content/town/"]),
    "stand-alone page is a link that leads nowhere": (
        lambda root, out: link(root, "content/town/gone.md", out / "missing.md"),
        ["content/town/gone.md", "a link that leads nowhere"]),
    "pages linked in a circle": (
        lambda root, out: (link(root, "content/town/news/a.md", "b.md"), link(root, "content/town/news/b.md", "a.md")),
        ["content/town/news/a.md", "content/town/news/b.md", "round in a circle"]),
    "column folder is a link to another unit's column": (
        lambda root, out: (os.rename(root / "content/town/news", root / "content/town/old"),
                           link(root, "content/town/news", root / "content/portal/news")),
        ["content/town/news: a link to", "outside content/town/"]),
    "Markdown link to another unit's file": (
        lambda root, out: (write(root, "content/finance/news/plan.txt", CANARY),
                           write(root, "content/town/news/market.md", page("见[附件](../../finance/news/plan.txt)。", title="集市"))),
        ["content/town/news/market.md", "linked file not found in this site's folder: '../../finance/news/plan.txt'"]),
    "template runs a shell command": (
        override('{{ cycler.__init__.__globals__.os.popen("echo " ~ "pwned").read() }}'), [TEMPLATE, "unsafe"]),
    "template climbs to object's subclasses": (override("{{ ''.__class__.__mro__[1].__subclasses__() }}"), [TEMPLATE, "unsafe"]),
    "template reads a helper's globals": (override("{{ url.__globals__ }}"), [TEMPLATE, "unsafe"]),
    "template reads lipsum's globals": (override("{{ lipsum.__globals__['os'] }}"), [TEMPLATE, "unsafe"]),
    "template formats its way to internals": (override("{{ '{0.__class__.__init__.__globals__}'.format(site) }}"),
                                              [TEMPLATE, "unsafe"]),
    "template shows the deploy targets": (override("{{ cluster.deploy }}"), [TEMPLATE, "template error", "no attribute 'deploy'"]),
    "template shows the project's path": (override("{{ cluster.root }}"), [TEMPLATE, "template error", "no attribute 'root'"]),
    "template shows the owners": (override("{{ site.owners }}"), [TEMPLATE, "unsafe", "owners"]),
    "template includes a file outside": (override("{% include '../../../../outside/secret.txt' %}"), ["not found"]),
    "template reads a file through a page's path": (override("{{ pager.items[0].source.joinpath(site.id).read_text() }}"),
                                                    [TEMPLATE, "unsafe", "joinpath"]),
    "template writes a file through a page's path": (override("{{ (pager.items[0].source / 'x').write_text('pwned') }}"),
                                                     [TEMPLATE, "unsafe", "write_text"]),
    "template finds the project through a path": (override("{{ pager.items[0].source.resolve() }}"), [TEMPLATE, "unsafe"]),
    "template changes the page data": (override("{{ pager.items.append(1) }}"), [TEMPLATE, "unsafe", "append"]),
    "template makes a huge string": (override("{{ ('x' * 10**10)|length }}"), [TEMPLATE, "too large"]),
    "template pads a huge string": (override("{{ 'a'|center(10**9) }}"), [TEMPLATE, "too large"]),
    "template counts past any page": (override("{% for i in range(10**9) %}{% endfor %}"), [TEMPLATE, "template error"]),
}


@pytest.mark.parametrize("case", list(ESCAPES), ids=list(ESCAPES))
def test_a_units_folder_cannot_reach_outside_itself(tmp_path, case):
    setup, expected = ESCAPES[case]
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("secret.txt", "secret.png", "secret.md", "site.yaml"):
        (outside / name).write_text(f"---\ntitle: {CANARY}\ndate: 2026-03-01\n---\n{CANARY}\n" if name.endswith(".md") else CANARY,
                                    encoding="utf-8")
    root = make_cluster(tmp_path)
    result = assert_refused(root, lambda root: setup(root, outside), expected)
    assert "pwned" not in result.output and CANARY not in result.output
    assert not [rel for rel, data in tree(root / "build").items() if CANARY.encode() in data]


def test_a_units_own_template_still_renders_what_pages_show(tmp_path):
    root = make_cluster(tmp_path)
    override("<p class='mine'>{{ site.name }}：{% for p in pager.items %}<a href='{{ link(p) }}'>{{ p.title }}</a>{% endfor %}</p>")(root, tmp_path)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    listing = (root / "build/town/news/index.html").read_text(encoding="utf-8")
    assert "<p class='mine'>测试镇人民政府：<a href='/town/news/market/'>" in listing


def test_a_template_the_sandbox_compiles_is_never_taken_from_what_the_trusted_theme_compiled(tmp_path):
    # the cluster admin's base.html makes a string the sandbox refuses: the trusted sites render it, a unit's may not
    root = make_cluster(tmp_path)
    base = root / "themes/gov/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- {{ ('x' * 2000000)|length }} --></body>", 1),
                    encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0  # every site trusted: base.html compiled and kept as the theme's
    assert list((root / ".sitegen-cache/templates").glob("trusted-*/*.cache"))
    override("{{ site.name }}")(root, tmp_path)  # now the town has templates of its own: its chain runs in the sandbox
    result = build(root, "--no-search")
    assert result.exit_code != 0 and "too large" in result.output, result.output
    assert list((root / ".sitegen-cache/templates").glob("sandboxed-*/*.cache"))


def test_a_logo_in_a_sites_own_folder_is_published(tmp_path):
    root = make_cluster(tmp_path, {"content/finance/_site.yaml": "theme_options: {logo: logo.png}\n",
                                   "content/finance/logo.png": "PNG"})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert (root / "build/finance/static/logo.png").read_text() == "PNG"


def test_markdown_under_another_file_name_is_told_not_ignored(tmp_path):
    root = make_cluster(tmp_path, {"content/town/news/upper.MD": page("大写。", title="大写"),
                                   "content/town/news/long.markdown": page("长。", title="长")})
    result = build(root, "--no-search")
    assert result.exit_code == 0
    assert "content/town/news/upper.MD: this file is not published: pages are files ending in .md" in result.output
    assert "rename it to long.md" in result.output


def test_a_sites_printed_form_shows_no_owner(tmp_path):
    yaml = MINI_YAML.replace("    url: /town/\n", "    url: /town/\n    owners: [secret.person@town.gov.cn]\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml})
    override("<p class='site'>{{ site }}</p>")(root, tmp_path)
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    listing = (root / "build/town/news/index.html").read_text(encoding="utf-8")
    assert "<p class='site'>" in listing and "secret.person" not in listing
