"""sites.yaml and _site.yaml: typed, every error at once, located by line, with suggestions."""
from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, build, make_cluster, run

MINI_YAML = (FIXTURES / "mini" / "sites.yaml").read_text(encoding="utf-8")


def with_yaml(tmp_path: Path, text: str) -> Path:
    return make_cluster(tmp_path, {"sites.yaml": text})


def test_errors_on_unknown_site_key_with_suggestion_and_line(tmp_path):
    text = MINI_YAML.replace("    kind: department\n", "    kind: department\n    titel: 财政\n")
    root = with_yaml(tmp_path, text)
    result = build(root)
    assert result.exit_code == 1
    line = text.splitlines().index("    titel: 财政") + 1
    assert f"sites.yaml:{line}: unknown key 'sites[1].titel'" in result.output
    assert "allowed here:" in result.output


def test_suggests_the_nearest_key(tmp_path):
    root = with_yaml(tmp_path, MINI_YAML.replace("    url: /town/\n", "    ulr: /town/\n"))
    result = build(root)
    assert "unknown key 'sites[2].ulr' (did you mean \"url\"?)" in result.output
    assert "'sites[2].url' is required" in result.output


def test_reports_every_config_error_at_once(tmp_path):
    text = (MINI_YAML.replace("kind: township", "kind: village")
            .replace('site_code: "9900000002"', "site_code: 12345")
            .replace("base_url: https://www.test.gov.cn", "base_url: www.test.gov.cn"))
    result = build(with_yaml(tmp_path, text))
    assert result.exit_code == 1
    assert "sites[2].kind" in result.output
    assert "sites[1].footer.site_code" in result.output
    assert "cluster.base_url" in result.output
    assert "3 problems." in result.output


def test_broken_yaml_in_sites_yaml_names_line_and_column(tmp_path):
    text = MINI_YAML.replace("  name: 测试市网站群", "  name: [测试市网站群")
    result = build(with_yaml(tmp_path, text))
    assert result.exit_code == 1
    assert "config: sites.yaml:" in result.output and "broken YAML" in result.output
    assert "Traceback" not in result.output


def test_requires_exactly_one_portal(tmp_path):
    result = build(with_yaml(tmp_path, MINI_YAML.replace("kind: township", "kind: portal")))
    assert result.exit_code == 1
    assert "exactly one site of kind 'portal', found 2" in result.output


def test_rejects_path_site_colliding_with_portal_column(tmp_path):
    result = build(with_yaml(tmp_path, MINI_YAML.replace("url: /town/", "url: /news/")))
    assert result.exit_code == 1
    assert "'/news/' collides with the portal's own '/news/'" in result.output


def test_rejects_duplicate_site_ids_and_urls(tmp_path):
    text = MINI_YAML.replace("id: town", "id: finance").replace("url: /town/", "url: https://czj.test.gov.cn/")
    result = build(with_yaml(tmp_path, text))
    assert "'finance' is used twice" in result.output
    assert "'https://czj.test.gov.cn/' is used twice" in result.output


def test_site_local_settings_override_sites_yaml(tmp_path):
    root = make_cluster(tmp_path, {"content/town/_site.yaml": "name: 测试镇（新名称）\nfooter: {contact: 镇政府电话 0999-1}\n"})
    assert build(root).exit_code == 0
    home = (root / "build/town/index.html").read_text(encoding="utf-8")
    assert "测试镇（新名称）" in home
    assert "镇政府电话 0999-1" in home
    assert "测ICP备00000001号" in home  # the cluster footer still applies


def test_site_local_file_errors_name_that_file(tmp_path):
    root = make_cluster(tmp_path, {"content/town/_site.yaml": "nmae: x\n"})
    result = build(root)
    assert result.exit_code == 1
    assert "content/town/_site.yaml:1: unknown key 'nmae' (did you mean \"name\"?)" in result.output


def test_missing_sites_yaml_is_a_clear_error(tmp_path):
    result = run(tmp_path, "build")
    assert result.exit_code == 1
    assert "no sites.yaml" in result.output


def test_empty_site_local_file_changes_nothing(tmp_path):
    root = make_cluster(tmp_path, {"content/town/_site.yaml": "# 暂无本地设置\n"})
    assert build(root).exit_code == 0


def test_empty_sites_yaml_reports_what_is_missing(tmp_path):
    result = build(with_yaml(tmp_path, ""))
    assert result.exit_code == 1
    assert "'cluster' is required" in result.output and "'sites' is required" in result.output
