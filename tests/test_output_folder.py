"""The output folder: one profile per folder, a stopped build never passes for a finished one, one build at a time."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import NOW, build, make_cluster, page, tree

CANARY = "内部资料-CANARY-7f3a"
SECRET = "content/portal/news/a-secret.md"
ARTICLE = "themes/gov/templates/article.html"


def secret(visibility: str = "internal") -> str:
    return page(f"不得公开：{CANARY}。", title="内部通知", visibility=visibility)


def many_pages(n: int) -> dict[str, str]:
    return {f"content/portal/news/p{i:04d}.md": page(f"第{i}条要闻的正文。", title=f"要闻{i}", date="2026-02-01") for i in range(n)}


def state(out: Path) -> dict:
    return json.loads((out / ".sitegen-state.json").read_text(encoding="utf-8"))


def public_files_with_canary(out: Path) -> list[str]:
    return [rel for rel, data in tree(out).items() if CANARY.encode() in data]


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sitegen.cli", "--root", str(root), "build", "--now", NOW, "--no-search", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def test_an_internal_build_goes_to_its_own_folder_and_never_into_a_public_one(tmp_path):
    root = make_cluster(tmp_path, {SECRET: secret()})
    assert build(root, "--no-search").exit_code == 0
    internal = build(root, "--no-search", "--profile", "internal")
    assert internal.exit_code == 0, internal.output
    assert (root / "build-internal/portal/news/a-secret/index.html").is_file()
    assert public_files_with_canary(root / "build") == []
    refused = build(root, "--no-search", "--profile", "internal", "--out", str(root / "build"))
    assert refused.exit_code == 1
    assert "holds a public build; an internal build (--profile internal) must not write into it" in refused.output
    assert public_files_with_canary(root / "build") == []
    back = build(root, "--no-search", "--out", str(root / "build-internal"), "--site", "finance")
    assert back.exit_code == 1 and "holds an internal build" in back.output
    assert state(root / "build") == {**state(root / "build"), "profile": "public", "complete": True}


def test_a_build_killed_while_writing_is_never_replayed_as_finished(tmp_path):
    root = make_cluster(tmp_path, {SECRET: secret(), **many_pages(1200)})
    assert build(root, "--no-search").exit_code == 0
    config = (root / "sites.yaml").read_text(encoding="utf-8")
    # the internal notice is made public by mistake, and a new site name makes every page render again
    (root / SECRET).write_text(secret("public"), encoding="utf-8")
    (root / "sites.yaml").write_text(config.replace("name: 测试市人民政府", "name: 测试市人民政府（新）"), encoding="utf-8")
    proc = start_build(root, "--jobs", "1")
    wait_for(lambda: (root / "build/portal/news/a-secret/index.html").exists())
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be stopped"
    assert state(root / "build")["complete"] is False
    # the mistake is put right: every source is byte for byte what the last finished build read
    (root / SECRET).write_text(secret(), encoding="utf-8")
    (root / "sites.yaml").write_text(config, encoding="utf-8")
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert not (root / "build/portal/news/a-secret").exists()
    assert public_files_with_canary(root / "build") == []
    assert not list((root / "build").rglob("*.sitegen-tmp"))
    assert state(root / "build")["complete"] is True


def test_a_second_build_into_the_same_folder_is_refused_naming_the_first(tmp_path):
    root = make_cluster(tmp_path, many_pages(800))
    assert build(root, "--no-search").exit_code == 0
    (root / ARTICLE).write_text((root / ARTICLE).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    first = start_build(root, "--jobs", "1")
    lock = root / "build/.sitegen-lock"
    wait_for(lambda: lock.read_text(encoding="utf-8").strip() == str(first.pid))
    second = build(root, "--no-search")
    assert second.exit_code == 1
    assert f"another build is writing into {root / 'build'} (process {first.pid})" in second.output
    output, _ = first.communicate(timeout=120)
    assert first.returncode == 0, output
    clean = tmp_path / "clean"
    assert build(root, "--no-search", "--out", str(clean)).exit_code == 0
    assert tree(root / "build") == tree(clean)


def test_a_failed_build_leaves_the_folder_marked_unfinished_and_the_next_one_does_everything_again(tmp_path):
    root = make_cluster(tmp_path)
    assert build(root, "--no-search").exit_code == 0
    before = tree(root / "build")
    market = root / "content/town/news/market.md"
    market.write_text(market.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造全部完成。"), encoding="utf-8")
    template = (root / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(template.replace("{% block main %}", "{% block main %}{{ 1 // 0 }}"), encoding="utf-8")
    assert build(root, "--no-search").exit_code == 1
    assert tree(root / "build") == before and state(root / "build")["complete"] is False
    (root / ARTICLE).write_text(template, encoding="utf-8")
    assert build(root, "--no-search").exit_code == 0
    assert "集市改造全部完成" in (root / "build/town/news/market/index.html").read_text(encoding="utf-8")
    assert state(root / "build")["complete"] is True


def test_a_read_only_output_folder_is_a_message_not_a_traceback(tmp_path):
    if os.geteuid() == 0:  # root writes anyway: make the folder a file instead, which no one can write into
        root = make_cluster(tmp_path, {"build": "not a folder"})
        result = build(root, "--no-search")
        assert result.exit_code == 1 and "is a file" in result.output
        return
    root = make_cluster(tmp_path)
    (root / "build").mkdir()
    (root / "build").chmod(0o500)
    result = build(root, "--no-search")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_drafts_never_share_a_folder_with_a_public_build_and_a_site_build_cannot_clear_the_record(tmp_path):
    root = make_cluster(tmp_path, {"content/town/news/draft.md": page(f"草稿：{CANARY}", title="草稿", draft=True)})
    assert build(root, "--no-search").exit_code == 0
    mixed = build(root, "--no-search", "--drafts", "--out", str(root / "build"))
    assert mixed.exit_code == 1 and "holds a public build; a public build with drafts (--drafts) must not write into it" in mixed.output
    assert public_files_with_canary(root / "build") == []
    assert build(root, "--no-search", "--drafts").exit_code == 0  # its own folder
    assert public_files_with_canary(root / "build-drafts") != []


def test_a_build_for_a_moment_to_come_is_remembered_by_later_site_builds(tmp_path):
    from sitegen.write.folder import read_state

    root = make_cluster(tmp_path, {"content/town/news/later.md": page("定时发布。", title="定时", publish_at="2031-01-01")})
    assert run_build(root, "2031-06-01").exit_code == 0
    assert (root / "build/town/news/later/index.html").is_file()
    assert run_build(root, "2026-03-10 12:00", "--site", "finance").exit_code == 0
    state = read_state(root / "build")
    assert state is not None and state.ahead()  # the town's scheduled page is still in the folder


def run_build(root: Path, now: str, *args: str):
    from conftest import run

    return run(root, "build", "--now", now, "--no-search", *args)
