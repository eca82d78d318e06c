"""Front matter held by every page of a large cluster: what pydantic keeps for each model is shared where it is equal."""
from __future__ import annotations

import pickle
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from sitegen.content.frontmatter import parse_meta, shared

TZ = ZoneInfo("Asia/Shanghai")
FRONT = "title: 关于春耕的通知\ndate: 2026-03-01\ndisclosure:\n  doc_no: 示农发〔2026〕3号\n"


def test_equal_sets_of_given_fields_are_one_object_and_still_say_what_was_given():
    one, _ = parse_meta(FRONT, "a.md", TZ)
    two, _ = parse_meta(FRONT.replace("春耕", "秋收"), "b.md", TZ)
    other, _ = parse_meta("title: 通知\n", "c.md", TZ)
    one, two, other = shared(one), shared(pickle.loads(pickle.dumps(two))), shared(other)  # as loaded from the cache
    assert one.model_fields_set == {"title", "date", "disclosure"} and other.model_fields_set == {"title"}
    assert one.model_fields_set is two.model_fields_set
    assert one.disclosure.model_fields_set is two.disclosure.model_fields_set == {"doc_no"}
    assert one.model_dump(exclude_unset=True)["disclosure"] == {"doc_no": "示农发〔2026〕3号"}
    changed = one.model_copy(update={"summary": "摘要"})  # a changed copy has a set of its own
    assert changed.model_fields_set == {"title", "date", "disclosure", "summary"}
    assert two.model_fields_set == {"title", "date", "disclosure"}


def test_a_shared_model_stays_unchangeable():
    meta = shared(parse_meta(FRONT, "a.md", TZ)[0])
    with pytest.raises(ValidationError):
        meta.title = "改了"  # type: ignore[misc]


def test_key_lines_name_each_key_once_for_every_page():
    _, one = parse_meta(FRONT, "a.md", TZ)
    _, two = parse_meta(FRONT, "b.md", TZ)
    assert one == {"title": 2, "date": 3, "disclosure": 4, "disclosure.doc_no": 5}  # lines of the file: "---" is line 1
    assert [a is b for a, b in zip(one, two, strict=True)] == [True] * 4
