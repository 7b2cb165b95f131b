"""requests.csv: each imported provisioning request is checked by the same rules as one made
in the form (P1-P14 via ``provision.check``), as of the Denver day it was submitted.

Runs inside the import's transaction AFTER its rows are written, so that contacts, courses,
licenses and users arriving in the same import count. Only requests whose stored status is
``pending`` are judged: processed, completed or cancelled ones are history, and a held one
was already judged by its batch (C3). The transcript file of P5 cannot come through a CSV
and is not asked for; the course dates on the row are checked.
"""
from __future__ import annotations

from typing import NamedTuple

from pydantic import ValidationError

from ecomm import clock
from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.requests import provision
from ecomm.requests.provision import DRAFT_TO_REQUEST
from ecomm.rules import ProvisionDraft
from ecomm.storage import admin
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy

COURSE_COLUMN = {course: col for col, course in ref.COURSE_REQUEST_COLUMNS.items()}
RULE_COLUMN = {"P1": "contact_id", "P2": "contact_id", "P3": "contact_id", "P4": "contact_id",
               "P5": "contact_id", "P6": "submitted_by", "P7": "applications",
               "P8": "super_user_permissions", "P9": "cvent_add_ons", "P10": "replaces_license",
               "P11": "business_units", "P12": "unit_speedtypes", "P14": "submitted_by"}


class ImportProblem(NamedTuple):
    """One failing rule of one imported row: ``text`` is 'requests.csv:LINE column: P4: ...'."""

    line: int
    column: str
    text: str


def _column(rule: str, message: str) -> str:
    if rule == "P5":
        for course, col in COURSE_COLUMN.items():
            if message.startswith(course):
                return col
    if rule == "P11" and "public group" in message.lower():
        return "public_groups"
    return RULE_COLUMN.get(rule, "request_id")


def check_imported_requests(cur, lines: dict[str, int], *, label: str = "requests.csv"
                            ) -> list[ImportProblem]:
    """P1-P14 for imported provisioning requests (``lines``: request_id -> line in the file),
    each as of its submitted_at (Denver day); every failing rule of every row, in line order.
    Call with the import's transaction cursor after the rows are written."""
    reader = rs.CursorReader(cur)
    rows = {r["request_id"]: r for r in rs.requests_by_id(reader, list(lines))}
    missing = [rid for rid in lines if rid not in rows]
    if missing:
        raise RuntimeError("check_imported_requests runs after the imported requests are "
                           f"written; not in the database yet: {', '.join(missing[:5])}")
    policy = load_policy(reader)
    out: list[ImportProblem] = []

    def add(line: int, column: str, text: str) -> None:
        out.append(ImportProblem(line, column, f"{label}:{line} {column}: {text}"))

    for rid, line in sorted(lines.items(), key=lambda kv: kv[1]):
        row = rows[rid]
        if row["kind"] != "provision" or row["status"] != "pending":
            continue
        on = clock.denver_date(row["submitted_at"])
        user = admin.get_user_cur(cur, (row["submitted_by"] or "").strip().lower())
        if user is None:
            add(line, "submitted_by", f"P14: {row['submitted_by']} is not a user of the app "
                                      "(users.csv): only eComm specialists and the System team "
                                      "submit requests")
            continue
        submitter = Identity(**{k: user[k] for k in ("email", "name", "role", "campus",
                                                     "quiz_passed_on", "active")})
        try:
            draft = ProvisionDraft(contact_id=row["contact_id"], campus=row["campus"],
                                   **{k: row[k] for k in DRAFT_TO_REQUEST if row[k] is not None})
        except ValidationError as exc:
            for err in exc.errors():
                col = str(err["loc"][0]) if err.get("loc") else "request_id"
                add(line, col, err["msg"].removeprefix("Value error, "))
            continue
        verdict = provision.check(reader, submitter, row["contact_id"], draft, on, policy,
                                  request_id=rid)
        for f in verdict.failures:
            add(line, _column(f.rule, f.message), f.sentence())
    return out
