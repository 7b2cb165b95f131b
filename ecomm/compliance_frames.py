"""The compliance lists (Q1-Q3) as tables for the Compliance page and its CSV downloads: one
row per list row, in the list's order (so a selected table row maps back to its list row)."""
from __future__ import annotations

from typing import Iterable, Sequence, TypeVar

import pandas as pd

from ecomm.compliance import (COURSE_EXPIRING, COURSE_NON_COMPLIANT, COURSE_STATUS_LABEL,
                              CourseStatus, IdleApp, Person, QuizStatus)

QUIZ_COLUMNS = ["license", "name", "campus", "user email", "provisioned on", "days since",
                "quiz deadline", "reminder due (day)", "overdue", "specialists"]
IDLE_COLUMNS = ["license", "name", "campus", "application", "provisioned on", "last login",
                "idle since", "idle on", "specialists"]
COURSE_COLUMNS = ["contact", "name", "campus", "course", "status", "completed on", "expires on",
                  "licenses", "specialists"]

R = TypeVar("R", bound=Person)


def in_campus(rows: Iterable[R], campus: str | None) -> list[R]:
    """The rows of one campus (None: all of them), order kept."""
    return [r for r in rows if campus is None or r.campus == campus]


def _people(specialists: Sequence[str]) -> str:
    return ", ".join(specialists)


def quiz_frame(rows: Sequence[QuizStatus]) -> pd.DataFrame:
    """Q1: licenses whose user is not a sender yet."""
    return pd.DataFrame([{
        "license": r.license_number, "name": r.full_name, "campus": r.campus,
        "user email": r.user_email, "provisioned on": r.provisioned_on,
        "days since": r.days_since, "quiz deadline": r.quiz_deadline,
        "reminder due (day)": r.reminder_due, "overdue": r.overdue,
        "specialists": _people(r.specialists)} for r in rows], columns=QUIZ_COLUMNS)


def idle_frame(rows: Sequence[IdleApp]) -> pd.DataFrame:
    """Q2: held applications not logged in to for the idle months."""
    return pd.DataFrame([{
        "license": r.license_number, "name": r.full_name, "campus": r.campus,
        "application": r.application, "provisioned on": r.provisioned_on,
        "last login": r.last_login_on, "idle since": r.idle_since, "idle on": r.idle_on,
        "specialists": _people(r.specialists)} for r in rows], columns=IDLE_COLUMNS)


def course_frame(rows: Sequence[CourseStatus]) -> pd.DataFrame:
    """Q3: courses expiring or out of date (non-compliant) of licensed contacts."""
    return pd.DataFrame([{
        "contact": r.contact_id, "name": r.full_name, "campus": r.campus, "course": r.course,
        "status": COURSE_STATUS_LABEL.get(r.status, r.status), "completed on": r.completed_on,
        "expires on": r.expires_on, "licenses": ", ".join(r.license_numbers),
        "specialists": _people(r.specialists)} for r in rows], columns=COURSE_COLUMNS)


def quiz_counts(rows: Sequence[QuizStatus]) -> dict[str, int]:
    return {"not a sender": len(rows),
            "reminder due": sum(r.reminder_due is not None for r in rows),
            "overdue": sum(r.overdue for r in rows)}


def idle_counts(rows: Sequence[IdleApp]) -> dict[str, int]:
    return {"applications": len(rows), "licenses": len({r.license_number for r in rows})}


def course_counts(rows: Sequence[CourseStatus]) -> dict[str, int]:
    return {"expiring": sum(r.status == COURSE_EXPIRING for r in rows),
            "non-compliant": sum(r.status == COURSE_NON_COMPLIANT for r in rows),
            "people": len({r.contact_id for r in rows})}
