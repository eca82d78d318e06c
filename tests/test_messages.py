"""Every mistake an information officer can make ends in a plain message (file, line, fix), never a traceback."""
from __future__ import annotations

import pytest

from conftest import FIXTURES, assert_refused, build, make_cluster, page, run, write_files

GOOD = "content/portal/news/new.md"
MINI_YAML = (FIXTURES / "mini/sites.yaml").read_text(encoding="utf-8")


def front(*lines: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n正文。\n"


BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]


MISTAKES = {
    # user text is printed as it is: never read as markup or emoji codes
    "brackets in a value": ({GOOD: front("title: 新闻", 'date: "[/]"')}, [f"{GOOD}:3: date: '[/]' is not a date"]),
    "markup in a value": ({GOOD: front("title: 新闻", 'date: "[bold]x[/bold]"')}, ["'[bold]x[/bold]' is not a date"]),
    "line 100": ({GOOD: front("title: 新闻", *["# 备注"] * 97, "date: 2026-02-30")}, [f"{GOOD}:100: date: '2026-02-30' is not a real date"]),
    "a pattern in a message": ({"sites.yaml": MINI_YAML.replace("{id: news, title: 政务要闻", "{id: News!, title: 政务要闻")},
                               ["does not have the expected form (^[a-z0-9][a-z0-9-]*$)"]),
    "a hint with an example": ({GOOD: front("title: 新闻", "date: 2026-03-01", "tags: 民生")}, ["fix: write a list: [a, b]"]),
    # values accepted silently before
    "a key written twice": ({GOOD: front("title: 新闻", "title: 旧闻", "date: 2026-03-01")},
                            [f"{GOOD}:3: the key 'title' is written twice (first on line 2)"]),
    "a blank title": ({GOOD: front('title: "   "', "date: 2026-03-01")}, [f"{GOOD}:2: title: the title is empty"]),
    "a date in year 1": ({GOOD: front("title: 新闻", "date: 0001-01-01")}, ["'0001-01-01' is not a plausible date"]),
    "a control character in the title": ({GOOD: front('title: "新\\f闻"', "date: 2026-03-01")},
                                         [f"{GOOD}:2: title: contains an invisible control character (U+000C)"]),
    "a control character in the text": ({GOOD: "---\ntitle: 新闻\ndate: 2026-03-01\n---\n\n第一段。\n\n第二\x0c段。\n"},
                                        [f"{GOOD}:8: the text contains an invisible control character (U+000C)"]),
    "interpreting itself": ({GOOD: front("title: 解读", "date: 2026-03-01", "interprets: new.md")},
                            [f"{GOOD}:4: a page cannot interpret itself"]),
    "interpreting a news item": ({GOOD: front("title: 解读", "date: 2026-03-01", "interprets: first.md")},
                                 ["interprets 'first.md', which is not a policy document (it is in a column of type news)"]),
    "a binary 索引号 record": ({"content/portal/disclosure/_index_numbers.yaml": b"\xff\xfe\x00binary"},
                              ["content/portal/disclosure/_index_numbers.yaml:1: the file is not valid UTF-8"]),
    "an alias bomb in front matter": ({GOOD: front("title: 新闻", "date: 2026-03-01", *BOMB)},
                                      [f"{GOOD}: the file repeats its own parts (YAML anchors '&' and aliases '*')"]),
    "an alias bomb in _site.yaml": ({"content/town/_site.yaml": "\n".join(BOMB) + "\n"}, ["content/town/_site.yaml: the file repeats"]),
    "a control character in _site.yaml": ({"content/town/_site.yaml": 'name: "镇\\x0c政府"\n'},
                                          ["content/town/_site.yaml:1: name: contains an invisible control character (U+000C)"]),
    "a NUL byte in a link": ({GOOD: front("title: 新闻", "date: 2026-03-01") + "[附件](./private%00.txt)\n"},
                             ["linked file not found in this site's folder: './private%00.txt'"]),
    "a page at the feed's URL": ({"content/portal/feed.xml.md": page("订阅。", title="订阅")}, ["content/portal/feed.xml.md", "the feeds"]),
}


@pytest.mark.parametrize("case", list(MISTAKES), ids=list(MISTAKES))
def test_a_mistake_is_a_plain_message_and_changes_nothing(tmp_path, case):
    files, expected = MISTAKES[case]
    result = assert_refused(make_cluster(tmp_path), lambda root: write_files(root, files), expected)
    assert "💯" not in result.output


def test_tags_that_share_a_url_are_told_not_merged_silently(tmp_path):
    root = make_cluster(tmp_path, {GOOD: front("title: 新闻", "date: 2026-03-01", "tags: [A-B, A B]")})
    result = build(root, "--no-search")
    assert result.exit_code == 0
    assert f"warning build: {GOOD}:4: the tags 'A-B' and 'A B' share one page (tags/a-b/), shown as 'A-B'" in result.output


def test_a_year_out_of_range_is_a_wrong_option(tmp_path):
    result = run(make_cluster(tmp_path), "disclosure", "report", "--year", "99999")
    assert result.exit_code == 2 and "99999 is not in the range" in result.output
