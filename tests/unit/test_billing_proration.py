"""B1, B4, B5, B9: fiscal years and how many months each invoice charges."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ecomm.billing.fiscal import fiscal_year_of, fy_end, fy_months, fy_start
from ecomm.billing.proration import (in_true_up_window, july_batch_end, months_charged,
                                     true_up_window)

FY = 2027

# Provisioning month of FY2027 -> months charged by (January true-up, June true-up).
# Written out by hand from B5: "from the month of provisioning through June, both counted".
TRUE_UP_TABLE = [
    ((2026, 7), 0, 0),    # July batch: on the July invoice, not a true-up
    ((2026, 8), 11, 0),
    ((2026, 9), 10, 0),
    ((2026, 10), 9, 0),
    ((2026, 11), 8, 0),
    ((2026, 12), 7, 0),
    ((2027, 1), 0, 6),
    ((2027, 2), 0, 5),
    ((2027, 3), 0, 4),
    ((2027, 4), 0, 3),
    ((2027, 5), 0, 2),
    ((2027, 6), 0, 1),
]


def _last_day(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def test_b1_fiscal_year_named_by_the_year_it_ends():
    assert fy_start(2027) == date(2026, 7, 1)
    assert fy_end(2027) == date(2027, 6, 30)
    assert fiscal_year_of(date(2026, 6, 30)) == 2026
    assert fiscal_year_of(date(2026, 7, 1)) == 2027
    assert fiscal_year_of(date(2027, 6, 30)) == 2027
    assert fiscal_year_of(date(2026, 12, 31)) == 2027
    assert fiscal_year_of(date(2027, 1, 1)) == 2027


def test_b1_fy_months_are_july_through_june():
    months = fy_months(2027)
    assert months[0] == date(2026, 7, 1)
    assert months[-1] == date(2027, 6, 1)
    assert len(months) == 12 and len(set(months)) == 12
    assert all(fiscal_year_of(m) == 2027 for m in months)


@pytest.mark.parametrize("ym,january,june", TRUE_UP_TABLE)
@pytest.mark.parametrize("which_day", ["first", "fifteenth", "last"])
def test_b5_months_charged_for_every_provisioning_month(ym, january, june, which_day):
    year, month = ym
    day = {"first": date(year, month, 1), "fifteenth": date(year, month, 15),
           "last": _last_day(year, month)}[which_day]
    assert months_charged(day, FY, "january") == january
    assert months_charged(day, FY, "june") == june


@pytest.mark.parametrize("ym,january,june", TRUE_UP_TABLE)
def test_b4_july_invoice_charges_twelve_months_only_for_the_july_batch(ym, january, june):
    year, month = ym
    expected = 12 if (year, month) <= (2026, 7) else 0
    assert months_charged(date(year, month, 3), FY, "annual") == expected


def test_b4_application_from_an_earlier_year_pays_twelve_months():
    assert months_charged(date(2019, 3, 4), FY, "annual") == 12


def test_b5_july_batch_boundary_july_2_vs_august_1():
    assert july_batch_end(FY) == date(2026, 7, 31)
    assert months_charged(date(2026, 7, 2), FY, "annual") == 12
    assert months_charged(date(2026, 7, 2), FY, "january") == 0
    assert months_charged(date(2026, 7, 31), FY, "january") == 0
    assert months_charged(date(2026, 8, 1), FY, "annual") == 0
    assert months_charged(date(2026, 8, 1), FY, "january") == 11


def test_b5_true_up_windows():
    assert true_up_window(FY, "january") == (date(2026, 8, 1), date(2026, 12, 31))
    assert true_up_window(FY, "june") == (date(2027, 1, 1), date(2027, 6, 30))
    assert in_true_up_window(date(2026, 12, 31), FY, "january")
    assert not in_true_up_window(date(2027, 1, 1), FY, "january")
    assert in_true_up_window(date(2027, 1, 1), FY, "june")
    with pytest.raises(ValueError):
        true_up_window(FY, "annual")


@pytest.mark.parametrize("provisioned,removed,kind,expected", [
    (date(2026, 10, 5), date(2026, 12, 10), "january", 3),   # Oct..Dec
    (date(2026, 10, 5), date(2026, 10, 20), "january", 1),   # same month
    (date(2026, 8, 1), date(2027, 1, 2), "january", 6),      # Aug..Jan
    (date(2027, 2, 1), date(2027, 5, 31), "june", 4),        # Feb..May
    (date(2027, 6, 1), date(2027, 6, 3), "june", 1),
    (date(2026, 10, 5), date(2027, 6, 30), "january", 9),    # removed on the last day: full
])
def test_b5_deprovisioned_before_true_up_pays_through_month_removed(provisioned, removed, kind,
                                                                    expected):
    assert months_charged(provisioned, FY, kind, removed) == expected


def test_b9_no_credit_on_july_invoice_for_later_removal():
    assert months_charged(date(2026, 7, 3), FY, "annual", date(2026, 9, 1)) == 12


def test_b5_removed_before_provisioned_is_refused():
    with pytest.raises(ValueError):
        months_charged(date(2026, 10, 5), FY, "january", date(2026, 9, 1))
