"""主题分类 and 体裁分类: the valid values, and the messages for invalid ones."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config.schema import DisclosureSpec
from sitegen.config.taxonomy import Taxonomy, load_taxonomy
from sitegen.errors import ConfigError

SMALL = Taxonomy({"综合政务": ("政务公开", "应急管理"), "科技、教育": ("科技", "教育"), "其他": ()},
                 ("通知", "公告", "办法"))


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy(Path("/nonexistent"), DisclosureSpec())


def test_check_topic_accepts_a_top_level_category():
    assert SMALL.check_topic("综合政务") is None
    assert SMALL.check_topic("其他") is None


def test_check_topic_accepts_a_child_written_with_a_backslash():
    assert SMALL.check_topic("综合政务\\政务公开") is None
    assert SMALL.check_topic("科技、教育\\教育") is None


@pytest.mark.parametrize("slash", ["/", "／"])
def test_check_topic_refuses_a_slash_and_shows_the_backslash_form(slash):
    message = SMALL.check_topic(f"综合政务{slash}应急管理")
    assert message is not None
    assert "backslash" in message and "'综合政务\\应急管理'" in message


def test_check_topic_refuses_a_child_of_another_category():
    message = SMALL.check_topic("综合政务\\科技")
    assert message is not None and message.startswith("unknown 主题分类 '综合政务\\科技'")


def test_check_topic_refuses_an_unknown_topic_suggesting_the_nearest():
    assert SMALL.check_topic("综合政务\\政务公示") == "unknown 主题分类 '综合政务\\政务公示' (did you mean \"综合政务\\政务公开\"?)"
    assert SMALL.check_topic("科技教育") == "unknown 主题分类 '科技教育' (did you mean \"科技、教育\"?)"


def test_check_topic_of_something_unlike_any_topic_suggests_nothing():
    assert SMALL.check_topic("xyz") == "unknown 主题分类 'xyz'"


def test_check_topic_refuses_a_child_written_alone():
    assert SMALL.check_topic("政务公开") is not None


def test_check_topic_accepts_every_value_of_all_topics(shipped):
    assert [t for t in shipped.all_topics() if shipped.check_topic(t) is not None] == []


@pytest.mark.parametrize("value", ["科技、教育\\", "科技、教育/"])
def test_check_topic_refuses_a_top_level_followed_by_an_empty_child(value):
    assert SMALL.check_topic(value) is not None


def test_check_genre_accepts_a_listed_genre_only():
    assert SMALL.check_genre("公告") is None
    assert SMALL.check_genre("公告书") == "unknown 体裁分类 '公告书' (did you mean \"公告\"?)"
    assert SMALL.check_genre("xyz") == "unknown 体裁分类 'xyz'"
    assert SMALL.check_genre("") is not None


def test_top_is_the_category_before_the_backslash():
    assert Taxonomy.top("综合政务\\政务公开") == "综合政务"
    assert Taxonomy.top("综合政务") == "综合政务"
    assert Taxonomy.top("") == ""


def test_all_topics_lists_top_levels_in_order_then_children_with_backslashes():
    assert SMALL.all_topics() == ["综合政务", "科技、教育", "其他", "综合政务\\政务公开", "综合政务\\应急管理",
                                  "科技、教育\\科技", "科技、教育\\教育"]


def test_load_taxonomy_without_replacements_is_the_shipped_gov_cn_data(shipped):
    assert len(shipped.topics) == 22
    assert list(shipped.topics)[:2] == ["国务院组织机构", "综合政务"]
    assert "政务公开" in shipped.topics["综合政务"]
    assert {"通知", "公告", "办法", "其他"} <= set(shipped.genres)
    assert shipped.check_topic("财政、金融、审计\\财政") is None


def test_load_taxonomy_reads_replacements_named_in_sites_yaml(tmp_path):
    (tmp_path / "tax").mkdir()
    (tmp_path / "tax/topics.yaml").write_text("本地事务: [街道, 社区]\n", encoding="utf-8")
    (tmp_path / "tax/genres.yaml").write_text("- 简报\n", encoding="utf-8")
    taxonomy = load_taxonomy(tmp_path, DisclosureSpec(topics="tax/topics.yaml", genres="tax/genres.yaml"))
    assert taxonomy == Taxonomy({"本地事务": ("街道", "社区")}, ("简报",), (tmp_path / "tax/topics.yaml", tmp_path / "tax/genres.yaml"))


def test_load_taxonomy_names_a_missing_replacement_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_taxonomy(tmp_path, DisclosureSpec(topics="tax/topics.yaml"))
    assert "taxonomy file not found: tax/topics.yaml" in caught.value.problems[0].message


@pytest.mark.parametrize(("name", "text"), [("topics.yaml", "- 街道\n"), ("topics.yaml", "本地事务: 街道\n"),
                                            ("genres.yaml", "简报: 1\n")])
def test_load_taxonomy_refuses_a_replacement_of_the_wrong_shape(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_taxonomy(tmp_path, DisclosureSpec(**{name.removesuffix(".yaml"): name}))
