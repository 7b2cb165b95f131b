"""Tables and files people take away: downloads (formula-like text neutralised) and
import-style problems as a table."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

def problems_frame(problems: list[str]) -> pd.DataFrame:
    """Import-style problems (`file:line column: what is wrong`) as a table."""
    rows = []
    for p in problems:
        where, sep, what = p.partition(": ")
        if not sep:
            where, what = "", p
        rows.append({"where": where, "problem": what})
    return pd.DataFrame(rows, columns=["where", "problem"])


def download_csv(frame: pd.DataFrame, file_name: str, label: str, key: str | None = None) -> None:
    """A download button for a table as CSV (UTF-8), formula-like text
    neutralised (ecomm.safe_export)."""
    from ecomm.safe_export import csv_bytes

    st.download_button(label, csv_bytes(frame, bom=False), file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:")


def download_bytes(data: bytes | Callable[[], bytes], file_name: str, label: str, mime: str,
                   key: str | None = None) -> None:
    """A download button for bytes, or for a function making them when clicked."""
    st.download_button(label, data, file_name=file_name, mime=mime, key=key,
                       on_click="ignore", icon=":material/download:")
