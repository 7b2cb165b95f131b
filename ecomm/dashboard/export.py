"""Downloads of dashboard panels and reports: CSV (UTF-8 with a byte-order mark, for Excel) and
XLSX (one sheet, written row by row so that large panels stay quick), both written by the one
download writer (ecomm.safe_export): formula-like text neutralised, dates and times as people
write them."""
from __future__ import annotations

import pandas as pd

from ecomm.safe_export import FORMULA_STARTS, csv_bytes, safe_frame, xlsx_bytes  # noqa: F401


def to_csv(frame: pd.DataFrame) -> bytes:
    """All rows as CSV."""
    return csv_bytes(frame)


def to_xlsx(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """All rows as a one-sheet workbook (dates as dates, a frozen heading row)."""
    return xlsx_bytes(frame, sheet=sheet)
