"""Deploy with real servers on loopback: two sshd targets, rsync, and nginx serving the live release."""
from __future__ import annotations

import gzip
import os
import subprocess
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from servers import NGINX, RSYNC, SSHD, Nginx, free_port, start_nginx, start_sshd

from conftest import FIXTURES, build, make_cluster, page, run

MINI_YAML = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8")


@pytest.fixture
def servers(tmp_path):
    """Two sshd targets on loopback, each with its own release root."""
    from conftest import need

    for binary, what in ((SSHD, "sshd"), (RSYNC, "rsync")):
        need(binary, what)
    started = [start_sshd(tmp_path / f"ssh{i}") for i in (1, 2)]
    yield started
    for server in started:
        server.stop()


def target_yaml(name: str, server, path: Path, **extra: object) -> str:
    fields = {"name": name, "host": "127.0.0.1", "port": server.port, "user": server.user, "key": str(server.key),
              "known_hosts": str(server.known_hosts), "path": str(path), **extra}
    return "    - {" + ", ".join(f"{k}: {v!r}" if isinstance(v, str) else f"{k}: {v}" for k, v in fields.items()) + "}\n"


def deploy_cluster(tmp_path: Path, servers, keep: int = 3, files: dict | None = None, **web2: object) -> Path:
    text = MINI_YAML + f"deploy:\n  keep: {keep}\n  targets:\n"
    text += target_yaml("web1", servers[0], tmp_path / "srv1") + target_yaml("web2", servers[1], tmp_path / "srv2", **web2)
    root = make_cluster(tmp_path, {"sites.yaml": text, **current_news(), **(files or {})})
    assert build(root).exit_code == 0
    return root


def current_news() -> dict[str, str]:
    """Return an item of yesterday for every site's news: the cluster passes the inspection deploy runs first."""
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    return {f"content/{site}/news/current.md": page(title="本周工作动态", date=yesterday) for site in ("portal", "finance", "town")}


def live(release_root: Path) -> str:
    return os.readlink(release_root / "current")


def fetch(port: int, host: str, path: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host, **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def nginx_for(tmp_path):
    """Start nginx with `sitegen nginx-config --standalone` for a release root; stop it afterwards."""
    need_nginx()
    running = []

    def start(root: Path, release_root: Path):
        running.append(serve_release(root, release_root, tmp_path / "nginx"))
        return running[-1].port

    yield start
    for server in running:
        server.stop()


def serve_release(root: Path, release_root: Path, prefix: Path) -> Nginx:
    """Start nginx on a free port with what `sitegen nginx-config --standalone` writes for a release root."""
    port = free_port()
    prefix.mkdir(exist_ok=True)
    conf = prefix / "nginx.conf"
    result = run(root, "nginx-config", "--standalone", "--root", str(release_root), "--listen", f"127.0.0.1:{port}",
                 "--prefix", str(prefix), "--user", "root", "--out", str(conf))
    assert result.exit_code == 0, result.output
    check = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(prefix)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return start_nginx(conf, prefix, port)


def need_nginx() -> None:
    from conftest import need

    need(NGINX, "nginx")


def test_deploy_then_serve_change_and_roll_back(tmp_path, servers, nginx_for):
    root = deploy_cluster(tmp_path, servers)
    result = run(root, "deploy")
    assert result.exit_code == 0, result.output
    assert "Deployed release " in result.output and "It is live." in result.output
    first = live(tmp_path / "srv1")
    assert first == live(tmp_path / "srv2") and first.startswith("releases/")
    port = nginx_for(root, tmp_path / "srv1")
    status, _, body = fetch(port, "www.test.gov.cn", "/")
    assert status == 200 and "测试市人民政府".encode() in body
    assert fetch(port, "www.test.gov.cn", "/town/news/market/")[0] == 200
    assert "财政预算执行情况".encode() in fetch(port, "czj.test.gov.cn", "/news/budget/")[2]

    market = root / "content/town/news/market.md"
    market.write_text(market.read_text(encoding="utf-8").replace("集市改造完成。", "集市改造已经全部完成。"), encoding="utf-8")
    assert build(root).exit_code == 0
    second = run(root, "deploy")
    assert second.exit_code == 0, second.output
    assert "集市改造已经全部完成".encode() in fetch(port, "www.test.gov.cn", "/town/news/market/")[2]
    listing = run(root, "releases")
    assert listing.exit_code == 0 and listing.output.count("live") == 2  # one live release per target

    back = run(root, "rollback")
    assert back.exit_code == 0, back.output
    assert live(tmp_path / "srv1") == first == live(tmp_path / "srv2")
    assert "集市改造完成".encode() in fetch(port, "www.test.gov.cn", "/town/news/market/")[2]


def test_nginx_serves_404_pages_caching_gzip_and_security_headers(tmp_path, servers, nginx_for):
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    port = nginx_for(root, tmp_path / "srv1")
    status, _, body = fetch(port, "www.test.gov.cn", "/town/no-such-page/")
    assert status == 404 and "测试镇人民政府".encode() in body and "页面未找到".encode() in body
    status, _, body = fetch(port, "czj.test.gov.cn", "/nothing")
    assert status == 404 and "测试市财政局".encode() in body
    status, headers, _ = fetch(port, "www.test.gov.cn", "/news/first/")
    assert headers["Cache-Control"] == "public, max-age=300"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # no HTTPS configured
    css = next((tmp_path / "srv1/current/portal/static/css").glob("site.*.css")).name
    status, headers, _ = fetch(port, "www.test.gov.cn", f"/static/css/{css}")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    status, headers, body = fetch(port, "www.test.gov.cn", "/", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip" and "测试市人民政府".encode() in gzip.decompress(body)


def test_csp_lets_the_theme_and_search_work(tmp_path, servers, nginx_for, browser):
    root = deploy_cluster(tmp_path, servers)
    # plain http, as the proxy below serves it: the portal's search also reads the index on the finance site's host
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://", "http://"), encoding="utf-8")
    assert build(root).exit_code == 0
    assert run(root, "deploy").exit_code == 0
    port = nginx_for(root, tmp_path / "srv1")
    # the browser asks nginx for http://www.test.gov.cn/... as its proxy: nginx picks the server by host
    context = browser.new_context(proxy={"server": f"http://127.0.0.1:{port}"})
    tab = context.new_page()
    violations = []
    tab.on("console", lambda msg: violations.append(msg.text) if msg.type in ("error", "warning") else None)
    tab.goto("http://www.test.gov.cn/search/?q=预算")
    tab.wait_for_selector(".search-results li")
    assert "http://czj.test.gov.cn/news/budget/" in tab.locator(".search-results h2 a").evaluate_all("l => l.map(a => a.href)")
    assert tab.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert violations == []
    context.close()


def test_failed_upload_to_one_target_switches_no_target(tmp_path, servers, nginx_for):
    # web2's rsync is killed 1 s into an upload slowed to 50 KiB/s: the connection drops mid-transfer
    # (dry runs, whose server flags start with -n, are let through)
    killer = tmp_path / "rsync-killed"
    killer.write_text('#!/bin/sh\ncase "$2" in -n*) exec rsync "$@";; esac\nexec timeout -s KILL 1 rsync "$@"\n')
    killer.chmod(0o755)
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    before = (live(tmp_path / "srv1"), live(tmp_path / "srv2"))
    port = nginx_for(root, tmp_path / "srv1")
    text = root / "sites.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace(f"path: '{tmp_path / 'srv2'}'",
                                                             f"path: '{tmp_path / 'srv2'}', rsync_path: '{killer}', bwlimit: 50"),
                    encoding="utf-8")
    (root / "content/portal/notices/big.bin").write_bytes(os.urandom(400_000))
    notice = root / "content/portal/notices/notice.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("  - {file: plan.pdf, title: 测试方案}",
                                                                 "  - {file: plan.pdf, title: 测试方案}\n  - big.bin"), encoding="utf-8")
    assert build(root).exit_code == 0
    result = run(root, "deploy")
    assert result.exit_code == 1
    assert "target web2" in result.output and "no target was switched" in result.output
    assert (live(tmp_path / "srv1"), live(tmp_path / "srv2")) == before
    assert not list((tmp_path / "srv1/releases").glob("*.partial")) and not list((tmp_path / "srv2/releases").glob("*.partial"))
    assert fetch(port, "www.test.gov.cn", "/notices/notice/big.bin")[0] == 404  # still the old release


def test_dry_run_lists_uploads_and_deletes_with_reasons_and_changes_nothing(tmp_path, servers):
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    before = live(tmp_path / "srv1")
    (root / "content/portal/news/third.md").unlink()
    second = root / "content/portal/news/second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert build(root).exit_code == 0
    result = run(root, "deploy", "--dry-run", "--target", "web1")
    assert result.exit_code == 0, result.output
    assert "web1 (" in result.output and "web2 (" not in result.output
    assert "upload  portal/news/second/index.html  (content changed" in result.output
    assert "delete  portal/news/third/index.html  (no longer in the build)" in result.output
    assert "Dry run: nothing was changed" in result.output
    assert live(tmp_path / "srv1") == before and len(list((tmp_path / "srv1/releases").iterdir())) == 1


def test_upload_sends_only_what_changed_and_hard_links_the_rest(tmp_path, servers):
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    second = root / "content/town/news/market.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    assert build(root).exit_code == 0
    result = run(root, "deploy", "--target", "web1")
    assert result.exit_code == 0
    sent = int(result.output.split(": ", 1)[1].split(" files sent")[0])
    total = sum(1 for p in (root / "build").rglob("*") if p.is_file())
    assert 0 < sent < total / 2, (sent, total)  # the town's pages and feeds, the portal home, two search indexes
    plan = run(root, "deploy", "--dry-run", "--target", "web1").output
    assert "0 to upload, 0 to delete" in plan  # nothing left to send
    releases = sorted((tmp_path / "srv1/releases").iterdir())
    old, new = releases[0] / "finance/index.html", releases[1] / "finance/index.html"
    assert os.stat(old).st_ino == os.stat(new).st_ino  # unchanged file: one inode, two releases


def test_site_subset_deploy_keeps_other_sites_as_live(tmp_path, servers):
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    first = tmp_path / "srv1" / live(tmp_path / "srv1")
    for rel in ("content/town/news/market.md", "content/portal/news/first.md"):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + "\n新内容。\n", encoding="utf-8")
    assert build(root).exit_code == 0
    assert run(root, "deploy", "--site", "town").exit_code == 0
    current = tmp_path / "srv1/current"
    assert "新内容".encode() in (current / "town/news/market/index.html").read_bytes()
    assert (current / "portal/news/first/index.html").read_bytes() == (first / "portal/news/first/index.html").read_bytes()


def test_old_releases_are_pruned_but_never_the_live_or_previous(tmp_path, servers):
    root = deploy_cluster(tmp_path, servers, keep=2)
    for _ in range(4):
        assert run(root, "deploy", "--target", "web1").exit_code == 0
    names = sorted(p.name for p in (tmp_path / "srv1/releases").iterdir())
    assert len(names) == 2 and live(tmp_path / "srv1") == f"releases/{names[-1]}"
    assert run(root, "rollback", "--target", "web1").exit_code == 0
    assert run(root, "deploy", "--target", "web1").exit_code == 0
    names_after = sorted(p.name for p in (tmp_path / "srv1/releases").iterdir())
    assert names[0] in names_after  # the release that was live before this deploy stays
    assert run(root, "rollback", "--target", "web1").exit_code == 0
    assert live(tmp_path / "srv1") == f"releases/{names[0]}"  # rollback returns to what was live


def test_rollback_to_a_named_release_and_to_an_unknown_one(tmp_path, servers):
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    first = live(tmp_path / "srv1").removeprefix("releases/")
    assert run(root, "deploy").exit_code == 0
    assert run(root, "rollback", "--to", first).exit_code == 0
    assert live(tmp_path / "srv2") == f"releases/{first}"
    bad = run(root, "rollback", "--to", "20990101T000000000Z-deadbeef")
    assert bad.exit_code == 1 and "has no release 20990101T000000000Z-deadbeef" in bad.output
    assert "nothing was switched" in bad.output and live(tmp_path / "srv1") == f"releases/{first}"


@pytest.mark.parametrize("case", ["unknown_target", "unreachable", "wrong_key", "no_build", "not_a_release_root"])
def test_bad_deploy_input_changes_nothing(tmp_path, servers, case):
    root = deploy_cluster(tmp_path, servers)
    args, expected = ["deploy"], ""
    if case == "unknown_target":
        args, expected = ["deploy", "--target", "web3"], '--target web3: no such target (did you mean "web'
    elif case == "unreachable":
        servers[1].stop()
        expected = f"cannot reach target web2 (127.0.0.1:{servers[1].port})"
    elif case == "wrong_key":
        other = tmp_path / "other_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
        text = (root / "sites.yaml").read_text(encoding="utf-8").replace(str(servers[1].key), str(other))
        (root / "sites.yaml").write_text(text, encoding="utf-8")
        expected = "target web2 (127.0.0.1"
    elif case == "no_build":
        import shutil

        shutil.rmtree(root / "build")
        expected = "no build of "
    elif case == "not_a_release_root":
        (tmp_path / "srv2").mkdir()
        (tmp_path / "srv2/index.html").write_text("someone else's site")
        expected = "not a sitegen release root"
    result = run(root, "deploy")  if case != "unknown_target" else run(root, *args)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "srv1/current").exists()
    if case == "wrong_key":
        assert "refused the key" in result.output
    if case == "not_a_release_root":
        assert sorted(p.name for p in (tmp_path / "srv2").iterdir()) == ["index.html"]


def test_stale_build_is_deployed_with_a_warning(tmp_path, servers):
    root = deploy_cluster(tmp_path, servers)
    first = root / "content/portal/news/first.md"
    first.write_text(first.read_text(encoding="utf-8") + "\n未构建的修改。\n", encoding="utf-8")
    result = run(root, "deploy", "--dry-run")
    assert result.exit_code == 0
    assert "warning" in result.output and "the build is older than the sources (content/portal/news/first.md" in result.output


def test_https_config_redirects_and_sends_hsts(tmp_path):
    need_nginx()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=www.test.gov.cn",
                           "-keyout", str(key), "-out", str(cert)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("openssl cannot make a test certificate")
    text = MINI_YAML + f"deploy:\n  nginx: {{certificate: '{cert}', certificate_key: '{key}'}}\n"
    root = make_cluster(tmp_path, {"sites.yaml": text})
    prefix = tmp_path / "ngx"
    (prefix / "tmp").mkdir(parents=True)
    conf = prefix / "nginx.conf"
    assert run(root, "nginx-config", "--standalone", "--prefix", str(prefix), "--listen", "127.0.0.1:8443",
               "--root", str(tmp_path / "srv"), "--out", str(conf)).exit_code == 0
    config = conf.read_text()
    assert "listen 127.0.0.1:8443 ssl http2;" in config and "Strict-Transport-Security" in config
    assert "return 301 https://$host$request_uri;" in config
    check = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(prefix)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_a_failed_build_does_not_make_an_old_build_look_current(built):
    from sitegen.config.loader import load_config
    from sitegen.deploy import releases as deploy

    root = built.parent
    time.sleep(0.02)
    (root / "content/town/news/market.md").write_text(page("新内容。", title="改了", date="2026-02-30"), encoding="utf-8")
    assert build(root).exit_code == 1  # an impossible date: nothing is built
    warnings = deploy.check_build(load_config(root), built, {"portal", "town"})
    assert warnings and "older than the sources" in warnings[0].message


CANARY = "内部通知-CANARY-0d4e"


@pytest.mark.parametrize("case, said", [
    ("internal", "holds an internal build (--profile internal): only a finished public build may go to the web servers"),
    ("drafts", "holds a public build with drafts (--drafts)"),
    ("unfinished", "holds a public build that did not finish"),
    ("future", "was built for a moment still to come (--now)"),
    ("locked", "another build is writing into"),
])
def test_deploy_refuses_anything_but_a_finished_public_build(tmp_path, servers, case, said):
    secret = page(f"不得上网：{CANARY}", title="内部通知", visibility="internal")
    draft = page(f"草稿：{CANARY}", title="草稿", draft=True)
    root = deploy_cluster(tmp_path, servers, files={"content/portal/news/secret.md": secret, "content/portal/news/draft.md": draft})
    args: list[str] = []
    if case == "internal":
        assert build(root, "--profile", "internal").exit_code == 0
        args = ["--out", str(root / "build-internal")]
    elif case == "drafts":
        assert build(root, "--drafts", "--out", str(tmp_path / "preview")).exit_code == 0
        args = ["--out", str(tmp_path / "preview")]
    elif case == "future":  # a scheduled notice the build publishes early
        (root / "content/portal/news/later.md").write_text(page("定时发布。", title="定时", publish_at="2098-01-01"), encoding="utf-8")
        assert build(root, "--now", "2099-01-01 00:00").exit_code == 0
    elif case == "locked":
        from sitegen.write.folder import locked

        held = locked(root / "build")
        held.__enter__()
    else:
        template = root / "themes/gov/templates/article.html"
        template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ 1 // 0 }}"),
                            encoding="utf-8")
        (root / "content/town/news/market.md").write_text(page("改过的正文。", title="集市"), encoding="utf-8")
        assert build(root).exit_code == 1
    result = run(root, "deploy", *args)
    assert result.exit_code == 1, result.output
    assert said in result.output and "Nothing was changed on any server." in result.output
    assert not (tmp_path / "srv1").exists() and not (tmp_path / "srv2").exists()


def test_a_site_the_inspection_fails_is_not_deployed_unless_ignore_check(tmp_path, servers):
    stale = page(title="镇集市升级改造完成", date="2026-03-04")  # the town's newest item: long before the real clock
    root = deploy_cluster(tmp_path, servers, files={"content/town/news/current.md": stale})
    refused = run(root, "deploy")
    assert refused.exit_code == 1
    assert "town (测试镇人民政府) is 不合格 now: homepage-stale: single veto (单项否决)" in refused.output
    assert "portal" not in refused.output.split("Nothing was changed")[0]  # the sites that pass are not named
    assert "deploy anyway with --ignore-check" in refused.output
    assert not (tmp_path / "srv1" / "current").exists() and not (tmp_path / "srv2" / "current").exists()
    assert run(root, "deploy", "--dry-run").exit_code == 1  # a dry run says the same before listing uploads
    assert run(root, "deploy", "--site", "portal", "--site", "finance").exit_code == 0  # the town's live site is left alone
    forced = run(root, "deploy", "--ignore-check")
    assert forced.exit_code == 0, forced.output
    assert "town (测试镇人民政府) is 不合格 now" in forced.output and "deploying all the same" in forced.output
    assert live(tmp_path / "srv1") == live(tmp_path / "srv2")
