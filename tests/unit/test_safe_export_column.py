"""The column-wise formula neutraliser (ecomm.safe_export.neutralise_column) is ``neutralise``
applied to every value: same trigger characters, missing values and non-text left alone."""
from __future__ import annotations

import pandas as pd
import pytest

from ecomm.safe_export import FORMULA_STARTS, neutralise, neutralise_column

VALUES = ["Plain", "", "=SUM(A1)", "+1", "-5", "@here", "\tTab", "\rCR", "'=already", " =space",
          "a=b", "Ünï", "=", None]


@pytest.mark.parametrize("dtype", ["str", object])
def test_neutralise_column_is_neutralise_value_by_value(dtype):
    column = pd.Series(VALUES + [f"{c}x" for c in FORMULA_STARTS], dtype=dtype)
    got = neutralise_column(column)
    assert [None if pd.isna(v) else v for v in got] == \
           [None if pd.isna(v) else neutralise(v) for v in column]
    assert list(column[:3]) == ["Plain", "", "=SUM(A1)"]   # the input is left as it was


def test_neutralise_column_leaves_numbers_in_a_mixed_column():
    column = pd.Series(["=x", -5, 3.5, None, "ok"], dtype=object)
    assert list(neutralise_column(column)) == ["'=x", -5, 3.5, None, "ok"]
