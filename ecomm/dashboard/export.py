"""Downloads of dashboard panels and reports: CSV (UTF-8 with a byte-order mark, for Excel) and
XLSX (one sheet, written row by row so that large panels stay quick). Text a spreadsheet
would run as a formula is neutralised with a leading quote."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from ecomm.safe_export import FORMULA_STARTS, csv_bytes, safe_frame  # noqa: F401
from ecomm.safe_export import neutralise as _safe


def to_csv(frame: pd.DataFrame) -> bytes:
    """All rows as CSV."""
    return csv_bytes(frame)


def _cell(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        stamp = value.to_pydatetime()
        return stamp.date() if stamp.time() == datetime.min.time() else stamp
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (str, int, float, bool, date, datetime, Decimal)):
        return _safe(value) if isinstance(value, str) else value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def to_xlsx(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """All rows as a one-sheet workbook (dates as dates, a frozen heading row)."""
    from openpyxl import Workbook  # imported when a download is made (openpyxl is slow to load)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31] or "Data")
    ws.freeze_panes = "A2"
    widths = [min(60, max(10, len(str(c)) + 2)) for c in frame.columns]
    for i, w in enumerate(widths):
        ws.column_dimensions[_letter(i + 1)].width = w
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
