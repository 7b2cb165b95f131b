"""Readable tables (issue 18): column labels in the users' words, the person's name first, the
"why" column near the left, no duplicate license columns, no "None"/"NaN"/"NaT" in a cell, dates
and times as ``ecomm.formats`` writes them (``2027-01-04``, ``2027-01-04 13:10``).

Pages pass the frame a service gave them through ``readable`` (a display copy: the service's
frame, its downloads and the positional row selections are unchanged) and draw it with
``show`` (``st.dataframe`` with an empty placeholder for anything still missing). The queries
and their column names stay as they are; only what people see changes here.
"""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from ecomm import reference as ref

# Query column -> the users' words (a column not named here loses its underscores).
LABELS: dict[str, str] = {
    "license_number": "license", "license_numbers": "license records",
    "contact_id": "contact", "request_id": "request", "full_name": "name",
    "billing_campus": "billing campus", "affiliated_campus": "campus",
    "provisioned_on": "provisioned on", "deprovisioned_on": "deprovisioned on",
    "days_since": "days since provisioned", "days since": "days since provisioned",
    "quiz_deadline": "quiz deadline", "latest_reminder": "latest reminder",
    "last_login_on": "last login", "idle_since": "idle since", "idle_on": "idle on",
    "completed_on": "completed on", "expires_on": "expires on", "since": "leaver since",
    "salesforce_removed_on": "Salesforce removed on", "salesforce_profile": "Salesforce profile",
    "public_groups": "public groups", "business_units": "business units",
    "replaces_license": "replaces license", "user_email": "user email",
    "submitted_at": "submitted", "submitted_by": "submitted by", "ecomm_specialist":
    "eComm specialist", "additional_specialists": "additional eComm specialists",
    "campus_speedtype": "campus speedtype", "unit_speedtypes": "unit speedtypes",
    "fiscal_year": "fiscal year", "net_new": "net new", "monthly_rate": "monthly rate",
    "line_total": "line total", "as_of": "as of", "started_at": "started", "ended_at":
    "ended", "created_at": "created", "sent_at": "sent",
    "actual_source": "actual from", "pending_requests": "pending requests",
    "pending_deprovisions": "pending deprovisionings",
    "start_date": "started on", "end_date": "ended on", "will_be_held": "will be held",
}


def label(column: str) -> str:
    """A query's column name in the users' words: ``billing_campus`` -> ``billing campus``."""
    if column in LABELS:
        return LABELS[column]
    return re.sub(r"_+", " ", str(column)).strip()


def _is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):   # lists, arrays
        return False


def _dated(values: pd.Series) -> bool:
    """Every value of a date-time column is at midnight: it holds days."""
    present = values.dropna()
    return present.empty or bool((present == present.dt.normalize()).all())


def cells(values: pd.Series) -> pd.Series:
    """A column as people read it: date-times as ``2027-01-04`` (days) or ``2027-01-04 13:10``
    (as the query gives them: the queries give local times), lists joined with ', ', missing
    text as empty. Numbers and yes/no columns keep their type (they sort as numbers); their
    gaps show empty through ``show`` (``placeholder=""``)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        fmt = "%Y-%m-%d" if _dated(values) else "%Y-%m-%d %H:%M"
        return values.dt.strftime(fmt).fillna("").astype(object)
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        # numbers stay numbers (they sort and align as numbers); a gap shows as an empty cell
        # through ``show``'s placeholder; whole numbers with gaps read 14, not 14.0
        if (values.isna().any() and pd.api.types.is_float_dtype(values)
                and not (values.dropna() % 1).any()):
            return values.astype("Int64")
        return values
    out = []
    for v in values.tolist():
        if _is_missing(v):
            out.append("")
        elif isinstance(v, (list, tuple)) or type(v).__name__ == "ndarray":
            out.append(", ".join(str(x) for x in v))
        elif hasattr(v, "strftime") and not isinstance(v, str):
            out.append(v.strftime("%Y-%m-%d %H:%M") if getattr(v, "hour", 0) or
                       getattr(v, "minute", 0) else v.strftime("%Y-%m-%d"))
        else:
            out.append(v)
    if "" in out and any(not isinstance(v, str) for v in out):   # one type per column (Arrow)
        out = [v if isinstance(v, str) else str(v) for v in out]
    return pd.Series(out, index=values.index, dtype=object)


def readable(frame: pd.DataFrame, lead: Iterable[str] = (), *, after: Iterable[str] = (),
             drop: Iterable[str] = ()) -> pd.DataFrame:
    """A display copy of ``frame``: the ``lead`` columns first, in that order (the request,
    the person's name, the "why" columns: those present), then the ``after`` ones (links),
    then the rest in their order; ``drop`` left out; cells as ``cells`` makes them; columns
    labelled as ``label`` says. The rows (and so positional selections) are unchanged."""
    dropped = set(drop)
    cols = [c for c in frame.columns if c not in dropped]
    first = [c for c in dict.fromkeys([*lead, *after]) if c in cols]
    order = first + [c for c in cols if c not in first]
    out = {}
    for c in order:
        name = label(c)
        while name in out:   # two columns with one label: keep both, told apart
            name += " "
        out[name] = cells(frame[c])
    return pd.DataFrame(out, index=frame.index)


def duplicate_app_flags(frame: pd.DataFrame) -> list[str]:
    """The per-application yes/no columns of a frame that also lists its ``applications``
    (the same facts twice)."""
    if "applications" not in frame.columns:
        return []
    return [a for a in ref.APPLICATIONS if a in frame.columns
            and pd.api.types.is_bool_dtype(frame[a])]


def snake_case_headers(columns: Iterable[str]) -> list[str]:
    """Headers people should never see (tests): raw query names with underscores."""
    return [c for c in columns if "_" in str(c)]


def plain_facet_titles(fig) -> None:
    """A faceted Plotly Express chart's panel titles without the column's name: "July
    invoice", not "invoice=July invoice"."""
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))


def show(frame: pd.DataFrame, **kwargs):
    """``st.dataframe`` of a readable frame; anything still missing shows as an empty cell."""
    import streamlit as st

    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "")
    return st.dataframe(frame, **kwargs)
