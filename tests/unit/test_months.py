"""The one month arithmetic (ecomm.months) at year ends, month ends and February 29, and the
same answers as the four ``add_months`` it replaces (written out here as they were)."""
from __future__ import annotations

import calendar as std_calendar
from datetime import date, timedelta

import pytest

from ecomm.months import month_end, month_index, month_start, same_day_months_later, shift_month


def _old_pair(year, month, n):   # calendar.add_months and demo.dates.add_months, as they were
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _old_first_day(d, n):   # billing.fiscal.add_months, as it was
    index = d.year * 12 + (d.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def _old_same_day(d, months):   # compliance.add_months, as it was
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, std_calendar.monthrange(year, month)[1]))


@pytest.mark.parametrize("year, month, n, expected", [
    (2026, 12, 1, (2027, 1)), (2027, 1, -1, (2026, 12)), (2026, 7, 0, (2026, 7)),
    (2026, 11, 14, (2028, 1)), (2027, 3, -27, (2024, 12)), (2024, 2, 12, (2025, 2)),
])
def test_c1_shift_month_across_year_ends(year, month, n, expected):
    assert shift_month(year, month, n) == expected


@pytest.mark.parametrize("d, n, expected", [
    (date(2027, 1, 31), 1, date(2027, 2, 1)),     # a month end: the next month's first day
    (date(2024, 2, 29), 0, date(2024, 2, 1)),
    (date(2024, 2, 29), 12, date(2025, 2, 1)),
    (date(2026, 12, 15), 1, date(2027, 1, 1)),    # across the year end
    (date(2026, 7, 1), -1, date(2026, 6, 1)),     # back over the fiscal year's start
])
def test_b1_month_start_counts_whole_months(d, n, expected):
    assert month_start(d, n) == expected


@pytest.mark.parametrize("d, n, expected", [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),    # 31st into February: its last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),    # leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # Feb 29 a year later
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # four years later: Feb 29 again
    (date(2026, 8, 31), 6, date(2027, 2, 28)),    # Q3: six idle months from a month end
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 11, 15), 2, date(2027, 1, 15)),   # across the year end, day kept
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_q3_same_day_months_later_clamps_to_the_month_end(d, n, expected):
    assert same_day_months_later(d, n) == expected


@pytest.mark.parametrize("year, month, expected", [
    (2024, 2, date(2024, 2, 29)), (2027, 2, date(2027, 2, 28)), (2026, 12, date(2026, 12, 31)),
    (2027, 4, date(2027, 4, 30)), (2100, 2, date(2100, 2, 28)), (2000, 2, date(2000, 2, 29)),
])
def test_c2_month_end_is_the_last_day_feb_29_in_leap_years(year, month, expected):
    assert month_end(year, month) == expected


def test_b5_month_index_counts_the_months_between_days():
    assert month_index(date(2027, 6, 30)) - month_index(date(2026, 7, 1)) + 1 == 12
    assert month_index(date(2027, 1, 1)) - month_index(date(2026, 12, 31)) == 1


def test_the_names_answer_as_the_four_add_months_did_every_day_of_four_years():
    day = date(2023, 11, 1)
    while day < date(2028, 3, 1):
        for n in (-25, -13, -12, -1, 0, 1, 2, 6, 11, 12, 13, 24, 48):
            assert shift_month(day.year, day.month, n) == _old_pair(day.year, day.month, n)
            assert month_start(day, n) == _old_first_day(day, n)
            assert same_day_months_later(day, n) == _old_same_day(day, n)
        old_end = date(*_old_pair(day.year, day.month, 1), 1) - timedelta(days=1)
        assert month_end(day.year, day.month) == old_end
        day += timedelta(days=1)
