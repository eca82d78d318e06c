"""Plain texts are converted by the compiled parser: the result must be exactly what markdown-it-py's conversion gives,
links resolved, problems found and HTML byte for byte."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config.loader import load_config
from sitegen.content import plain
from sitegen.content.markdown import Links, _convert, _convert_full, parser

ROOT = Path(__file__).resolve().parents[3]
MINI = load_config(ROOT / "tests/fixtures/mini")

# pieces of Chinese notices and of every Markdown construct, including those the two parsers read apart
PIECES = ["政府", "信息公开", "。", "，", "、", "：", "；", "“", "”", "（", "）", "《", "》", "——", "…", "·", "×", "÷", "°",
          "¥", "©", "＋", "＝", "～", "※", "a", "1", "!", "?", "$", "%", "^", "+", "=", "@", "'", '"', "(", ")", "{", "}",
          "\\", "&amp;", "&#123;", "&nbsp;", "**", "*", "_", "__", "~~", "`", "```\n", "|", "---", "***", "* * *", "# ",
          "## ", "### ", "- ", "+ ", "* ", "1. ", "11. ", "2) ", "> ", "[", "]", "<", ">", " ", "  \n", "\\\n", "\n", "\n\n",
          "\r\n", "\r", "\t", "    ", "\u3000", "\u00a0", "\u200b", "\n===\n", "\n---\n", "\n    code", "[x]", "[ ] ", "[^1]",
          "[x]: y.md\n"]
# links: to a page, to a page this build leaves out, to nothing, to a file, out of the site, on the page, with titles
LINKS = ["[集市](market.md)", "[草稿](hidden.md)", "[无](missing.md)", "[图](photo.png)", "![图](photo.png)", "![](中文 图.png)",
         "[外](https://www.gov.cn/?a=1&b=2)", "[锚](#第一节)", "[题](market.md \"标题\")", "[预算](../../finance/news/budget.md)",
         "[**粗**](market.md)", "[![图](photo.png)](market.md)", "[中文](关于 通知.md)", "[根](/town/)", "](", "]("]


def page_with(make_page, body: str):
    return make_page(site="town", column="news", slug="draft", body=body, source=Path("content/town/news/draft.md"), body_line=6)


def links(make_page) -> Links:
    market = make_page(site="town", column="news", slug="market", source=Path("content/town/news/market.md"))
    return Links(MINI, {market.source.as_posix(): market}, {"content/town/news/hidden.md"})


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES + LINKS), max_size=30).map("".join))
def test_a_text_converts_to_exactly_what_the_full_parser_gives(make_page, body):
    page = page_with(make_page, body)
    assert _convert(page, links(make_page)) == _convert_full(page, page.body, links(make_page))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_a_text_the_compiled_parser_takes_gets_exactly_the_full_parsers_html(body):
    made = plain.render(body)
    if made is not None:
        assert made[0] == parser(False).render(body) == parser(True).render(body)


@pytest.mark.parametrize("folder", ["tests/fixtures", "content", "sitegen/starter"])
def test_every_bundled_text_gets_the_same_html_either_way(folder):
    taken = 0
    for path in sorted((ROOT / folder).rglob("*.md")):
        body = path.read_text(encoding="utf-8", errors="replace").split("\n---\n", 1)[-1]
        made = plain.render(body)
        if made is not None and not made[1]:
            taken += 1
            assert made[0] == parser(False).render(body), path
    assert taken  # the comparison is not empty


def test_a_notice_with_paragraphs_lists_bold_text_and_links_is_plain(make_page):
    body = ("一、总体要求\n\n**加强组织领导**，确保各项工作落实到位，见[集市](market.md)。\n\n1. 第一条；\n2. 第二条，"
            "[草稿](hidden.md)。\r\n\r\n# 附则\n\n本办法自发布之日起施行。![图](photo.png)\n")
    assert plain.render(body) is not None
    page = page_with(make_page, body)
    converted = _convert(page, links(make_page))
    assert converted == _convert_full(page, page.body, links(make_page))
    assert [line for _ref, line, _target in converted.resolved] == [8, 11, 15]
    assert '<a href="/town/news/market/">集市</a>' in converted.html and "草稿" in converted.html and "hidden" not in converted.html


@pytest.mark.parametrize("body", ["<b>粗</b>", "> 引用", "| a |\n|---|\n| 1 |", "`代码`", "## 二级标题", "二级标题\n---",
                                  "　　首行缩进。", "**×**", "脚注[^1]\n\n[^1]: 注", "- [x] 已办", "[a][r]\n\n[r]: a.md",
                                  "![**图**](a.png)", "R&amp;D", "a\\*b", "行一\r行二"])
def test_html_quotes_tables_code_anchored_headings_and_edge_cases_go_to_the_full_parser(body):
    assert plain.render(body) is None



def test_converting_a_text_keeps_no_second_form_of_it_in_memory():
    # a page's text lives to the end of the build: reading it must not leave a UTF-8 copy inside it
    texts = [f"关于进一步加强森林防火工作的通知。\n\n各乡镇人民政府：[{i}](market.md)，请认真落实。" * 60 for i in range(100)]
    plain.render(texts[0][:100])  # the parser itself, made once
    tracemalloc.start()
    try:
        for text in texts:
            assert plain.render(text) is not None  # what it gives is let go: what is still held, the texts hold
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = sum(len(text.encode()) for text in texts)  # about 700 KB
    assert held < size / 10, f"{held:,} bytes held after converting {size:,} bytes of text"
