"""The one neutraliser of spreadsheet formulas for every CSV and XLSX the app writes for people.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheet programs skip before reading a formula) would be run as a formula when the file is
opened: text that came from users (names, notes, reasons, group names) is prefixed with a single
quote so that it is shown as text. Numbers, dates and money stay what they are.

Not neutralised, on purpose: the import-format export (``ecomm.exporter``, ``python -m ecomm
export`` and the backup), which is data interchange that ``import`` must read back unchanged;
it is meant for scripts and the importer, not to be opened in a spreadsheet program.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with a leading quote; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with formula-like text neutralised (text columns only)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def csv_bytes(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """All rows as CSV, neutralised; UTF-8 with a byte-order mark (Excel keeps accents).

    Rows end with CRLF (RFC 4180): the csv writer then quotes every cell holding a carriage
    return or a newline, so a stray CR in a user's text cannot split a row in two."""
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def neutralise_column(values: pd.Series) -> pd.Series:
    """``neutralise`` for a whole column of text at once (the same trigger characters):
    text starting with one gets a leading quote; other values, and missing ones, as they are."""
    risky = values.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
    if not risky.any():
        return values
    out = values.copy()
    out[risky] = "'" + values[risky]
    return out
