"""The one download writer: every CSV and XLSX the app writes for people (``csv_bytes``,
``xlsx_bytes``), and the import format's CSV for ``export`` and the backup
(``interchange_csv_bytes``). The B4 invoice workbooks are laid out by ecomm.billing.workbook and
neutralise their text here too.

Dates and times as people write them (ecomm.formats): a date ``2027-01-04``, a stored
date-time ``2027-01-04 13:10`` in Denver time, a missing value an empty cell. In an XLSX, a
date stays a date and a date-time a Denver date-time.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheet programs skip before reading a formula) would be run as a formula when the file is
opened: text that came from users (names, notes, reasons, group names) is prefixed with a single
quote so that it is shown as text. Numbers, dates and money stay what they are.

Not neutralised, on purpose: the import-format export (``interchange_csv_bytes``: ``python -m
ecomm export`` and the backup), which is data interchange that ``import`` must read back
unchanged, its cells already text in the import format's own formats; it is meant for scripts
and the importer, not to be opened in a spreadsheet program.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Iterable

import pandas as pd

from ecomm import clock
from ecomm.formats import fmt_cell, fmt_date, fmt_datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_ROWS = 200   # an XLSX column is as wide as its heading and its first rows' values


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


def _midnights(values: pd.Series) -> bool:
    """A date-time column holding days only (a DATE read back as midnight)."""
    present = values.dropna()
    return bool((present == present.dt.normalize()).all())


def people_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with dates and times as people write them (ecomm.formats): date-time
    columns of days only as ``2027-01-04``, other stored (naive UTC) date-times as Denver
    ``2027-01-04 13:10``, dates and date-times in text columns alike; missing values empty."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_convert("UTC").dt.tz_localize(None)
            fmt = fmt_date if _midnights(values) else fmt_datetime
            out[col] = [fmt(v.to_pydatetime()) if not pd.isna(v) else "" for v in values]
        elif values.dtype == object and values.map(
                lambda v: isinstance(v, (date, datetime)) or type(v).__name__ == "NaTType").any():
            out[col] = values.map(fmt_cell)
    return out


def csv_bytes(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """All rows as CSV, dates and times as people write them, formula-like text neutralised;
    UTF-8 with a byte-order mark (Excel keeps accents).

    Rows end with CRLF (RFC 4180): the csv writer then quotes every cell holding a carriage
    return or a newline, so a stray CR in a user's text cannot split a row in two."""
    text = safe_frame(people_frame(frame)).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def interchange_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A file of the import format as written (``export`` and the backup): cells as they are
    (not neutralised, the format's own text), UTF-8, "\\n" line ends, no index column."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_interchange_csv(path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """``interchange_csv_bytes``' format streamed into a file, row by row (the demo's files of
    the import format: text cells as they are, UTF-8, "\\n" line ends)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _xlsx_cell(value: Any, days_only: bool) -> Any:
    """A cell of an XLSX download: text neutralised, a date a date, a stored date-time its
    Denver wall time, lists joined with '; ', missing values empty."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        if days_only and value.time() == datetime.min.time():
            return value.date()
        return clock.to_denver(value).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (str, int, float, bool, date, Decimal)):
        return neutralise(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return neutralise(str(value))


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """All rows as a one-sheet workbook (openpyxl's write-only mode: rows streamed, so large
    tables stay quick): a frozen heading row, columns as wide as their headings and first
    rows, text neutralised, dates as dates."""
    from openpyxl import Workbook  # imported when a download is made (openpyxl is slow to load)
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31] or "Data")
    ws.freeze_panes = "A2"
    days_only = [not pd.api.types.is_datetime64_any_dtype(frame[c]) or _midnights(frame[c])
                 for c in frame.columns]
    first = frame.head(WIDTH_ROWS)
    for i, col in enumerate(frame.columns):
        longest = max([len(str(col)), *(len(str(v)) for v in first[col] if not pd.isna(v))])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(60, max(10, longest + 2))
    ws.append([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_xlsx_cell(v, d) for v, d in zip(row, days_only)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def neutralise_column(values: pd.Series) -> pd.Series:
    """``neutralise`` for a whole column of text at once (the same trigger characters):
    text starting with one gets a leading quote; other values, and missing ones, as they are."""
    risky = values.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
    if not risky.any():
        return values
    out = values.copy()
    out[risky] = "'" + values[risky]
    return out
