"""Paging a long table (issue 18, speed): a page shows at most ``PAGE_ROWS`` rows, so a run
sends one page to the browser rather than every row; the CSV download keeps the full list."""
from __future__ import annotations

import math

import pandas as pd

PAGE_ROWS = 500


def find_rows(frame: pd.DataFrame, text: str, columns: list[str]) -> pd.DataFrame:
    """The rows whose ``columns`` contain ``text`` (case-insensitive, plain text); all when empty."""
    text = (text or "").strip()
    if not text or frame.empty:
        return frame
    hit = pd.Series(False, index=frame.index)
    for col in columns:
        hit |= frame[col].astype(str).str.contains(text, case=False, regex=False)
    return frame[hit].reset_index(drop=True)


def page_count(n_rows: int, size: int | None = None) -> int:
    return max(1, math.ceil(n_rows / (size or PAGE_ROWS)))


def page_of(frame: pd.DataFrame, page: int, size: int | None = None) -> pd.DataFrame:
    """Page ``page`` (1-based, clamped) of ``frame``, positions 0.. (selections map onto it)."""
    size = size or PAGE_ROWS
    page = min(max(1, int(page)), page_count(len(frame), size))
    return frame.iloc[(page - 1) * size: page * size].reset_index(drop=True)
