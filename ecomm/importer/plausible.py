"""Plausible values for the text columns of the import format: an ID looks like an ID, a name
like a name, and no text cell is absurdly long or holds control characters. Random junk rows,
a 10 MB name or a row swallowed into a last name by a stray quote are refused here, as
``file:line column: what is wrong``.

Checked over whole columns (pandas string methods), so a file of 250,000 contacts costs little.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Longest text cell of any column (a free-text note, a department, a reason). Excel's own
# limit for a cell is 32,767 characters; nothing in the import format comes near 2,000.
MAX_TEXT_CHARS = 2_000


@dataclass(frozen=True)
class Shape:
    """What a column's value looks like: a pattern, its longest length, and the sentence."""
    pattern: str
    max_chars: int
    what: str


_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"          # control characters but tab, LF, CR
_ONE_LINE = r"[^\x00-\x1f\x7f]"                         # no control characters at all
SHAPES: dict[str, Shape] = {
    # Salesforce contact IDs (15/18 characters) and the CRM's other IDs: letters, digits, - _
    "contact_id": Shape(r"[A-Za-z0-9][A-Za-z0-9_-]*", 40,
                        "is not a contact ID (letters, digits, '-' or '_', at most 40)"),
    # CU employee IDs are numbers (6 digits in the HR system; up to 12 allowed, with a
    # letter prefix of up to 3 for other systems' exports)
    "employee_id": Shape(r"[A-Za-z]{0,3}[0-9]{4,12}", 15,
                         "is not an employee ID (digits, e.g. 101234, optionally after a "
                         "letter prefix of up to 3)"),
    # a name holds a letter and no control characters or line breaks
    "name": Shape(rf"(?=.*[^\W\d_]){_ONE_LINE}+", 100,
                  "is not a name (one line with at least one letter, at most 100 characters)"),
}
COLUMN_SHAPE = {"contact_id": "contact_id", "employee_id": "employee_id",
                "last_name": "name", "first_name": "name", "name": "name"}


def _show(v: str) -> str:
    return repr(v if len(v) <= 60 else v[:57] + "...")


def implausible(values: pd.Series, column: str, kind: str) -> pd.Series:
    """Error text per cell (None where the value is plausible); ``values`` are stripped text,
    '' for an empty cell (empty cells are left to the required check)."""
    err = pd.Series(None, index=values.index, dtype=object)
    filled = values != ""
    if not filled.any():
        return err
    lengths = values.str.len()
    shape = SHAPES.get(COLUMN_SHAPE.get(column, ""))
    if shape is not None:
        bad = filled & (~values.str.fullmatch(shape.pattern).fillna(False).astype(bool)
                        | (lengths > shape.max_chars))
        for i in bad[bad].index:
            err[i] = f"{_show(values[i])} {shape.what}"
    if kind in ("text", "list"):
        long = filled & (lengths > MAX_TEXT_CHARS) & err.isna()
        for i in long[long].index:
            err[i] = (f"is {lengths[i]:,} characters long; a cell holds at most "
                      f"{MAX_TEXT_CHARS:,} characters")
        control = filled & values.str.contains(f"[{_CONTROL}]", regex=True) & err.isna()
        for i in control[control].index:
            err[i] = f"{_show(values[i])} holds control characters; remove them"
    return err


def first_error(a: pd.Series, b: pd.Series) -> pd.Series:
    """Per cell, the first of two error texts that is set."""
    return a.where(a.notna(), b)

