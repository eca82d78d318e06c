"""An installed sitegen starts a cluster: the wheel ships the theme, `sitegen init` writes a cluster that builds and passes."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import REPO, run
from sitegen.cli import cli
from sitegen.config.loader import load_config
from sitegen.outputs import theme
from sitegen.outputs.theme import SHIPPED_THEMES

SITES = ("portal", "finance", "chengguan")
PORTAL_COLUMNS = [("政务要闻", "news"), ("通知公告", "notice"), ("政策文件", "policy"), ("政策解读", "general"),
                  ("政府信息公开", "disclosure")]
CSS = re.compile(r'href="[^"]*(static/css/site\.[0-9a-f]{10}\.css)"')


def init(folder: Path, *args: str) -> Result:
    """Run `sitegen init FOLDER ARGS...` through click's runner."""
    return CliRunner().invoke(cli, ["init", str(folder), *args], catch_exceptions=False)


@pytest.fixture
def started(tmp_path: Path) -> Path:
    """A cluster just written by `sitegen init` with its defaults."""
    result = init(tmp_path / "new")
    assert result.exit_code == 0, result.output
    return tmp_path / "new"


def portal_css(root: Path) -> str:
    """Return the theme stylesheet the built portal home page uses."""
    home = (root / "build/portal/index.html").read_text(encoding="utf-8")
    found = CSS.search(home)
    assert found, "the portal home page links no theme stylesheet"
    return (root / "build/portal" / found.group(1)).read_text(encoding="utf-8")


def test_an_installed_wheel_starts_builds_and_checks_a_new_cluster(tmp_path):
    source = tmp_path / "source"  # a copy: building a wheel in the checkout would leave setuptools' files in build/
    shutil.copytree(REPO / "sitegen", source / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def ok(*command: str | Path, cwd: Path = tmp_path) -> str:
        done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8")
        assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    ok(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "wheels", source)
    wheel = next((tmp_path / "wheels").glob("sitegen-*.whl"))
    ok(sys.executable, "-m", "venv", tmp_path / "venv")
    ok(tmp_path / "venv/bin/python", "-m", "pip", "install", "-q", wheel)
    sitegen = tmp_path / "venv/bin/sitegen"
    installed = Path(ok(tmp_path / "venv/bin/python", "-c", "import sitegen; print(sitegen.__file__)").strip())
    assert installed.is_relative_to(tmp_path / "venv")

    ok(sitegen, "init", "new")
    root = tmp_path / "new"
    assert not (root / "themes").exists()
    ok(sitegen, "build", cwd=root)
    report = ok(sitegen, "check", "--fail-on", "warning", cwd=root)
    assert [line.split()[:2] for line in report.splitlines() if line.endswith("no findings")] == [["合格", s] for s in SITES]
    assert "不合格  " not in report
    assert portal_css(root) == (installed.parent / "themes/gov/static/css/site.css").read_text(encoding="utf-8")


def test_a_new_cluster_builds_and_passes_the_check_at_once(started):
    result = run(started, "build")
    assert result.exit_code == 0, result.output
    assert "no warnings" in result.output
    result = run(started, "check", "--fail-on", "warning")
    assert result.exit_code == 0, result.output
    for site in SITES:
        assert f"合格  {site}" in result.output
    assert "不合格  " not in result.output and "no findings" in result.output
    assert portal_css(started) == (SHIPPED_THEMES / "gov/static/css/site.css").read_text(encoding="utf-8")


def test_init_writes_a_gitignore_for_the_outputs_and_caches(started):
    ignored = (started / ".gitignore").read_text(encoding="utf-8").split()
    assert {"build/", "build-*/", ".sitegen-cache/"} <= set(ignored)


def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("我的笔记", encoding="utf-8")
    result = init(folder)
    assert result.exit_code == 1
    assert "the folder is not empty (it holds notes.txt)" in result.output
    assert "Nothing was written." in result.output and "Traceback" not in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_init_takes_a_folder_holding_only_a_new_git_repository(tmp_path):
    (tmp_path / "repo/.git").mkdir(parents=True)
    assert init(tmp_path / "repo").exit_code == 0
    assert (tmp_path / "repo/sites.yaml").is_file()


@pytest.mark.parametrize(("option", "message"), [
    (["--domain", "shifan gov"], "--domain 'shifan gov' is not a host name"),
    (["--name", "示范市: 新区"], "cannot name a cluster"),
])
def test_init_refuses_a_name_or_domain_it_cannot_write(tmp_path, option, message):
    result = init(tmp_path / "new", *option)
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "new").exists()


def test_name_and_domain_appear_in_sites_yaml_and_on_the_built_pages(tmp_path):
    root = tmp_path / "new"
    assert init(root, "--name", "样例县", "--domain", "www.yangli.gov.cn").exit_code == 0
    text = (root / "sites.yaml").read_text(encoding="utf-8")
    assert "name: 样例县政府网站群" in text and "base_url: https://www.yangli.gov.cn " in text
    assert "示范" not in text and "shifan" not in text
    assert run(root, "build").exit_code == 0
    home = (root / "build/portal/index.html").read_text(encoding="utf-8")
    assert "样例县人民政府" in home and 'href="https://www.yangli.gov.cn/"' in home
    assert "样例县财政局" in (root / "build/finance/index.html").read_text(encoding="utf-8")
    assert "样例县城关镇人民政府" in (root / "build/chengguan/index.html").read_text(encoding="utf-8")


def test_the_written_sites_yaml_keeps_its_comments_and_validates(started):
    text = (started / "sites.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 示范市政府网站群")
    assert text.count("# 待填写") >= 8  # every placeholder is marked
    cluster = load_config(started)
    assert list(cluster.sites) == list(SITES)
    assert [s.kind for s in cluster.sites.values()] == ["portal", "department", "township"]
    assert [(c.title, c.type.value) for c in cluster.portal.columns.values()] == PORTAL_COLUMNS
    for site in cluster.sites.values():
        footer = site.footer
        assert footer.sponsor and footer.site_code and footer.icp and footer.police and footer.conac_url, site.id


def test_a_theme_in_the_clusters_themes_folder_overrides_the_shipped_one_file_by_file(started):
    base = (SHIPPED_THEMES / "gov/templates/base.html").read_text(encoding="utf-8")
    assert "<body" in base
    (started / "themes/gov/templates").mkdir(parents=True)
    (started / "themes/gov/static/css").mkdir(parents=True)
    (started / "themes/gov/templates/base.html").write_text(base.replace("<body", "<!-- 本市主题 --><body", 1), encoding="utf-8")
    (started / "themes/gov/static/css/site.css").write_text("body { color: #111; } /* 本市样式 */\n", encoding="utf-8")
    assert run(started, "build", "--no-search").exit_code == 0
    home = (started / "build/portal/index.html").read_text(encoding="utf-8")
    assert "<!-- 本市主题 -->" in home
    assert "本市样式" in portal_css(started)
    assert list((started / "build/portal/static/js").glob("search.*.js")), "a file the cluster does not override is shipped"


def test_an_edit_to_the_shipped_theme_is_built_again(started, tmp_path, monkeypatch):
    """An editable install edits the shipped theme in place: the build must not take its output for up to date."""
    shipped = tmp_path / "shipped"
    shutil.copytree(SHIPPED_THEMES, shipped)
    monkeypatch.setattr(theme, "SHIPPED_THEMES", shipped)
    assert run(started, "build", "--no-search").exit_code == 0
    css = shipped / "gov/static/css/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "/* 修改后的主题 */\n", encoding="utf-8")
    assert run(started, "build", "--no-search").exit_code == 0
    assert "修改后的主题" in portal_css(started)

