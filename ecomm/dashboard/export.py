"""Downloads of dashboard panels and reports: CSV (UTF-8 with a byte-order mark, for Excel) and
XLSX (one sheet, written row by row so that large panels stay quick). Text a spreadsheet
would run as a formula is neutralised with a leading quote."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with formula-like text neutralised (text columns only)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_safe)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """All rows as CSV."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


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
