"""paginate: a listing split into pages, each knowing its URL and its neighbours'."""
from __future__ import annotations

import pytest

from sitegen.outputs.pages import paginate


def _items(n: int) -> list[str]:
    return [f"item-{i}" for i in range(1, n + 1)]  # paginate only slices: any items do


def test_paginate_an_empty_listing_still_has_page_one():
    pagers = list(paginate("news/", [], 20))
    assert [(p.number, p.total, p.items) for p in pagers] == [(1, 1, [])]
    assert pagers[0].rel(1) == "news/"


def test_paginate_puts_size_items_on_each_page_and_the_rest_on_the_last():
    pagers = list(paginate("news/", _items(5), 2))
    assert [p.items for p in pagers] == [["item-1", "item-2"], ["item-3", "item-4"], ["item-5"]]
    assert [(p.number, p.total) for p in pagers] == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(("count", "size", "pages"), [(1, 1, 1), (2, 2, 1), (4, 2, 2), (40, 20, 2), (41, 20, 3)])
def test_paginate_an_exact_multiple_of_the_page_size_has_no_empty_last_page(count, size, pages):
    pagers = list(paginate("news/", _items(count), size))
    assert len(pagers) == pages
    assert all(p.items for p in pagers)
    assert [i for p in pagers for i in p.items] == _items(count)


def test_pager_rel_is_the_listing_for_page_one_and_page_n_below_it_after():
    pagers = list(paginate("tags/经济/", _items(3), 1))
    assert [p.rel(p.number) for p in pagers] == ["tags/经济/", "tags/经济/page/2/", "tags/经济/page/3/"]


def test_pager_rel_links_any_page_of_the_listing_from_any_other():
    third = list(paginate("news/", _items(6), 2))[2]
    assert (third.rel(third.number - 1), third.rel(1)) == ("news/page/2/", "news/")
