"""C1/C2: one model of a cycle's dates (ecomm.calendar.CycleDates, made by ``cycle_dates``),
used by the batch, the request confirmations, Home's key dates and the CLI's calendar."""
from __future__ import annotations

from datetime import date

from ecomm import calendar as cal
from ecomm.batch import CycleDates as BatchCycleDates
from ecomm.policy import Policy
from ecomm.requests.timing import CycleInfo

POLICY = Policy()


def test_c1_c2_cycle_dates_of_the_spec_example():
    d = cal.cycle_dates("2026-12", policy=POLICY)
    # cutoff: the last business day of November 2026 (Mon 30th); processing from Tue Dec 1;
    # credentials on the 5th (Policy.credentials_day), a Saturday: the next business day, Mon 7th
    assert (d.cutoff, d.processing_starts, d.credentials_date) == (
        date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 7))
    assert d.credentials_overridden is False and d.month == date(2026, 12, 1)
    assert d.cutoff_month == "2026-11"
    assert d.sentence() == ("It joins the batch of December 2026 (cycle 2026-12), which takes "
                            "requests submitted by the cutoff on 2026-11-30 and is processed "
                            "from 2026-12-01")


def test_c2_the_system_teams_credentials_date_wins_and_is_marked():
    d = cal.cycle_dates("2027-01", policy=POLICY, credentials_override=date(2027, 1, 8))
    assert (d.cutoff, d.processing_starts, d.credentials_date, d.credentials_overridden) == (
        date(2026, 12, 31), date(2027, 1, 4), date(2027, 1, 8), True)


def test_c1_one_model_behind_the_batch_the_requests_and_the_month_calendar():
    assert BatchCycleDates is cal.CycleDates and CycleInfo is cal.CycleDates
    closures = {date(2027, 2, 26)}   # an extra closure on the last Friday of February 2027
    for year in (2026, 2027, 2028):
        for month in range(1, 13):
            m = cal.month_calendar(year, month, policy=POLICY, extra_closures=closures)
            d = cal.cycle_dates(m["cycle"], policy=POLICY, extra_closures=closures)
            assert (m["cutoff"], m["processing_starts"], m["credentials_date"]) == (
                d.cutoff, d.processing_starts, d.credentials_date)
            assert d.cutoff_month == m["month"]
    assert cal.cycle_dates("2027-03", policy=POLICY, extra_closures=closures).cutoff == \
        date(2027, 2, 25)
