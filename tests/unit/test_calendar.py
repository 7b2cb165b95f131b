"""C1 (cutoff, business days, which batch a submission joins) and C2 (credentials date)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from ecomm import calendar as cal
from ecomm.policy import Policy

POLICY = Policy()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- business days ------------------------------------------------------------------------

def test_c1_weekend_is_not_a_business_day():
    assert cal.is_business_day(date(2026, 11, 27))       # Friday
    assert not cal.is_business_day(date(2026, 11, 28))   # Saturday
    assert not cal.is_business_day(date(2026, 11, 29))   # Sunday


def test_c1_federal_holiday_is_not_a_business_day():
    assert not cal.is_business_day(date(2026, 11, 26))   # Thanksgiving
    assert not cal.is_business_day(date(2026, 12, 25))   # Christmas, a Friday


def test_c1_saturday_holiday_is_observed_on_friday():
    # July 4 2026 is a Saturday: observed Friday July 3.
    assert not cal.is_business_day(date(2026, 7, 3))
    assert cal.is_business_day(date(2026, 7, 2))


def test_c1_sunday_holiday_is_observed_on_monday():
    # July 4 2027 is a Sunday: observed Monday July 5.
    assert not cal.is_business_day(date(2027, 7, 5))
    assert cal.is_business_day(date(2027, 7, 6))


def test_c1_extra_closure_is_not_a_business_day():
    closures = {date(2026, 12, 24)}
    assert cal.is_business_day(date(2026, 12, 24))
    assert not cal.is_business_day(date(2026, 12, 24), closures)


# -- cutoff -------------------------------------------------------------------------------

@pytest.mark.parametrize("year, month, expected", [
    (2026, 11, date(2026, 11, 30)),   # Monday, the last day
    (2026, 2, date(2026, 2, 27)),     # Feb 28 is a Saturday
    (2027, 1, date(2027, 1, 29)),     # Jan 31 is a Sunday
    (2027, 5, date(2027, 5, 28)),     # May 31 is Memorial Day (Monday)
    (2027, 12, date(2027, 12, 30)),   # Dec 31 2027 is New Year's Day 2028 observed
    (2026, 12, date(2026, 12, 31)),   # Thursday; Christmas (25th) does not matter
])
def test_c1_cutoff_is_last_business_day(year, month, expected):
    assert cal.cutoff(year, month) == expected


def test_c1_extra_closure_moves_cutoff_earlier():
    assert cal.cutoff(2026, 11) == date(2026, 11, 30)
    # closing Monday Nov 30 skips back over the weekend and Thanksgiving is on the 26th,
    # so the cutoff becomes Friday Nov 27
    assert cal.cutoff(2026, 11, {date(2026, 11, 30)}) == date(2026, 11, 27)
    assert cal.cutoff(2026, 11, {date(2026, 11, 30), date(2026, 11, 27)}) == date(2026, 11, 25)


# -- first processing day and credentials date ----------------------------------------------

def test_c1_first_processing_day_is_first_business_day_of_cycle_month():
    assert cal.first_processing_day("2026-12") == date(2026, 12, 1)
    assert cal.first_processing_day("2027-01") == date(2027, 1, 4)   # Jan 1 Friday holiday
    assert cal.first_processing_day("2028-01") == date(2028, 1, 3)   # Jan 1 Saturday
    assert cal.first_processing_day("2026-12", {date(2026, 12, 1)}) == date(2026, 12, 2)


def test_c2_credentials_on_the_fifth_when_a_business_day():
    assert cal.credentials_date("2027-01", policy=POLICY) == date(2027, 1, 5)   # Tuesday


def test_c2_credentials_move_to_next_business_day():
    assert cal.credentials_date("2026-12", policy=POLICY) == date(2026, 12, 7)  # 5th Saturday
    assert cal.credentials_date("2026-07", policy=POLICY) == date(2026, 7, 6)   # 5th Sunday
    # July 5 2027 is the observed Independence Day
    assert cal.credentials_date("2027-07", policy=POLICY) == date(2027, 7, 6)
    assert cal.credentials_date("2027-01", policy=POLICY,
                                extra_closures={date(2027, 1, 5)}) == date(2027, 1, 6)


def test_c2_credentials_day_comes_from_policy():
    assert cal.credentials_date("2026-12", policy=Policy(credentials_day=10)) == date(2026, 12, 10)


def test_c2_system_team_override_wins():
    assert cal.credentials_date("2026-12", date(2026, 12, 9), policy=POLICY) == date(2026, 12, 9)


# -- which batch a submission joins -------------------------------------------------------

def test_c1_submitted_on_cutoff_day_denver_evening_joins_next_month():
    # Nov 30 2026 23:59:59 MST = Dec 1 06:59:59 UTC
    assert cal.cycle_for_submission(utc("2026-12-01T06:59:59")) == "2026-12"


def test_c1_submitted_after_midnight_denver_is_in_next_month_and_joins_month_after():
    # Dec 1 2026 00:00 MST: December's own cutoff applies -> January batch
    assert cal.cycle_for_submission(utc("2026-12-01T07:00:00")) == "2027-01"


def test_c1_submitted_after_cutoff_in_same_month_joins_batch_after_next():
    closures = {date(2026, 11, 30)}   # cutoff moves to Friday Nov 27
    # Friday Nov 27, 23:59:59 MST: in time for the December batch
    assert cal.cycle_for_submission(utc("2026-11-28T06:59:59"), closures) == "2026-12"
    # Saturday Nov 28, 00:00 MST: missed November's cutoff; December's is the next -> January
    assert cal.cycle_for_submission(utc("2026-11-28T07:00:00"), closures) == "2027-01"
    assert cal.cycle_for_submission(utc("2026-11-30T20:00:00"), closures) == "2027-01"


def test_c1_summer_time_cutoff_uses_denver_daylight_offset():
    # June 30 2026 (Tuesday, the cutoff) 23:30 MDT = July 1 05:30 UTC
    assert cal.cycle_for_submission(utc("2026-07-01T05:30:00")) == "2026-07"
    assert cal.cycle_for_submission(utc("2026-07-01T06:00:00")) == "2026-08"


def test_c1_december_after_cutoff_rolls_into_next_year():
    # Dec 2027 cutoff is Thursday Dec 30; Friday Dec 31 (observed holiday) is after it
    assert cal.cycle_for_submission(utc("2027-12-30T18:00:00")) == "2028-01"
    assert cal.cycle_for_submission(utc("2027-12-31T18:00:00")) == "2028-02"


def test_c1_c2_month_calendar_matches_spec_example():
    m = cal.month_calendar(2026, 11, policy=POLICY)
    assert m["month"] == "2026-11"
    assert m["cutoff"] == date(2026, 11, 30)
    assert m["processing_starts"] == date(2026, 12, 1)
    assert m["credentials_date"] == date(2026, 12, 7)
    assert m["cycle"] == "2026-12"
    assert m["credentials_date_overridden"] is False


def test_c1_c2_month_calendar_december_and_override():
    m = cal.month_calendar(2026, 12, policy=POLICY, credentials_override=date(2027, 1, 8))
    assert (m["cutoff"], m["cycle"], m["processing_starts"], m["credentials_date"]) == (
        date(2026, 12, 31), "2027-01", date(2027, 1, 4), date(2027, 1, 8))
    assert m["credentials_date_overridden"] is True


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-11", "2026/11", "", "2026-00", "abcd-ef"])
def test_parse_month_rejects_bad_text(bad):
    with pytest.raises(ValueError):
        cal.parse_month(bad)


# -- properties -----------------------------------------------------------------------------

months = st.tuples(st.integers(2020, 2035), st.integers(1, 12))


@settings(max_examples=150, deadline=None)
@given(months, st.sets(st.dates(date(2020, 1, 1), date(2035, 12, 31)), max_size=5))
def test_c1_cutoff_is_a_business_day_with_none_after_it_in_the_month(ym, closures):
    year, month = ym
    c = cal.cutoff(year, month, closures)
    assert (c.year, c.month) == (year, month)
    assert cal.is_business_day(c, closures)
    d = c + timedelta(days=1)
    while d.month == month:
        assert not cal.is_business_day(d, closures)
        d += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31)))
def test_c1_a_submission_joins_the_first_batch_whose_cutoff_it_makes(at):
    local = cal.clock.denver_date(at)
    year, month = cal.parse_month(cal.cycle_for_submission(at))
    fed_by = cal.shift_month(year, month, -1)        # the cutoff that feeds this batch
    previous = cal.shift_month(year, month, -2)      # the cutoff of the batch before
    assert local <= cal.cutoff(*fed_by)
    assert local > cal.cutoff(*previous)
