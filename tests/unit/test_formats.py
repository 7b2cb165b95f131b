"""Dates, times and empty cells as people write them (issue 18: readable tables, CSV included)."""
from datetime import date, datetime

import pandas as pd

from ecomm.formats import fmt_cell, fmt_date, fmt_datetime, fmt_long_date


def test_fmt_date_is_iso_and_empty_when_missing():
    assert fmt_date(date(2028, 2, 29)) == "2028-02-29"
    assert fmt_date(datetime(2027, 1, 4, 23, 59)) == "2027-01-04"
    assert fmt_date(None) == ""


def test_fmt_datetime_is_denver_wall_time_without_seconds():
    # 2027-01-04 20:10:05 UTC is 13:10 in Denver (MST, UTC-7); in July MDT is UTC-6.
    assert fmt_datetime(datetime(2027, 1, 4, 20, 10, 5, 123456)) == "2027-01-04 13:10"
    assert fmt_datetime(datetime(2027, 7, 1, 5, 30)) == "2027-06-30 23:30"
    assert fmt_datetime(None) == ""


def test_fmt_long_date_reads_as_a_sentence():
    assert fmt_long_date(date(2027, 1, 4)) == "Mon Jan 4, 2027"
    assert fmt_long_date(None, missing="never") == "never"


def test_fmt_cell_never_shows_none_nan_or_nat():
    assert fmt_cell(None) == ""
    assert fmt_cell(float("nan")) == ""
    assert fmt_cell(pd.NaT) == ""
    assert fmt_cell(date(2026, 12, 7)) == "2026-12-07"
    assert fmt_cell("Boulder") == "Boulder"
    assert fmt_cell(3) == 3
