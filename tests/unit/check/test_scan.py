"""The text scans behind the privacy and wording rules: ID numbers, mobile numbers, banned words, typos."""
from __future__ import annotations

import random
from datetime import date

import pytest

from sitegen.check.scan import Dictionary, Hit, credit_code_valid, id_check_char, id_numbers, line_of, phone_numbers
from sitegen.errors import ConfigError

TODAY = date(2026, 11, 20)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check(body: str) -> str:
    """Return a made-up ID number: 17 digits plus their GB 11643 check character, computed here independently."""
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def wrong_check(number: str) -> str:
    """Return the number with a check character that is not the right one."""
    return number[:17] + ("0" if number[17] != "0" else "1")


# made-up people: region codes of real places, invented birth dates and sequence numbers
ID_A = with_check("11010519800101123")
ID_B = with_check("44170020010229456")  # 2001 is no leap year: built as an invalid date on purpose below
ID_C = with_check("51010719991231789")
ID_D = with_check("32058320000229001")  # 2000 is a leap year


def found(hits: list[Hit]) -> list[str]:
    return [h.found for h in hits]


# --- ID numbers ------------------------------------------------------------------------------------

def test_check_character_of_the_standards_example_is_x():
    assert with_check("11010519491231002") == "11010519491231002X"
    assert id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize("number", [ID_A, ID_C, ID_D, "11010519491231002X"])
def test_finds_valid_id_numbers_and_shows_them_masked(number):
    text = f"经审核，申请人张某（身份证号：{number}）符合条件。"
    hits = id_numbers(text, today=TODAY)
    start = text.index(number)
    assert hits == [Hit("privacy-id-number", start, start + 18, number[:4] + "*" * 10 + number[-4:])]
    assert number not in repr(hits)


def test_finds_id_numbers_with_a_lowercase_x_and_in_full_width_digits():
    wide = ID_A.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert found(id_numbers(f"身份证11010519491231002x；{wide}", today=TODAY)) == ["1101**********002x", wide[:4] + "*" * 10 + wide[-4:]]


def test_finds_every_id_number_in_a_table_at_its_offsets():
    text = f"|姓名|身份证号|\n|张某|{ID_A}|\n|李某|{ID_C}|\n"
    hits = id_numbers(text, today=TODAY)
    assert [(text[h.start:h.end], line_of(text, h.start)) for h in hits] == [(ID_A, 2), (ID_C, 3)]


def test_ignores_id_numbers_with_a_wrong_check_character():
    assert id_numbers(f"编号{wrong_check(ID_A)}，{wrong_check('11010519491231002X')}", today=TODAY) == []


@pytest.mark.parametrize("masked", ["1101**********002X", "110101********1234", "110105********002X", "11010519******002X"])
def test_ignores_masked_id_numbers(masked):
    assert id_numbers(f"身份证号：{masked}", today=TODAY) == []


@pytest.mark.parametrize("text", [f"9{ID_A}", f"{ID_A}7", f"A{ID_A}", f"{ID_A}B", f"流水号20260101{ID_A}0001"])
def test_ignores_id_numbers_inside_longer_runs_of_digits_or_letters(text):
    assert id_numbers(text, today=TODAY) == []


def test_ignores_a_typical_unified_social_credit_code_and_index_number():
    text = "统一社会信用代码：11441700007280420Y；索引号：11441700007280420Y/2021-00050"
    assert credit_code_valid("11441700007280420Y")
    assert id_numbers(text, today=TODAY) == []


# a 事业单位 (12) of 延庆区 (110119) with organisation code 85061203-8: an all-digit credit code whose
# check character is also a valid GB 11643 one and whose digits 7–14 read as a real date, 1985-06-12
CREDIT_LIKE_ID = "121101198506120381"


def test_ignores_an_all_digit_credit_code_that_also_passes_as_an_id_number_when_labelled():
    assert credit_code_valid(CREDIT_LIKE_ID) and with_check(CREDIT_LIKE_ID[:17]) == CREDIT_LIKE_ID
    text = f"统一社会信用代码：{CREDIT_LIKE_ID}\n索引号：{CREDIT_LIKE_ID}/2021-00050\n组织机构代码 {CREDIT_LIKE_ID}"
    assert id_numbers(text, today=TODAY) == []


def test_reports_an_id_number_that_also_passes_as_a_credit_code_when_nothing_says_it_is_one():
    # 1 in 31 real ID numbers passes the credit-code check too: without a label it is treated as personal
    assert found(id_numbers(f"身份证号：{CREDIT_LIKE_ID}", today=TODAY)) == ["1211**********0381"]


@pytest.mark.parametrize("body", [
    "1101051980023112",   # 31 February
    "1101051980130112",   # month 13
    "1101051899123112",   # before 1900
    "1101052027010112",   # born after today
    "9901051980010112",   # no province 99
])
def test_ignores_numbers_whose_birth_date_or_province_is_impossible(body):
    number = with_check(body + "3")
    assert id_numbers(f"号码{number}", today=TODAY) == []


def test_ignores_29_february_outside_leap_years_and_accepts_it_in_them():
    assert id_numbers(ID_B, today=TODAY) == []
    assert found(id_numbers(ID_D, today=TODAY)) == [ID_D[:4] + "*" * 10 + ID_D[-4:]]


def test_ignores_15_digit_first_generation_numbers():
    assert id_numbers("注册号110105491231002", today=TODAY) == []


# --- mobile numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "masked"), [
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138 **** 5678"),
    ("138-1234-5678", "138-****-5678"),
    ("+86 13912345678", "+86 139****5678"),
    ("+86-139-1234-5678", "+86-139-****-5678"),
    ("8619912345678", "86199****5678"),
    ("86 177 1234 5678", "86 177 **** 5678"),
    ("１５８１２３４５６７８", "１５８****５６７８"),
])
def test_finds_mobile_numbers_in_the_usual_forms_and_shows_them_masked(written, masked):
    text = f"联系人：王某，电话{written}。"
    start = text.index(written)
    assert phone_numbers(text) == [Hit("privacy-phone", start, start + len(written), masked)]


def test_ignores_masked_mobile_numbers():
    assert phone_numbers("联系电话：138****5678，139-****-5678，+86 177 **** 1234") == []


def test_ignores_allowed_official_numbers_written_any_way():
    text = "政务服务热线 138-0000-1234，咨询 +86 13900001234，举报 13712345678"
    assert found(phone_numbers(text, allowed=["13800001234", "139 0000 1234"])) == ["137****5678"]


@pytest.mark.parametrize("text", [
    "订单号 2013812345678901",         # 11 digits inside a longer number
    "账号 913812345678",
    "卡号 6222 138 1234 5678 9",       # grouped digits that go on
    "卡号 6 138 1234 5678",
    f"身份证号 {ID_A}",
    "统一社会信用代码 91350100M000100Y43",
])
def test_ignores_eleven_digits_inside_longer_numbers(text):
    assert phone_numbers(text) == []


@pytest.mark.parametrize("text", ["010-65123456", "0755-83123456", "(020)83123456", "+86 10 6512 3456", "12345", "400-123-4567"])
def test_ignores_landlines_and_hotlines(text):
    assert phone_numbers(f"电话：{text}") == []


def test_finds_two_mobile_numbers_next_to_each_other_separated_by_punctuation():
    assert found(phone_numbers("13812345678、13912345678")) == ["138****5678", "139****5678"]


# --- banned words and typos ------------------------------------------------------------------------

@pytest.fixture
def lists(tmp_path):
    banned = tmp_path / "banned.txt"
    banned.write_text("# 禁用词：极限用语\n\n最高级\n  国家级  \n中华\n中华人民共和国\n# 结束\n", encoding="utf-8")
    typos = tmp_path / "typos.txt"
    typos.write_text("# 错别字\t正确\n\n按装\t安装\n既使\t即使\n中华人民共合国\t中华人民共和国\n", encoding="utf-8")
    return banned, typos


def test_finds_banned_words_and_typos_with_suggestions_and_positions(lists):
    dictionary = Dictionary.load(*lists)
    text = "本产品为国家级最高级，既使如此，\n也请按装后使用。"
    hits = dictionary.find(text)
    assert hits == [
        Hit("banned-word", 4, 7, "国家级"),
        Hit("banned-word", 7, 10, "最高级"),
        Hit("typo", 11, 13, "既使", "即使"),
        Hit("typo", 19, 21, "按装", "安装"),
    ]
    assert [line_of(text, h.start) for h in hits] == [1, 1, 1, 2]


def test_prefers_the_leftmost_longest_match(lists):
    dictionary = Dictionary.load(*lists)
    assert dictionary.find("中华人民共和国成立，中华文化") == [
        Hit("banned-word", 0, 7, "中华人民共和国"), Hit("banned-word", 10, 12, "中华")]
    assert dictionary.find("中华人民共合国") == [Hit("typo", 0, 7, "中华人民共合国", "中华人民共和国")]


def test_leftmost_match_wins_over_a_longer_overlapping_one():
    dictionary = Dictionary(["ab", "bcde"])
    assert [(h.start, h.found) for h in dictionary.find("abcde")] == [(0, "ab")]


def test_finds_matches_at_the_very_end_of_the_text():
    # pyahocorasick's own iter_long() drops this one
    dictionary = Dictionary(["bccc", "bac", "cac", "c"])
    assert [(h.start, h.found) for h in dictionary.find("cabc")] == [(0, "c"), (3, "c")]


def test_matches_agree_with_a_plain_leftmost_longest_scan():
    rng = random.Random(11)
    for _ in range(500):
        words = {"".join(rng.choice("政府网站") for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 6))}
        text = "".join(rng.choice("政府网站") for _ in range(rng.randint(0, 20)))
        expected, i = [], 0
        while i < len(text):
            best = max((w for w in words if text.startswith(w, i)), key=len, default="")
            expected += [(i, best)] if best else []
            i += len(best) or 1
        assert [(h.start, h.found) for h in Dictionary(words).find(text)] == expected, (words, text)


def test_a_word_on_both_lists_is_reported_as_banned():
    assert Dictionary(["按装"], {"按装": "安装"}).find("按装") == [Hit("banned-word", 0, 2, "按装")]


def test_no_lists_find_nothing():
    assert Dictionary.load(None, None).find("任何文字") == []
    assert len(Dictionary()) == 0


def test_reads_lists_saved_with_a_byte_order_mark(tmp_path):
    banned = tmp_path / "banned.txt"
    banned.write_text("\ufeff最佳\n", encoding="utf-8")
    assert found(Dictionary.load(banned, None).find("最佳选择")) == ["最佳"]


def test_errors_on_a_malformed_typo_line_naming_file_and_line(tmp_path):
    typos = tmp_path / "typos.txt"
    typos.write_text("# 错别字\n按装\t安装\n既使 即使\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        Dictionary.load(None, typos)
    [problem] = error.value.problems
    assert (problem.path, problem.line) == (typos, 3)
    assert f"{typos}:3" in str(error.value) and "既使 即使" in str(error.value)


def test_reports_every_bad_typo_line_at_once(tmp_path):
    typos = tmp_path / "typos.txt"
    typos.write_text("按装\n\t安装\n即使\t即使\na\tb\tc\n既使\t即使\n既使\t及时\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        Dictionary.load(None, typos)
    assert [p.line for p in error.value.problems] == [1, 2, 3, 4, 6]
    assert "line 5" in error.value.problems[-1].message


def test_errors_on_a_missing_list(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the word list"):
        Dictionary.load(tmp_path / "nope.txt", None)


def test_five_thousand_words_scan_a_megabyte_of_text(tmp_path):
    rng = random.Random(5000)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    words = sorted({"".join(rng.choices(alphabet, k=rng.randint(2, 6))) for _ in range(5000)})
    banned = tmp_path / "banned.txt"
    banned.write_text("\n".join(words[:4000]), encoding="utf-8")
    typos = tmp_path / "typos.txt"
    typos.write_text("\n".join(f"{w}\t正确" for w in words[4000:]), encoding="utf-8")
    dictionary = Dictionary.load(banned, typos)
    assert len(dictionary) == len(words)
    # filler from other characters, so that only the planted words can match
    filler = "".join(rng.choices("，。、的了是在我有他这中大来上个国", k=1_000_000))
    planted = {100_000: words[0], 500_000: words[4000], 999_000: words[-1]}
    text = filler
    for offset, word in sorted(planted.items(), reverse=True):
        text = text[:offset] + word + text[offset:]
    hits = dictionary.find(text)
    assert [h.found for h in hits] == [words[0], words[4000], words[-1]]
    assert [h.kind for h in hits] == ["banned-word", "typo", "typo"]


def test_line_of_counts_from_the_first_line_given():
    text = "一\n二\n三"
    assert [line_of(text, text.index(c)) for c in "一二三"] == [1, 2, 3]
    assert line_of(text, text.index("三"), first_line=10) == 12
