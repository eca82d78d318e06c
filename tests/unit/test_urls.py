"""sitegen.urls: where every page lives and how other pages link to it."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import urls


@pytest.fixture
def portal(make_site):
    return make_site("portal")


@pytest.fixture
def town(make_site):
    """A site mounted under a path of the portal's host."""
    return make_site("town", prefix="/town/", kind="township")


@pytest.fixture
def finance(make_site):
    """A site on a host of its own."""
    return make_site("finance", origin="https://czj.test.gov.cn")


@pytest.mark.parametrize("slug", ["market", "2026-03-budget", "v1.2", "_intro", "政务公开", "通知-2026"])
def test_is_safe_slug_accepts_one_plain_path_segment(slug):
    assert urls.is_safe_slug(slug)


@pytest.mark.parametrize("slug", ["", "..", "a..b", ".hidden", "-lead", "a/b", "a\\b", "a b", "/etc", "x?y", "%2e%2e"])
def test_is_safe_slug_refuses_what_could_climb_out_or_is_not_one_segment(slug):
    assert not urls.is_safe_slug(slug)


@pytest.mark.parametrize(("tag", "slug"), [
    ("经济发展", "经济发展"),
    ("人工智能、大数据", "人工智能-大数据"),
    ("COVID-19", "covid-19"),
    ("  Open Data!  ", "open-data"),
    ("a.b/c", "a-b-c"),
    ("C++", "c"),
])
def test_tag_slug_keeps_word_characters_chinese_included_and_joins_the_rest_with_dashes(tag, slug):
    assert urls.tag_slug(tag) == slug


@pytest.mark.parametrize("tag", ["", "   ", "!!!", "、。"])
def test_tag_slug_of_a_tag_without_word_characters_is_tag(tag):
    assert urls.tag_slug(tag) == "tag"


@given(st.text())
def test_tag_slug_is_always_a_safe_slug(tag):
    assert urls.is_safe_slug(urls.tag_slug(tag))


def test_path_is_the_site_prefix_and_rel_left_as_it_is_when_plain(town):
    assert urls.path(town) == "/town/"
    assert urls.path(town, "news/market/?page=2#top") == "/town/news/market/?page=2#top"


def test_path_percent_encodes_chinese_and_spaces(portal):
    assert urls.path(portal, "tags/经济/") == "/tags/%E7%BB%8F%E6%B5%8E/"
    assert urls.path(portal, "news/a b/") == "/news/a%20b/"
    assert urls.path(portal, "news/100%/") == "/news/100%25/"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the factory keeps no state
@given(rel=st.text())
def test_path_encodes_exactly_as_quote_would(town, rel):
    # the plain-text shortcut is only a speed-up: it must never give another URL
    assert urls.path(town, rel) == quote("/town/" + rel, safe="/#?=&")


def test_absolute_is_the_site_origin_then_its_path(town, finance):
    assert urls.absolute(town, "news/market/") == "https://www.test.gov.cn/town/news/market/"
    assert urls.absolute(finance) == "https://czj.test.gov.cn/"
    assert urls.absolute(finance, "tags/预算/") == "https://czj.test.gov.cn/tags/%E9%A2%84%E7%AE%97/"


def test_href_between_sites_on_one_host_is_root_relative(portal, town):
    assert urls.href(portal, town, "news/market/") == "/town/news/market/"
    assert urls.href(town, portal, "news/first/") == "/news/first/"
    assert urls.href(town, town, "") == "/town/"


def test_href_to_a_site_on_another_host_is_absolute_both_ways(portal, finance):
    assert urls.href(portal, finance, "news/budget/") == "https://czj.test.gov.cn/news/budget/"
    assert urls.href(finance, portal, "news/first/") == "https://www.test.gov.cn/news/first/"


@pytest.mark.parametrize(("rel", "file"), [
    ("", "town/index.html"),
    ("news/", "town/news/index.html"),
    ("news/page/2/", "town/news/page/2/index.html"),
    ("404.html", "town/404.html"),
    ("feed.xml", "town/feed.xml"),
    ("news/market/plan.pdf", "town/news/market/plan.pdf"),
])
def test_output_file_is_under_the_site_id_with_index_html_for_folders(town, rel, file):
    assert urls.output_file(town, rel) == file


def test_output_file_uses_the_site_id_not_its_url_prefix(make_site):
    site = make_site("finance", prefix="/czj/")
    assert urls.output_file(site, "news/") == "finance/news/index.html"


def test_page_rel_of_page_one_is_the_listing_itself():
    assert urls.page_rel("news/", 1) == "news/"
    assert urls.page_rel("", 1) == ""


def test_page_rel_of_later_pages_adds_page_n():
    assert urls.page_rel("news/", 2) == "news/page/2/"
    assert urls.page_rel("tags/经济/", 12) == "tags/经济/page/12/"
    assert urls.page_rel("", 3) == "page/3/"
