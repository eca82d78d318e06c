"""What a webmaster expects of a command line: -V, SITEGEN_* variables, JSON summaries, progress on a terminal only,
a list that fits 80 columns, shell completion."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from test_deploy import deploy_cluster, servers  # noqa: F401 - a fixture used by name

from conftest import make_cluster, page, run
from sitegen import __version__

SITEGEN = [sys.executable, "-m", "sitegen.cli"]


def sitegen(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed command line as a user does (a process of its own, the environment given)."""
    return subprocess.run([*SITEGEN, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd,
                          timeout=300)


def test_version_with_a_short_option():
    done = sitegen("-V")
    assert done.returncode == 0 and done.stdout.strip() == f"sitegen, version {__version__}"


def test_help_lists_every_command_and_each_is_found_by_name_in_a_fresh_process():
    listed = sitegen("--help")
    assert listed.returncode == 0
    names = {line.split()[0] for line in listed.stdout.split("Commands:", 1)[1].splitlines() if line.strip()}
    # what the command modules define, each imported in a process of its own: none is missing from the group's list
    script = ("import importlib, sys; from sitegen.cli.app import cli; "
              "[importlib.import_module(f'sitegen.cli.{m}') for m in ('check', 'flow', 'publish', 'serve', 'site', 'start', 'units')]; "
              "print(' '.join(sorted(cli.commands)))")
    defined = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert names == set(defined) and {"build", "check", "deploy", "init", "owners", "fix-encoding"} <= names
    for name in defined:
        done = sitegen(name, "--help")
        assert done.returncode == 0 and f"sitegen {name}" in done.stdout, (name, done.stderr)


def test_every_option_can_come_from_a_sitegen_environment_variable(tmp_path):
    root = make_cluster(tmp_path)
    out = tmp_path / "elsewhere"
    done = sitegen("build", env={"SITEGEN_ROOT": str(root), "SITEGEN_BUILD_OUT": str(out), "SITEGEN_BUILD_NO_SEARCH": "1",
                                 "SITEGEN_BUILD_NOW": "2026-03-10 12:00"})
    assert done.returncode == 0, done.stderr
    assert (out / "portal/index.html").exists() and not (out / "portal/pagefind").exists()
    assert not (root / "build").exists()


def test_a_process_says_everything_and_exits_with_its_code(tmp_path):
    # the command ends its process without Python's teardown: what it printed and its exit code must still arrive
    root = make_cluster(tmp_path)
    done = sitegen("--root", str(root), "build", "--no-search", "--now", "2026-03-10 12:00", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == "sitegen-build/1"
    (root / "content/portal/news/bad.md").write_text("---\ntitle: x\ndate: 2026-13-01\n---\n", encoding="utf-8")
    failed = sitegen("--root", str(root), "build", "--no-search")
    assert failed.returncode == 1 and "content/portal/news/bad.md:3" in failed.stderr
    assert sitegen("--root", str(root), "no-such-command").returncode == 2


def test_build_json_is_the_only_thing_on_stdout(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/x.MD": page(title="大写扩展名")})
    result = run(root, "build", "--no-search", "--now", "2026-03-10 12:00", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema"] == "sitegen-build/1"
    assert (data["sites"], data["pages"], data["removed"], data["indexed"]) == (3, 8, 0, [])
    assert data["written"] > 0 and data["rendered"] == data["written"]
    assert data["warnings"] == [{"path": "content/portal/news/x.MD", "line": None,
                                 "message": "this file is not published: pages are files ending in .md", "hint": "rename it to x.md"}]
    assert data["notes"] and data["out"].endswith("build")


def test_a_failed_build_in_json_leaves_stdout_empty_and_says_why_on_stderr(tmp_path):
    root = make_cluster(tmp_path, {"content/portal/news/bad.md": "---\ntitle: x\ndate: 2026-13-01\n---\n"})
    result = run(root, "build", "--no-search", "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "content/portal/news/bad.md:3" in result.stderr


def test_list_json(tmp_path):
    result = run(make_cluster(tmp_path), "list", "--format", "json")
    data = json.loads(result.stdout)
    assert data["schema"] == "sitegen-list/1"
    portal = data["sites"][0]
    assert portal["id"] == "portal" and portal["url"] == "https://www.test.gov.cn/"
    assert {"id": "news", "pages": 4} in portal["columns"] and portal["pages"] >= sum(c["pages"] for c in portal["columns"])


def test_list_fits_an_80_column_terminal_and_cuts_nothing(tmp_path, monkeypatch):
    from sitegen.cli import app, site

    screen = io.StringIO()
    console = Console(file=screen, width=80, force_terminal=True, color_system=None, highlight=False, soft_wrap=True, markup=False)
    monkeypatch.setattr(app, "stdout", console)
    monkeypatch.setattr(site, "stdout", console)
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: 测试镇人民政府", "name: 测试市某某区某某镇人民政府（某某街道办事处）"),
                      encoding="utf-8")
    assert run(root, "list").exit_code == 0
    lines = screen.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines if line.isascii())
    text = screen.getvalue()
    assert "…" not in text and "测试市某某区某某镇人民政府（某某街道办事处）" in text and "https://czj.test.gov.cn/" in text
    assert "  news 4  notices 1  disclosure 1" in text


def test_list_is_tab_separated_when_piped(tmp_path):
    done = sitegen("--root", str(make_cluster(tmp_path)), "list")
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert rows[0] == ["site", "name", "kind", "url", "columns (pages)", "pages"]
    assert rows[2][:4] == ["finance", "测试市财政局", "department", "https://czj.test.gov.cn/"]


def test_progress_of_a_long_build_shows_on_a_terminal_search_indexing_included(tmp_path, monkeypatch):
    from sitegen.cli import app, site

    many = {f"content/town/news/n{i:03d}.md": page(f"第{i}条。", title=f"镇里的第{i}条消息", date="2026-03-01") for i in range(320)}
    root = make_cluster(tmp_path, many)
    screen = io.StringIO()
    terminal = Console(file=screen, width=100, force_terminal=True, color_system=None, highlight=False, markup=False)
    monkeypatch.setattr(app, "err", terminal)
    monkeypatch.setattr(site, "err", terminal)
    assert run(root, "build", "--now", "2026-03-10 12:00").exit_code == 0
    shown = screen.getvalue()
    assert "convert" in shown and "index" in shown  # the search indexing has its bar too
    piped = run(root, "build", "--force", "--now", "2026-03-10 12:00")
    assert "index" not in piped.stderr and "convert" not in piped.stderr  # not a terminal: no bars


def test_deploy_json(tmp_path, servers):  # noqa: F811
    root = deploy_cluster(tmp_path, servers)
    dry = run(root, "deploy", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["schema"] == "sitegen-deploy/1" and planned["dry_run"] is True and planned["release"] is None
    assert [t["name"] for t in planned["targets"]] == ["web1", "web2"] and planned["targets"][0]["files"] > 0
    done = run(root, "deploy", "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["dry_run"] is False and data["release"] and data["not_passed_but_deployed"] == []
    assert os.readlink(tmp_path / "srv1" / "current") == f"releases/{data['release']}"
    assert data["targets"][0]["live_before"] is None


@pytest.mark.parametrize(("shell", "marker"), [("bash", "_sitegen_completion"), ("zsh", "#compdef sitegen"),
                                               ("fish", "complete --no-files --command sitegen")])
def test_shell_completion_scripts_as_documented(shell, marker):
    done = sitegen(env={"_SITEGEN_COMPLETE": f"{shell}_source"})
    assert marker in done.stdout
