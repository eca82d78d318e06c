"""IndexFormat: the cluster's 索引号 scheme, making numbers and reading them back."""
from __future__ import annotations

from datetime import datetime

import pytest

from sitegen.disclosure.index_numbers import IndexFormat
from sitegen.errors import SitegenError

ORG18 = "11990000MB0000009X"  # 统一社会信用代码
ORG9 = "MB0000009"  # 组织机构代码
ORG9_DASHED = "MB000000-9"
YEARLY = IndexFormat("{org}/{year}-{serial:05d}")
MONTHLY = IndexFormat("{org}/{year}{month}-{serial:04d}")


def test_index_format_scope_is_the_number_up_to_the_serial():
    assert YEARLY.scope(ORG18, datetime(2026, 3, 9)) == f"{ORG18}/2026-"


def test_index_format_scope_with_month_pads_the_month_to_two_digits():
    assert MONTHLY.scope(ORG18, datetime(2026, 3, 9)) == f"{ORG18}/202603-"
    assert MONTHLY.scope(ORG18, datetime(2026, 11, 30)) == f"{ORG18}/202611-"


def test_index_format_scopes_of_one_year_are_one_scope_unless_the_format_has_a_month():
    assert YEARLY.scope(ORG18, datetime(2026, 1, 1)) == YEARLY.scope(ORG18, datetime(2026, 12, 31))
    assert MONTHLY.scope(ORG18, datetime(2026, 1, 1)) != MONTHLY.scope(ORG18, datetime(2026, 12, 31))


def test_index_format_make_pads_the_serial_to_the_format_width():
    assert YEARLY.make(f"{ORG18}/2026-", 12) == f"{ORG18}/2026-00012"
    assert MONTHLY.make(f"{ORG18}/202603-", 7) == f"{ORG18}/202603-0007"
    assert IndexFormat("{org}-{year}-{serial:03d}").make(f"{ORG9}-2026-", 1) == f"{ORG9}-2026-001"


def test_index_format_splits_a_year_number_into_scope_and_serial():
    assert YEARLY.split(f"{ORG18}/2026-00012") == (f"{ORG18}/2026-", 12)


def test_index_format_splits_a_year_month_number_into_scope_and_serial():
    assert MONTHLY.split(f"{ORG18}/202603-0120") == (f"{ORG18}/202603-", 120)


@pytest.mark.parametrize("org", [ORG18, ORG9, ORG9_DASHED])
def test_index_format_reads_back_what_it_makes_for_every_org_code_shape(org):
    for fmt in (YEARLY, MONTHLY):
        scope = fmt.scope(org, datetime(2026, 10, 1))
        assert fmt.split(fmt.make(scope, 1)) == (scope, 1)
        assert fmt.split(fmt.make(scope, 9999)) == (scope, 9999)


@pytest.mark.parametrize("number", [
    "",
    f"{ORG18}/2026-0012",  # serial too short
    f"{ORG18}/2026-000012",  # serial too long
    f"{ORG18}/26-00012",  # two-digit year
    f"{ORG18}-2026-00012",  # wrong separator
    f"{ORG18}/2026-00012 ",  # trailing space
    f"{ORG18}/2026-0001a",
    "11990000MB0000009/2026-00012",  # 17 characters
    "11990000MB0000009XY/2026-00012",  # 19 characters
    "MB00000/2026-00012",  # 7 characters
    "11990000mb0000009x/2026-00012",  # lower case
    "MB00000-99/2026-00012",  # dash in the wrong place
    "/2026-00012",
])
def test_index_format_split_of_a_malformed_year_number_is_none(number):
    assert YEARLY.split(number) is None


@pytest.mark.parametrize("number", [
    f"{ORG18}/202600-0001",
    f"{ORG18}/202613-0001",
    f"{ORG18}/20263-0001",
    f"{ORG18}/2026-0001",  # no month at all
])
def test_index_format_split_of_a_number_with_an_impossible_month_is_none(number):
    assert MONTHLY.split(number) is None


def test_index_format_separators_are_literal_not_patterns():
    dotted = IndexFormat("{org}.{year}.{serial:03d}")
    assert dotted.split(f"{ORG9}.2026.001") == (f"{ORG9}.2026.", 1)
    assert dotted.split(f"{ORG9}x2026x001") is None


def test_index_format_never_makes_a_number_it_calls_malformed():
    fmt = IndexFormat("{org}/{year}{month}-{serial:03d}")
    scope = fmt.scope(ORG18, datetime(2026, 3, 1))
    try:
        number = fmt.make(scope, 1000)  # the 1,000th entry of one month
    except (ValueError, SitegenError):
        return  # refusing is fine too: the build can then say the format needs more digits
    assert fmt.split(number) == (scope, 1000)
