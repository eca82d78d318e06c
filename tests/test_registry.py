"""The output registry: every URL is wanted by one thing only, and a clash names both sides."""
from __future__ import annotations

import pytest

from conftest import FIXTURES, assert_refused, build, make_cluster, page, run, write_files

MINI_YAML = (FIXTURES / "mini" / "sites.yaml").read_text(encoding="utf-8")
PORTAL_COLUMNS = "      - {id: news, title: 政务要闻, type: news}\n"
INNER_SITE = "  - {id: inner, name: 内嵌站点, kind: department, url: /town/news/}\n"

CLASHES = {
    "column at the tag pages": (
        {"sites.yaml": MINI_YAML.replace(PORTAL_COLUMNS, PORTAL_COLUMNS + "      - {id: tags, title: 标签栏目, type: news}\n")},
        ["column 'tags' of site 'portal' wants the URL /tags/", "the tag pages"],
    ),
    "column at the search page": (
        {"sites.yaml": MINI_YAML.replace(PORTAL_COLUMNS, PORTAL_COLUMNS + "      - {id: search, title: 查询, type: news}\n")},
        ["column 'search'", "the search page"],
    ),
    "column at the cluster navigation": (
        {"sites.yaml": MINI_YAML.replace(PORTAL_COLUMNS, PORTAL_COLUMNS + "      - {id: sites, title: 站点, type: general}\n")},
        ["column 'sites'", "the cluster navigation"],
    ),
    "page beside its column": (
        {"content/portal/news.md": page("同名页面。", title="要闻")},
        ["content/portal/news.md", "wants the URL /news/, which belongs to column 'news'"],
    ),
    "page at the sitemap": (
        {"content/portal/sitemap.xml.md": page("站点地图。", title="网站地图")},
        ["content/portal/sitemap.xml.md", "/sitemap.xml/", "the sitemap"],
    ),
    "page at a feed": (
        {"content/portal/feed.xml.md": page("订阅。", title="订阅")},
        ["content/portal/feed.xml.md", "the feeds"],
    ),
    "page at a listing's pages": (
        {"content/portal/news/page.md": page("分页。", title="分页")},
        ["content/portal/news/page.md", "/news/page/", "the column listings"],
    ),
    "page at a catalogue facet": (
        {"content/portal/disclosure/topic.md": page("主题。", title="主题", disclosure={"topic": "综合政务", "genre": "通知"})},
        ["content/portal/disclosure/topic.md", "/disclosure/topic/", "the disclosure pages of column 'disclosure'"],
    ),
    "page at a catalogue's pages": (
        {"content/portal/disclosure/page.md": page("分页。", title="分页", disclosure={"topic": "综合政务", "genre": "通知"})},
        ["content/portal/disclosure/page.md", "/disclosure/page/", "the disclosure pages of column 'disclosure'"],
    ),
    "attachment named like its page": (
        {"content/portal/news/index.html": "<p>附件</p>",
         "content/portal/news/first.md": page("要闻正文。", title="第一条要闻", attachments=["index.html"])},
        ["two outputs want the file portal/news/first/index.html", "content/portal/news/first.md"],
    ),
    "site inside another site": (
        {"sites.yaml": MINI_YAML + INNER_SITE},
        ["site 'inner' at '/town/news/' lies inside site 'town' at '/town/'"],
    ),
    "site at the portal's own address": (
        {"sites.yaml": MINI_YAML.replace("url: https://czj.test.gov.cn/", "url: https://www.test.gov.cn/")},
        ["site 'finance' at '/' has the same address as site 'portal'"],
    ),
    "site at an output the portal owns": (
        {"sites.yaml": MINI_YAML.replace("url: /town/", "url: /tags/")},
        ["sites.yaml:33: sites[2].url: site 'town' at '/tags/': '/tags/' collides with the portal's own '/tags/' (the tag pages)"],
    ),
    "site at a page of the portal": (
        {"sites.yaml": MINI_YAML.replace("url: /town/", "url: /about/"), "content/portal/about.md": page("关于。", title="关于")},
        ["'/about/' collides with the portal's own '/about/' (content/portal/about.md)"],
    ),
}


@pytest.mark.parametrize("case", list(CLASHES), ids=list(CLASHES))
def test_two_things_wanting_one_url_is_an_error_naming_both_and_nothing_is_written(tmp_path, case):
    files, expected = CLASHES[case]
    assert_refused(make_cluster(tmp_path), lambda root: write_files(root, files), expected)


def test_a_column_id_may_be_any_free_name(tmp_path):
    yaml = MINI_YAML.replace(PORTAL_COLUMNS, PORTAL_COLUMNS + "      - {id: tagsets, title: 专题标签, type: news}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml, "content/portal/tagsets/a.md": page("正文。", title="专题")})
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert (root / "build/portal/tagsets/a/index.html").is_file()


def test_reserved_names_come_from_the_registry():
    from sitegen.config.model import Column
    from sitegen.config.schema import ColumnType
    from sitegen.outputs.registry import PRODUCERS, reserved, reserved_in_column

    class Kind:
        kind = "portal"

    portal = reserved(Kind())  # type: ignore[arg-type]
    owned = {name for p in PRODUCERS for name in p.owns}
    assert set(portal) == owned
    assert {"tags", "sites", "search", "static", "pagefind", "feed.xml", "sitemap.xml", "sitemap_index.xml"} <= set(portal)
    Kind.kind = "department"
    assert "sites" not in reserved(Kind()) and "sitemap_index.xml" not in reserved(Kind())  # type: ignore[arg-type]
    news, xxgk = Column("news", "要闻", ColumnType.news, 20), Column("xxgk", "公开", ColumnType.disclosure, 20)
    listing = reserved_in_column(Kind(), news)  # type: ignore[arg-type]
    department_catalogue = reserved_in_column(Kind(), xxgk)  # type: ignore[arg-type]
    Kind.kind = "portal"
    portal_catalogue = reserved_in_column(Kind(), xxgk)  # type: ignore[arg-type]
    assert {"page", "feed.xml", "atom.xml"} <= set(listing) and "topic" not in listing
    assert {"topic", "genre", "year", "validity", "catalogue.json", "catalogue.csv", "feed.xml"} <= set(department_catalogue)
    assert "page" in department_catalogue  # the catalogue's own pages
    assert "cluster" not in department_catalogue  # only the portal has the cluster catalogue
    assert "cluster" in portal_catalogue


def test_names_a_column_type_does_not_write_are_free_for_pages(tmp_path):
    yaml = MINI_YAML.replace("    url: /town/\n", "    url: /town/\n    org_code: 11990000MB0000201K\n    columns:\n"
                             "      - {id: news, title: 镇动态, type: news}\n      - {id: xxgk, title: 政府信息公开, type: disclosure}\n")
    root = make_cluster(tmp_path, {
        "sites.yaml": yaml,  # a township's catalogue has no cluster catalogue: 'cluster' is free there
        "content/town/xxgk/cluster.md": page("正文。", title="集群说明", disclosure={"topic": "综合政务", "genre": "通知"}),
    })
    result = build(root, "--no-search")
    assert result.exit_code == 0, result.output
    assert (root / "build/town/xxgk/cluster/index.html").is_file()


def test_every_setting_a_producer_declares_is_a_key_of_sites_yaml():
    from sitegen.config.schema import ConfigFile
    from sitegen.outputs.registry import COLUMN_PRODUCERS, PRODUCERS
    from sitegen.sources.validation import fields_at

    declared = [s for p in PRODUCERS for s in p.settings] + [s for c in COLUMN_PRODUCERS.values() for s in c.settings]
    assert "defaults.feed_items" in declared and "disclosure.index_format" in declared
    for setting in declared:
        *parents, key = setting.replace("[]", "").split(".")
        assert key in fields_at(ConfigFile, parents), setting


def test_an_address_with_its_default_port_is_the_same_address(tmp_path):
    yaml = MINI_YAML.replace("url: /town/", "url: https://czj.test.gov.cn:443/").replace("url: https://czj.test.gov.cn/", "url: https://czj.test.gov.cn/")
    root = make_cluster(tmp_path, {"sites.yaml": yaml})
    result = build(root, "--no-search")
    assert result.exit_code == 1
    assert "site 'town' at '/' has the same address as site 'finance' (https://czj.test.gov.cn/)" in result.output
    nginx = run(root, "nginx-config")
    assert nginx.exit_code == 1 and "has the same address as site 'finance'" in nginx.output
