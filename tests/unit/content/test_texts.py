"""What the build knows of a page's text without holding it: the folders it may link into, its control characters."""
from __future__ import annotations

import pytest

from sitegen.content.texts import PLAIN, facts_of


@pytest.mark.parametrize(("text", "sites", "named"), [
    ("见[镇集市](../../town/news/market.md)。", {"town"}, True),
    ("见[镇集市](../../town/news/market.md)。", {"own"}, True),  # as "own/" in the text: any run ending so may name it
    ("见[镇集市](../../town/news/market.md)。", {"finance"}, False),
    ("见 https://www.test.gov.cn/d-05/news/a/ 。", {"d-05"}, True),
    ("见[镇集市](../../Town/news/market.md)。", {"town"}, False),  # folders are named exactly
    ("见[附件](%74own/news/market.md)。", {"finance"}, True),  # an escaped link may name any folder
    ('<a href="../%66inance/">财政</a>', {"finance"}, True),
    ("百分之五十（50%）的乡镇/街道", {"finance"}, False),  # a "%" in the text is no link
    ("没有链接的正文。", {"town"}, False),
])
def test_a_text_may_name_a_sites_folder_as_the_text_says(text, sites, named):
    assert facts_of(text).may_name(sites) is named
    assert (f"{next(iter(sites))}/" in text or "](%" in text or "href=\"../%" in text) is named  # as a plain search says


def test_a_control_character_is_found_with_its_line():
    assert facts_of("第一行\n第二行\x07。\n").control == (7, 1)
    assert facts_of("正文。\n").control is None


def test_a_text_with_nothing_to_know_shares_one_value():
    assert facts_of("没有链接的正文。") is PLAIN
