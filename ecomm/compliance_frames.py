"""The compliance lists (Q1-Q3) as tables for the Compliance page and its CSV downloads: one
row per list row, in the list's order (so a selected table row maps back to its list row).

The tables are made from the frames of ``ecomm.storage.compliance`` (``quiz_frame``,
``idle_frame``, ``course_frame``: the same SQL as the lists of rows), column for column, with
no per-row objects; everything the page needs later (campus, filters, counts, the requests
made from selected rows) is read from these tables."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ecomm.compliance import COURSE_EXPIRING, COURSE_NON_COMPLIANT, COURSE_STATUS_LABEL
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.storage import compliance as compliance_sql
from ecomm.storage import leavers as leavers_sql
from ecomm.storage.compliance import course_specialists
from ecomm.storage.notifications import specialists

QUIZ_COLUMNS = ["license", "name", "campus", "user email", "provisioned on", "days since",
                "quiz deadline", "reminder due (day)", "overdue", "specialists"]
IDLE_COLUMNS = ["license", "name", "campus", "application", "provisioned on", "last login",
                "idle since", "idle on", "specialists"]
LEAVER_COLUMNS = ["license", "name", "campus", "user email", "applications", "reason",
                  "leaver since", "specialists"]
COURSE_COLUMNS = ["contact", "name", "campus", "course", "status", "completed on", "expires on",
                  "licenses", "specialists"]


def _value(v: Any) -> Any:
    """A value from pandas as the rows have it: missing text (NaN) as None, a list (an array
    from Arrow) as a list."""
    if isinstance(v, float) and v != v:
        return None
    return list(v) if isinstance(v, np.ndarray) else v


def _none_when_all_missing(column: pd.Series) -> pd.Series | list:
    """A column with no value at all as None (as a frame built from rows has it), not NaN."""
    return [None] * len(column) if column.isna().all() else column


def _license_specialists(frame: pd.DataFrame) -> list[str]:
    """Q1/Q2: the license's specialists, as in the messages (``specialists``), as text."""
    return [", ".join(specialists(_value(a), _value(b)))
            for a, b in zip(frame["ecomm_specialist"], frame["additional_specialists"])]


def _table(frame: pd.DataFrame, columns: list[str], data: dict[str, Any]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame([], columns=columns)
    return pd.DataFrame(data, columns=columns).reset_index(drop=True)


def quiz_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Q1: licenses whose user is not a sender yet (from ``storage.compliance.quiz_frame``)."""
    return _table(frame, QUIZ_COLUMNS, {
        "license": frame["license_number"], "name": frame["full_name"], "campus": frame["campus"],
        "user email": frame["user_email"], "provisioned on": frame["provisioned_on"],
        "days since": frame["days_since"].astype("int64"), "quiz deadline": frame["quiz_deadline"],
        "reminder due (day)": _none_when_all_missing(frame["reminder_due"]),
        "overdue": frame["overdue"],
        "specialists": _license_specialists(frame)})


def idle_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Q2: held applications not logged in to for the idle months (from ``idle_frame``)."""
    return _table(frame, IDLE_COLUMNS, {
        "license": frame["license_number"], "name": frame["full_name"], "campus": frame["campus"],
        "application": frame["application"], "provisioned on": frame["provisioned_on"],
        "last login": frame["last_login_on"], "idle since": frame["idle_since"],
        "idle on": frame["idle_on"], "specialists": _license_specialists(frame)})


def course_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Q3: courses expiring or out of date (non-compliant) of licensed contacts (from
    ``course_frame``)."""
    return _table(frame, COURSE_COLUMNS, {
        "contact": frame["contact_id"], "name": frame["full_name"], "campus": frame["campus"],
        "course": frame["course"],
        "status": [COURSE_STATUS_LABEL.get(s, s) for s in frame["status"]],
        "completed on": frame["completed_on"], "expires on": frame["expires_on"],
        "licenses": [", ".join(ns) for ns in frame["license_numbers"]],
        "specialists": [", ".join(course_specialists(a, b)) for a, b in
                        zip(frame["ecomm_specialists"], frame["additional_specialists"])]})


def leaver_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Q4: licenses whose user no longer meets P3 (from ``storage.leavers.leaver_frame``)."""
    from ecomm.leavers import REASON_LABEL

    return _table(frame, LEAVER_COLUMNS, {
        "license": frame["license_number"], "name": frame["full_name"], "campus": frame["campus"],
        "user email": frame["user_email"],
        "applications": [", ".join(_value(a) or []) for a in frame["applications"]],
        "reason": [REASON_LABEL.get(r, r) for r in frame["reason"]],
        "leaver since": _none_when_all_missing(frame["since"]),
        "specialists": _license_specialists(frame)})


def in_campus(table: pd.DataFrame, campus: str | None) -> pd.DataFrame:
    """The rows of one campus (None: all of them), order kept."""
    if campus is None:
        return table
    return table[table["campus"] == campus].reset_index(drop=True)


def quiz_shown(table: pd.DataFrame, show: str) -> pd.DataFrame:
    """Q1 rows for the page's choice: 'all', 'overdue' or 'reminder' (due on this day)."""
    if show == "overdue":
        keep = table["overdue"].astype(bool)
    elif show == "reminder":
        keep = table["reminder due (day)"].notna()
    else:
        return table
    return table[keep].reset_index(drop=True)


def course_shown(table: pd.DataFrame, show: str) -> pd.DataFrame:
    """Q3 rows of one status ('expiring', 'non_compliant'), or all ('all')."""
    if show == "all":
        return table
    return table[table["status"] == COURSE_STATUS_LABEL[show]].reset_index(drop=True)


def quiz_counts(table: pd.DataFrame) -> dict[str, int]:
    return {"not a sender": len(table),
            "reminder due": int(table["reminder due (day)"].notna().sum()),
            "overdue": int(table["overdue"].astype(bool).sum())}


def idle_counts(table: pd.DataFrame) -> dict[str, int]:
    return {"applications": len(table), "licenses": int(table["license"].nunique())}


def course_counts(table: pd.DataFrame) -> dict[str, int]:
    status = table["status"]
    return {"expiring": int((status == COURSE_STATUS_LABEL[COURSE_EXPIRING]).sum()),
            "non-compliant": int((status == COURSE_STATUS_LABEL[COURSE_NON_COMPLIANT]).sum()),
            "people": int(table["contact"].nunique())}


def table_licenses(table: pd.DataFrame) -> Iterable[str]:
    """Q3: the license numbers of course rows (the 'licenses' column, in order)."""
    return (ln for text in table["licenses"] for ln in text.split(", ") if ln)


def compliance_tables(store, as_of: date, policy: Policy, viewer: Identity | None):
    """Q1-Q4 as of a day: the quiz, idle, course and leaver tables as shown and downloaded,
    straight from SQL, limited to what ``viewer`` may see (A1, A3)."""
    return (quiz_table(compliance_sql.quiz_frame(store, as_of, policy, viewer)),
            idle_table(compliance_sql.idle_frame(store, as_of, policy, viewer)),
            course_table(compliance_sql.course_frame(store, as_of, policy, viewer)),
            leaver_table(leavers_sql.leaver_frame(store, as_of, viewer)))
