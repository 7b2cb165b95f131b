"""Compliance lists (Q1-Q3) computed in SQL for any day, and writing quiz passes and logins.

The SQL does the same date arithmetic as the pure rules in ``ecomm.compliance`` (whose module
docstring fixes every boundary), from the fragments of ``ecomm.storage.rule_sql`` (shared with the
dashboard); tests/integration/test_compliance_lists.py checks both agree.
List functions take a cursor (``*_rows``, usable inside a write transaction) or the store
(``*_list``); ``viewer`` limits the rows to what that person may see (A1, A3).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

import pandas as pd
from pydantic import BaseModel

from ecomm import compliance as q
from ecomm import permissions
from ecomm.compliance_csv import LoginRow, QuizPassRow
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.storage import audit
from ecomm.storage import rule_sql as rule
from ecomm.storage.notifications import full_name_sql, specialists, user_email_sql
from ecomm.storage.scope import named_specialist_sql

def _scope(viewer: Identity | None, params: dict[str, Any], lic: str = "l") -> str:
    """A1/A3: a specialist sees their campus and licenses naming them (primary or additional:
    ``scope.named_specialist_sql``); others see everything."""
    if viewer is None or viewer.is_system or viewer.is_manager:
        return "TRUE"
    params["scope_campuses"] = permissions.visible_campuses(viewer)
    params["scope_email"] = viewer.email.strip().lower()
    return (f"({lic}.affiliated_campus IN (SELECT unnest($scope_campuses::VARCHAR[])) "
            f"OR coalesce({named_specialist_sql(lic)}, FALSE))")


def _fetch(cur, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    res = cur.execute(sql, params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _frame(cur, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    """The result straight into pandas through Arrow: dates as ``datetime.date`` (None when
    missing), nullable integers as floats with NaN, as a frame built from the rows would be."""
    return cur.sql(sql, params=params).to_arrow_table().to_pandas()


def _people(row: dict[str, Any]) -> dict[str, Any]:
    row["specialists"] = specialists(row.pop("ecomm_specialist", None),
                                     row.pop("additional_specialists", None))
    return row


# -- Q1 --------------------------------------------------------------------------------------
QUIZ_WHICH = {"all": "TRUE", "reminder_due": "reminder_due IS NOT NULL",
              "latest_reminder": "latest_reminder IS NOT NULL", "overdue": "overdue"}


def _quiz_sql(as_of: date, policy: Policy, viewer: Identity | None,
              which: str) -> tuple[str, dict[str, Any]]:
    """Q1 in SQL (the one definition behind ``quiz_rows`` and ``quiz_frame``)."""
    params: dict[str, Any] = {"as_of": as_of, "deadline": policy.quiz_deadline_days,
                              "reminders": list(policy.quiz_reminder_days)}
    scope = _scope(viewer, params)
    sql = f"""
        WITH held AS (
            SELECT la.license_number, min(la.provisioned_on) AS provisioned_on
            FROM license_apps la WHERE {rule.held_on('la')} GROUP BY la.license_number
        ), s AS (
            SELECT l.license_number, l.contact_id, h.provisioned_on,
                   {rule.quiz_days('h.provisioned_on')},
                   {full_name_sql()} AS full_name, c.first_name, l.affiliated_campus AS campus,
                   {user_email_sql()} AS user_email, l.ecomm_specialist, l.additional_specialists
            FROM licenses l JOIN held h ON h.license_number = l.license_number
            LEFT JOIN contacts c ON c.contact_id = l.contact_id
            WHERE {rule.quiz_not_passed('l')} AND {scope}
        ), r AS (
            SELECT s.*,
                   CASE WHEN list_contains($reminders::INTEGER[], days_since)
                        THEN days_since END AS reminder_due,
                   {rule.quiz_latest_reminder('days_since')} AS latest_reminder,
                   {rule.quiz_overdue('provisioned_on')} AS overdue
            FROM s
        )
        SELECT * FROM r WHERE {QUIZ_WHICH[which]} ORDER BY license_number"""
    return sql, params


def quiz_rows(cur, as_of: date, policy: Policy, viewer: Identity | None = None,
              which: str = "all") -> list[q.QuizStatus]:
    """Q1: licenses that are not senders on as_of ('all'), or only those with a reminder due
    that day, a reminder reached ('latest_reminder', for catching up) or the quiz overdue."""
    sql, params = _quiz_sql(as_of, policy, viewer, which)
    return [q.QuizStatus(**_people(r)) for r in _fetch(cur, sql, params)]


def quiz_list(store, as_of: date, policy: Policy, viewer: Identity | None = None,
              which: str = "all") -> list[q.QuizStatus]:
    """Q1: see ``quiz_rows``."""
    with store.cursor() as cur:
        return quiz_rows(cur, as_of, policy, viewer, which)


def quiz_frame(store, as_of: date, policy: Policy, viewer: Identity | None = None,
               which: str = "all") -> pd.DataFrame:
    """Q1: ``quiz_rows`` as one DataFrame (a column per field, ``ecomm_specialist`` and
    ``additional_specialists`` as stored), for the page and its download."""
    sql, params = _quiz_sql(as_of, policy, viewer, which)
    with store.cursor() as cur:
        return _frame(cur, sql, params)


# -- Q2 --------------------------------------------------------------------------------------
def _idle_sql(as_of: date, policy: Policy, viewer: Identity | None) -> tuple[str, dict[str, Any]]:
    """Q2 in SQL (the one definition behind ``idle_rows`` and ``idle_frame``)."""
    params: dict[str, Any] = {"as_of": as_of, "months": policy.idle_months}
    scope = _scope(viewer, params)
    sql = f"""
        WITH a AS (
            SELECT la.license_number, la.application, la.provisioned_on, la.last_login_on,
                   {rule.idle_since('la')} AS idle_since
            FROM license_apps la WHERE {rule.held_on('la')}
        ), i AS (
            SELECT a.*, {rule.idle_on('a.idle_since')} AS idle_on
            FROM a
        )
        SELECT i.*, l.contact_id, {full_name_sql()} AS full_name, c.first_name, l.affiliated_campus AS campus,
               {user_email_sql()} AS user_email, l.ecomm_specialist, l.additional_specialists
        FROM i JOIN licenses l ON l.license_number = i.license_number
        LEFT JOIN contacts c ON c.contact_id = l.contact_id
        WHERE i.idle_on <= $as_of AND {scope}
        ORDER BY i.license_number, i.application, i.provisioned_on"""
    return sql, params


def idle_rows(cur, as_of: date, policy: Policy, viewer: Identity | None = None) -> list[q.IdleApp]:
    """Q2: held applications with no login for idle_months calendar months on as_of."""
    sql, params = _idle_sql(as_of, policy, viewer)
    return [q.IdleApp(**_people(r)) for r in _fetch(cur, sql, params)]


def idle_list(store, as_of: date, policy: Policy, viewer: Identity | None = None) -> list[q.IdleApp]:
    """Q2: see ``idle_rows``."""
    with store.cursor() as cur:
        return idle_rows(cur, as_of, policy, viewer)


def idle_frame(store, as_of: date, policy: Policy, viewer: Identity | None = None) -> pd.DataFrame:
    """Q2: ``idle_rows`` as one DataFrame (specialists as stored), for the page and its download."""
    sql, params = _idle_sql(as_of, policy, viewer)
    with store.cursor() as cur:
        return _frame(cur, sql, params)


# -- Q3 --------------------------------------------------------------------------------------
def _course_sql(as_of: date, policy: Policy, viewer: Identity | None,
                include_ok: bool) -> tuple[str, dict[str, Any]]:
    """Q3 in SQL (the one definition behind ``course_rows`` and ``course_frame``)."""
    params = rule.course_params(as_of, policy)
    scope = _scope(viewer, params)
    sql = f"""
        WITH lic AS MATERIALIZED (
            SELECT l.* FROM licenses l
            WHERE l.license_number IN (SELECT la.license_number FROM license_apps la
                                       WHERE {rule.held_on('la')})
              AND {scope}
        ), latest AS (
            SELECT lc.contact_id, {rule.course_latest('cc')}
            FROM (SELECT DISTINCT contact_id FROM lic) lc
            LEFT JOIN course_completions cc
              ON cc.contact_id = lc.contact_id AND cc.completed_on <= $as_of
            GROUP BY lc.contact_id
        ), s AS (
            {rule.course_unnest('latest')}
        ), st AS (
            {rule.course_status('s')}
        ), flagged AS (
            SELECT * FROM st WHERE {'TRUE' if include_ok else "status <> 'ok'"}
        ), people AS (   -- who to tell, only for the contacts listed
            SELECT l.contact_id, list(l.license_number ORDER BY l.license_number) AS license_numbers,
                   arg_min(l.affiliated_campus, l.license_number) AS campus,
                   arg_min({user_email_sql()}, l.license_number) AS user_email,
                   list(l.ecomm_specialist ORDER BY l.license_number) AS ecomm_specialists,
                   flatten(list(coalesce(l.additional_specialists, []) ORDER BY l.license_number))
                       AS additional_specialists,
                   any_value({full_name_sql()}) AS full_name, any_value(c.first_name) AS first_name
            FROM lic l LEFT JOIN contacts c ON c.contact_id = l.contact_id
            WHERE l.contact_id IN (SELECT contact_id FROM flagged)
            GROUP BY l.contact_id
        )
        SELECT f.* EXCLUDE (ord), p.* EXCLUDE (contact_id)
        FROM flagged f JOIN people p ON p.contact_id = f.contact_id
        ORDER BY f.contact_id, f.ord"""
    return sql, params


def course_specialists(ecomm_specialists, additional_specialists) -> list[str]:
    """Q3: whom to tell about a contact: the specialists of each of their licenses, in order."""
    return specialists(None, [*(ecomm_specialists if ecomm_specialists is not None else []),
                              *(additional_specialists if additional_specialists is not None
                                else [])])


def course_rows(cur, as_of: date, policy: Policy, viewer: Identity | None = None,
                include_ok: bool = False) -> list[q.CourseStatus]:
    """Q3: each licensed contact's courses that are expiring or non-compliant on as_of."""
    sql, params = _course_sql(as_of, policy, viewer, include_ok)
    out = []
    for r in _fetch(cur, sql, params):
        r["specialists"] = course_specialists(r.pop("ecomm_specialists"),
                                              r.pop("additional_specialists"))
        out.append(q.CourseStatus(**r))
    return out


def course_list(store, as_of: date, policy: Policy, viewer: Identity | None = None,
                include_ok: bool = False) -> list[q.CourseStatus]:
    """Q3: see ``course_rows``."""
    with store.cursor() as cur:
        return course_rows(cur, as_of, policy, viewer, include_ok)


def course_frame(store, as_of: date, policy: Policy, viewer: Identity | None = None,
                 include_ok: bool = False) -> pd.DataFrame:
    """Q3: ``course_rows`` as one DataFrame (``ecomm_specialists`` and ``additional_specialists``
    as lists, see ``course_specialists``), for the page and its download."""
    sql, params = _course_sql(as_of, policy, viewer, include_ok)
    with store.cursor() as cur:
        return _frame(cur, sql, params)


# -- recording quiz passes and logins (System team) -------------------------------------------
class ImportSummary(BaseModel):
    file: str
    rows: int
    changed: int
    messages_queued: int = 0


# Called inside the write transaction when a license gets its first quiz pass (the service
# queues the quiz-passed message there); returns how many messages it queued.
FirstPass = Callable[[Any, str, date], int]


def write_quiz_pass(store, license_number: str, passed_on: date, actor: str,
                    on_first_pass: FirstPass | None = None) -> bool:
    """Q1: set a license's quiz pass and lift "not a sender" (audited, A4). False when the
    license already had exactly this pass. The permission check is the caller's."""

    def run(cur) -> bool:
        row = cur.execute("SELECT quiz_passed_on, not_a_sender, affiliated_campus FROM licenses "
                          "WHERE license_number = ?", [license_number]).fetchall()
        row = row[0] if row else None
        if row is None:
            raise NotFound(f"There is no license record {license_number}.")
        before_on, before_flag, campus = row
        if before_on == passed_on and not before_flag:
            return False
        cur.execute("UPDATE licenses SET quiz_passed_on = ?, not_a_sender = FALSE "
                    "WHERE license_number = ?", [passed_on, license_number])
        audit.record(cur, actor=actor, action="record_quiz_pass", entity="license",
                     entity_id=license_number, campus=campus,
                     before={"quiz_passed_on": before_on, "not_a_sender": before_flag},
                     after={"quiz_passed_on": passed_on, "not_a_sender": False})
        if on_first_pass is not None and before_on is None:
            on_first_pass(cur, license_number, passed_on)
        return True

    return store.write(run)


def _register(cur, name: str, rows: list[dict[str, Any]]) -> None:
    cur.register(name, pd.DataFrame(rows, dtype=object))


def write_quiz_passes(store, name: str, rows: list[QuizPassRow], actor: str,
                      on_first_pass: FirstPass | None = None) -> ImportSummary:
    """Q1: the parsed rows of a quiz-pass file, all or nothing (every license must exist),
    audited per license. The permission check and the parsing are the caller's."""

    def run(cur) -> ImportSummary:
        current = _existing_licenses(cur, name, [(r.line, r.license_number) for r in rows])
        changed = queued = 0
        for r in rows:
            before_on, before_flag, campus = current[r.license_number]
            if before_on == r.quiz_passed_on and not before_flag:
                continue
            cur.execute("UPDATE licenses SET quiz_passed_on = ?, not_a_sender = FALSE "
                        "WHERE license_number = ?", [r.quiz_passed_on, r.license_number])
            audit.record(cur, actor=actor, action="import_quiz_pass", entity="license",
                         entity_id=r.license_number, campus=campus, detail=f"{name}:{r.line}",
                         before={"quiz_passed_on": before_on, "not_a_sender": before_flag},
                         after={"quiz_passed_on": r.quiz_passed_on, "not_a_sender": False})
            changed += 1
            if on_first_pass is not None and before_on is None:
                queued += on_first_pass(cur, r.license_number, r.quiz_passed_on)
        return ImportSummary(file=name, rows=len(rows), changed=changed, messages_queued=queued)

    return store.write(run)


def _existing_licenses(cur, name: str, lines: list[tuple[int, str]]) -> dict[str, tuple]:
    _register(cur, "incoming_licenses", [{"line": n, "ln": ln} for n, ln in lines]
              or [{"line": 0, "ln": ""}])
    try:
        found = {r[0]: r[1:] for r in cur.execute(
            "SELECT l.license_number, l.quiz_passed_on, l.not_a_sender, l.affiliated_campus "
            "FROM licenses l WHERE l.license_number IN (SELECT ln FROM incoming_licenses)").fetchall()}
    finally:
        cur.unregister("incoming_licenses")
    problems = [f"{name}:{n} license_number: there is no license record {ln}"
                for n, ln in lines if ln not in found]
    if problems:
        raise EcommError(f"{name} was not imported: {len(problems)} problem(s).", problems)
    return found


def write_logins(store, name: str, rows: list[LoginRow], actor: str) -> ImportSummary:
    """Q2: the parsed rows of a last-login file, all or nothing (audited). Each row sets the last
    login of that application on the license: the row currently held, else the most recently
    provisioned one. The permission check and the parsing are the caller's."""

    def run(cur) -> ImportSummary:
        _existing_licenses(cur, name, [(r.line, r.license_number) for r in rows])
        if not rows:
            return ImportSummary(file=name, rows=0, changed=0)
        _register(cur, "incoming_logins", [
            {"line": r.line, "ln": r.license_number, "app": r.application,
             "d": r.last_login_on.isoformat()} for r in rows])
        try:
            target = """
                SELECT i.line, i.ln, i.app, CAST(i.d AS DATE) AS d, la.provisioned_on,
                       la.last_login_on AS old,
                       row_number() OVER (PARTITION BY i.line ORDER BY la.deprovisioned_on IS NULL
                                          DESC, la.provisioned_on DESC) AS rn
                FROM incoming_logins i LEFT JOIN license_apps la
                  ON la.license_number = i.ln AND la.application = i.app"""
            missing = cur.execute(f"SELECT line, ln, app FROM ({target}) WHERE provisioned_on "
                                  "IS NULL ORDER BY line").fetchall()
            if missing:
                raise EcommError(f"{name} was not imported: {len(missing)} problem(s).", [
                    f"{name}:{line} application: license {ln} has never held {app}"
                    for line, ln, app in missing])
            changed = cur.execute(f"SELECT count(*) FROM ({target}) WHERE rn = 1 "
                                  "AND old IS DISTINCT FROM d").fetchall()[0][0]
            cur.execute(
                f"UPDATE license_apps SET last_login_on = t.d FROM (SELECT * FROM ({target}) "
                "WHERE rn = 1) t WHERE license_apps.license_number = t.ln "
                "AND license_apps.application = t.app AND license_apps.provisioned_on = "
                "t.provisioned_on AND license_apps.last_login_on IS DISTINCT FROM t.d")
        finally:
            cur.unregister("incoming_logins")
        audit.record(cur, actor=actor, action="import_logins", entity="license_apps",
                     detail=f"{name}: {len(rows)} rows, {changed} last-login dates changed",
                     after={"file": name, "rows": len(rows), "changed": changed})
        return ImportSummary(file=name, rows=len(rows), changed=changed)

    return store.write(run)
