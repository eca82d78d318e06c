"""Scheduled publishing: the script the README gives the systemd timer, run as it is written, against real targets."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from test_deploy import deploy_cluster, live, servers  # noqa: F401 - a fixture used by name

from conftest import REPO, page

SHANGHAI = ZoneInfo("Asia/Shanghai")


def documented_script() -> str:
    """Return the publishing script exactly as README.md gives it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"\(the tests run it as it is written here\):\n\n```sh\n(.*?)```", readme, re.S)
    assert found, "README.md: the scheduled publishing script is missing"
    return found.group(1)


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "信息员", "GIT_AUTHOR_EMAIL": "xxy@test.gov.cn", "GIT_COMMITTER_NAME": "信息员",
           "GIT_COMMITTER_EMAIL": "xxy@test.gov.cn"}
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True, env=env).stdout


def test_the_documented_timer_script_publishes_scheduled_items_on_time(tmp_path, servers):  # noqa: F811
    root = deploy_cluster(tmp_path, servers)  # the publishing server's clone, already built once
    (root / ".gitignore").write_text("build/\nbuild-*/\n.sitegen-cache/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "cluster")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(root), str(origin)], check=True)
    git(root, "remote", "add", "origin", str(origin))
    git(root, "fetch", "-q", "origin")
    git(root, "branch", "-q", "--set-upstream-to=origin/main")
    # a unit commits two scheduled items from its own clone: one due a minute ago, one tomorrow
    unit = tmp_path / "unit"
    subprocess.run(["git", "clone", "-q", str(origin), str(unit)], check=True)
    now = datetime.now(SHANGHAI)
    (unit / "content/town/news/due.md").write_text(page(title="已到发布时间的通知", date=now.strftime("%Y-%m-%d"),
                                                        publish_at=(now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")),
                                                   encoding="utf-8")
    (unit / "content/town/news/later.md").write_text(page(title="明天发布的通知", date=now.strftime("%Y-%m-%d"),
                                                          publish_at=(now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")),
                                                     encoding="utf-8")
    git(unit, "add", "-A")
    git(unit, "commit", "-q", "-m", "定时发布两条通知")
    git(unit, "push", "-q", "origin", "main")

    script = tmp_path / "sitegen-publish"
    script.write_text(documented_script(), encoding="utf-8")
    env = {**os.environ, "SITEGEN_CLUSTER": str(root), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    first = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Deployed release" in first.stdout
    served = tmp_path / "srv1" / "current" / "town" / "news"
    assert (served / "due" / "index.html").exists()  # pulled, built at the real clock, checked, deployed
    assert not (served / "later").exists()
    assert (root / ".sitegen-cache/last-check.json").read_text(encoding="utf-8").startswith("{")
    release = live(tmp_path / "srv1")

    again = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to deploy" in again.stdout and live(tmp_path / "srv1") == release  # no churn every five minutes
