"""Digester: equal inputs give equal digests, and any change an output could show gives another digest."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path

import jinja2
import pytest

from sitegen.config.schema import ColumnType, Footer
from sitegen.content.page import Attachment
from sitegen.incremental.fingerprint import Digester


@dataclass(frozen=True)
class Point:
    x: int
    label: str


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


def sample() -> dict:
    """A fresh value using every kind of input the digester knows."""
    return {
        "text": "政务公开", "number": 3, "ratio": 0.5, "flag": True, "nothing": None, "data": b"\x00\x01",
        "when": datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "day": date(2026, 3, 1), "file": Path("a/b.pdf"),
        "kind": ColumnType.news, "colour": Colour.RED, "footer": Footer(icp="测ICP备00000001号"), "point": Point(1, "p"),
        "list": [1, "two", [3.0]], "pair": ("name", "value"), "triple": (1, 2, 3), "nested": {"k": {"deep": ["x"]}},
    }


def test_equal_values_have_equal_digests_across_objects_and_digesters():
    assert Digester().of(sample()) == Digester().of(sample())


def test_a_digest_is_stable_when_asked_again():
    digester, value = Digester(), sample()
    assert digester.of(value) == digester.of(value)


@pytest.mark.parametrize(("key", "other"), [
    ("text", "政务公示"), ("number", 4), ("ratio", 0.25), ("flag", False), ("nothing", ""), ("data", b"\x00\x02"),
    ("when", datetime(2026, 3, 1, 9, 31, tzinfo=UTC)), ("day", date(2026, 3, 2)), ("file", Path("a/c.pdf")),
    ("kind", ColumnType.notice), ("colour", Colour.BLUE), ("footer", Footer(icp="测ICP备00000002号")),
    ("point", Point(2, "p")), ("point", Point(1, "q")), ("list", [1, "two", [3.5]]), ("list", [1, "two"]),
    ("pair", ("name", "other")), ("triple", (1, 2, 4)), ("nested", {"k": {"deep": ["y"]}}),
])
def test_any_change_anywhere_in_a_value_changes_its_digest(key, other):
    changed = {**sample(), key: other}
    assert Digester().of(changed) != Digester().of(sample())


@pytest.mark.parametrize(("one", "two"), [
    (1, "1"), (1, 1.0), (1, True), (0, False), (None, "None"), (None, ""), ("", []), ([], ()), ([], {}),
    (["a", "b"], ("a", "b")), (["a", "b"], ["ab"]), (["a", "b"], ["b", "a"]), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    ([[]], [[], []]), ((1, 2), [1, 2]),
])
def test_values_of_another_type_or_order_have_other_digests(one, two):
    # a template shows 1 and "1", or a list in its order, differently: they must not share a fingerprint
    assert Digester().of(one) != Digester().of(two)


@pytest.mark.parametrize("value", [object(), {1, 2}, frozenset({"a"}), lambda: 0, [1, object()], {"k": {"a"}},
                                   Point(1, object())])
def test_a_value_the_digester_does_not_know_raises_type_error_naming_its_type(value):
    with pytest.raises(TypeError, match=r"cannot fingerprint a (object|set|frozenset|function)"):
        Digester().of(value)


def test_a_container_is_digested_once_per_digester_even_if_mutated_later():
    digester, shared = Digester(), ["a", "b", "c"]
    before = digester.of(shared)
    shared.append("d")  # within one build inputs do not change; the digester relies on it
    assert digester.of(shared) == before
    assert Digester().of(shared) != before


def test_a_new_container_with_other_items_gets_its_own_digest_from_the_same_digester():
    digester, shared = Digester(), ["a", "b", "c"]
    before = digester.of(shared)
    changed = [*shared, "d"]
    assert digester.of(changed) != before
    assert digester.of({"x": shared}) != digester.of({"x": changed})


def test_short_lived_containers_never_share_a_digest_through_a_reused_id():
    digester = Digester()
    digests = {digester.of([n]) for n in range(200)}  # each list is dropped at once: its id could come back
    assert len(digests) == 200


def test_a_page_digest_is_equal_for_equal_pages(make_page):
    assert Digester().page(make_page()) == Digester().page(make_page())


@pytest.mark.parametrize("change", [
    {"title": "另一个标题"}, {"body": "另一段正文。"}, {"html": "<p>另一段</p>"}, {"summary": "摘要"},
    {"tags": ["新标签"]}, {"site": "town"}, {"column": "notices"}, {"column": None}, {"slug": "second"},
    {"source": Path("content/portal/news/other.md")}, {"date": datetime(2026, 3, 2, tzinfo=UTC)},
    {"date": None}, {"cover": "cover.jpg"}, {"assets": {"photo.jpg": Path("content/portal/news/photo.jpg")}},
    {"attachments": [Attachment("plan.pdf", "计划", Path("content/portal/news/plan.pdf"), 1024)]},
    {"disclosure": {"topic": "综合政务\\政务公开", "genre": "通知"}}, {"key": "digest-of-the-source-file"},
    {"excerpt": "正文的开头"},
])
def test_any_change_to_what_a_page_shows_changes_its_digest(make_page, change):
    digester = Digester()
    # both pages stay alive: the digester remembers a page by identity for the length of a build
    plain, changed = make_page(), make_page(**change)
    assert digester.page(changed) != digester.page(plain)


def test_with_a_source_key_the_front_matter_is_seen_through_the_key_but_derived_values_still_count(make_page):
    digester = Digester()
    page = make_page(key="k1")
    retitled = make_page(key="k1", title="另一个标题")  # the same source bytes cannot give another title
    excerpted = make_page(key="k1", excerpt="转换后得到的摘录")
    converted = make_page(key="k1", html="<p>链接改了</p>")
    assert digester.page(retitled) == digester.page(page)
    assert digester.page(excerpted) != digester.page(page)
    assert digester.page(converted) != digester.page(page)


def test_a_page_is_digested_once_per_digester(make_page):
    digester, page = Digester(), make_page()
    before = digester.page(page)
    page.html = "<p>changed</p>"
    assert digester.page(page) == before
    assert Digester().page(page) != before


def test_a_kept_digester_sees_an_edited_page_in_every_container_that_holds_it_and_keeps_the_others(make_page):
    # `sitegen serve` after a text edit: the plan's lists are the same objects, the page changed in place
    edited, other = make_page(slug="edited"), make_page(slug="other")
    column, elsewhere, row = [other, edited], [other], Point(1, "row of the edited page")
    outer = {"column": column, "others": [other], "row": row}
    digester = Digester(kept=True)
    before = {name: digester.of(value) for name, value in [("column", column), ("outer", outer), ("elsewhere", elsewhere)]}
    edited.html, edited.excerpt = "<p>新的正文。</p>", "新的正文。"
    elsewhere.append(other)  # never done between builds of one plan: shows whether the container was digested again
    digester.next_build([edited, row])
    again = {name: digester.of(value) for name, value in [("column", column), ("outer", outer), ("elsewhere", elsewhere)]}
    assert again["column"] != before["column"] and again["column"] == Digester().of(column)
    assert again["outer"] != before["outer"] and again["outer"] == Digester().of(outer)
    assert again["elsewhere"] == before["elsewhere"]  # kept: it does not hold the edited page


def test_a_kept_digester_forgets_the_containers_a_build_did_not_use(make_page):
    page, unused = make_page(), ["a"]
    digester = Digester(kept=True)
    before = digester.of(unused)
    digester.next_build([])
    digester.of([page])  # a build that did not show `unused`
    digester.next_build([])
    unused.append("b")
    assert digester.of(unused) != before


def test_a_page_inside_a_value_counts_by_its_page_digest(make_page):
    first, second = make_page(), make_page(html="<p>另一段</p>")
    assert Digester().of(["news/", first]) != Digester().of(["news/", second])


def test_a_site_digest_is_equal_for_equal_sites_and_changes_with_any_setting(make_site):
    portal = Digester().of(make_site("portal"))
    assert Digester().of(make_site("portal")) == portal
    assert Digester().of(make_site("portal", name="新名称")) != portal
    assert Digester().of(make_site("portal", prefix="/p/")) != portal
    assert Digester().of(make_site("portal", footer=Footer(icp="测ICP备00000002号"))) != portal


TEMPLATES = {
    "base.html": "<html>{% block main %}{% endblock %}{% include '_footer.html' %}</html>",
    "_footer.html": "<footer>版权所有</footer>",
    "_macros.html": "{% macro item(x) %}<li>{{ x }}</li>{% endmacro %}",
    "article.html": "{% extends 'base.html' %}{% import '_macros.html' as m %}{% block main %}{{ m.item(page) }}{% endblock %}",
    "list.html": "{% extends 'base.html' %}{% from '_macros.html' import item %}{% block main %}{% endblock %}",
    "404.html": "<p>未找到</p>",
    "dynamic.html": "{% include which %}",
}


def _digest(templates: dict[str, str], name: str) -> str:
    return Digester().template(jinja2.Environment(loader=jinja2.DictLoader(templates)), name)


def test_a_template_digest_is_equal_for_equal_templates():
    assert _digest(dict(TEMPLATES), "article.html") == _digest(dict(TEMPLATES), "article.html")


@pytest.mark.parametrize(("changed", "how"), [
    ("article.html", "the template itself"),
    ("base.html", "the template it extends"),
    ("_footer.html", "a template included by the one it extends"),
    ("_macros.html", "a template it imports"),
])
def test_a_template_digest_changes_when_any_template_it_uses_changes(changed, how):
    edited = {**TEMPLATES, changed: TEMPLATES[changed] + "<!-- edited -->"}
    assert _digest(edited, "article.html") != _digest(TEMPLATES, "article.html"), how


def test_a_template_digest_ignores_templates_it_does_not_use():
    edited = {**TEMPLATES, "404.html": "<p>改了</p>", "list.html": TEMPLATES["list.html"] + "<!-- edited -->"}
    assert _digest(edited, "article.html") == _digest(TEMPLATES, "article.html")


def test_a_template_including_a_name_known_only_when_rendering_depends_on_every_template():
    edited = {**TEMPLATES, "404.html": "<p>改了</p>"}
    assert _digest(edited, "dynamic.html") != _digest(TEMPLATES, "dynamic.html")


@pytest.mark.parametrize("broken", [
    {"base.html": "<html>{% block main %}"},  # a syntax error in a parent
    {"_footer.html": None},  # an included template missing
])
def test_a_template_that_cannot_be_read_gets_a_digest_no_good_template_has(broken):
    templates = {**TEMPLATES, **broken}
    templates = {k: v for k, v in templates.items() if v is not None}
    assert _digest(templates, "article.html") != _digest(TEMPLATES, "article.html")


def test_a_template_digest_works_with_a_file_system_loader(tmp_path):
    for name, text in TEMPLATES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)))
    before = Digester().template(env, "article.html")
    (tmp_path / "_footer.html").write_text("<footer>新</footer>", encoding="utf-8")
    assert Digester().template(env, "article.html") != before

