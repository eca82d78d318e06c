"""build --base-url: the whole cluster built for one staging host, never deployable to the production servers."""
from __future__ import annotations

import lxml.html
import yaml

from conftest import make_cluster, run

STAGING = "https://staging.test.gov.cn"


def test_a_staging_build_serves_every_site_from_the_staging_host(tmp_path):
    root = make_cluster(tmp_path)
    result = run(root, "build", "--no-search", "--now", "2026-03-10 12:00", "--base-url", STAGING)
    assert result.exit_code == 0, result.output
    out = root / "build-staging"
    assert not (root / "build").exists()
    # the finance site, on a host of its own in production, is at /finance/ on the staging host
    article = lxml.html.fromstring((out / "finance/news/budget/index.html").read_bytes())
    assert article.xpath("string(//link[@rel='canonical']/@href)") == f"{STAGING}/finance/news/budget/"
    home = (out / "portal/index.html").read_text(encoding="utf-8")
    assert 'href="/finance/news/budget/"' in home and "czj.test.gov.cn" not in home and "www.test.gov.cn" not in home
    assert f"<loc>{STAGING}/town/" in (out / "town/sitemap.xml").read_text(encoding="utf-8")
    assert f"{STAGING}/news/" in (out / "portal/news/feed.xml").read_text(encoding="utf-8")
    nginx = run(root, "nginx-config", "--base-url", STAGING)
    assert "server_name staging.test.gov.cn;" in nginx.output and "location ^~ /finance/" in nginx.output


def test_a_staging_build_for_another_host_replaces_the_last_one_everywhere(tmp_path):
    root = make_cluster(tmp_path)
    assert run(root, "build", "--no-search", "--now", "2026-03-10 12:00", "--base-url", STAGING).exit_code == 0
    other = run(root, "build", "--no-search", "--now", "2026-03-10 12:00", "--base-url", "https://yanshi.test.gov.cn")
    assert other.exit_code == 0, other.output
    out = root / "build-staging"
    assert [p for p in out.rglob("*") if p.is_file() and b"staging.test.gov.cn" in p.read_bytes()] == []
    assert "https://yanshi.test.gov.cn/finance/news/budget/" in (out / "finance/news/budget/index.html").read_text(encoding="utf-8")


def test_a_staging_build_is_never_deployed_to_the_production_servers(tmp_path):
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "deploy:\n  targets:\n    - {name: web1, host: 127.0.0.1, user: u, "
                      "path: /srv/www}\n", encoding="utf-8")
    assert run(root, "build", "--no-search", "--base-url", STAGING).exit_code == 0
    result = run(root, "deploy", "--out", str(root / "build-staging"), "--ignore-check")
    assert result.exit_code == 1
    assert f"holds a public build for the staging host {STAGING} (--base-url)" in result.output
    assert "Nothing was changed on any server." in result.output


def test_staging_and_production_builds_never_share_a_folder(tmp_path):
    root = make_cluster(tmp_path)
    assert run(root, "build", "--no-search").exit_code == 0
    result = run(root, "build", "--no-search", "--out", str(root / "build"), "--base-url", STAGING)
    assert result.exit_code == 1 and "build-staging/" in result.output


def test_an_own_host_site_whose_staging_path_is_taken_is_named(tmp_path):
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    data = config.read_text(encoding="utf-8").replace("  - id: finance\n", "  - id: notices\n")
    config.write_text(data, encoding="utf-8")
    (root / "content/finance").rename(root / "content/notices")
    assert yaml.safe_load(data)["sites"][1]["id"] == "notices"
    result = run(root, "build", "--no-search", "--base-url", STAGING)
    assert result.exit_code == 1
    assert "'/notices/' collides with the portal's own '/notices/'" in result.output
