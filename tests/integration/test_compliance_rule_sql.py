"""The shared Q1-Q3 SQL fragments (``ecomm.storage.rule_sql``, used by the dashboard and the
compliance lists) give the pure rules' answers (``ecomm.compliance``) at every day boundary."""
from __future__ import annotations

from datetime import date, timedelta

from ecomm import compliance as q
from ecomm import reference as ref
from ecomm.policy import Policy
from ecomm.storage import rule_sql as rule

POLICY = Policy()
START = date(2026, 8, 31)  # a month end: Q2's clamp to a shorter month is crossed
DAYS = [START + timedelta(days=n) for n in range(-2, 800, 1)]


def _rows(store, sql: str, params: dict) -> list[tuple]:
    with store.cursor() as cur:
        return cur.sql(sql, params=params).fetchall()


def test_held_on_and_quiz_fragments_equal_the_pure_rules(store):
    removed = START + timedelta(days=70)
    sql = f"""
        SELECT {rule.held_on('a')} AS held, {rule.quiz_not_passed('a')} AS not_passed,
               {rule.quiz_days('a.provisioned_on')},
               {rule.quiz_overdue('a.provisioned_on')} AS overdue,
               {rule.quiz_latest_reminder('CAST($as_of - a.provisioned_on AS INTEGER)')}
                   AS latest_reminder
        FROM (SELECT CAST($p AS DATE) AS provisioned_on, CAST($d AS DATE) AS deprovisioned_on,
                     CAST($passed AS DATE) AS quiz_passed_on) a"""
    for as_of in DAYS[:120]:
        params = {"as_of": as_of, "p": START, "d": removed, "passed": START + timedelta(days=40),
                  "deadline": POLICY.quiz_deadline_days,
                  "reminders": list(POLICY.quiz_reminder_days)}
        (held, not_passed, days, deadline, overdue, latest), = _rows(store, sql, params)
        assert held == q.app_held(START, removed, as_of), as_of
        assert not_passed == q.is_not_a_sender(START + timedelta(days=40), as_of), as_of
        assert days == (as_of - START).days
        assert deadline == q.quiz_deadline(START, POLICY)
        assert overdue == q.quiz_overdue(START, as_of, POLICY), as_of
        assert latest == q.latest_quiz_reminder(START, as_of, POLICY), as_of


def test_idle_fragments_equal_the_pure_rules(store):
    sql = f"""SELECT {rule.idle_since('a')}, {rule.idle_on(rule.idle_since('a'))}
              FROM (SELECT CAST($p AS DATE) AS provisioned_on,
                           CAST($login AS DATE) AS last_login_on) a"""
    for login in [None, START - timedelta(days=3), *DAYS[:40]]:
        since, on = _rows(store, sql, {"p": START, "login": login,
                                       "months": POLICY.idle_months})[0]
        assert since == q.idle_since(login, START), login
        assert on == q.idle_on(since, POLICY), login


def test_course_fragments_equal_the_pure_rules(store):
    as_of = date(2026, 11, 23)
    params = {**rule.course_params(as_of, POLICY)}
    completions = [None, *(as_of - timedelta(days=n) for n in range(0, 800, 1))]
    params["done"] = [str(d) if d else None for d in completions]
    sql = f"""
        WITH cc AS (
            SELECT c.i AS contact_id, unnest($courses::VARCHAR[]) AS course,
                   CAST(c.d AS DATE) AS completed_on
            FROM (SELECT unnest(range(len($done::VARCHAR[]))) AS i,
                         unnest($done::VARCHAR[]) AS d) c
        ), latest AS (
            SELECT cc.contact_id, {rule.course_latest('cc')} FROM cc GROUP BY cc.contact_id
        ), s AS ({rule.course_unnest('latest')})
        SELECT contact_id, course, completed_on, expires_on, status
        FROM ({rule.course_status('s')}) ORDER BY contact_id, ord"""
    rows = _rows(store, sql, params)
    assert len(rows) == len(completions) * len(ref.COURSES)
    seen = set()
    for contact, course, completed, expires, status in rows:
        assert completed == completions[contact]
        assert status == q.course_status(completed, course, as_of, POLICY), (completed, course)
        if completed is not None:
            assert expires == q.course_expires_on(completed, course, POLICY)
        seen.add(status)
    assert seen == {q.COURSE_OK, q.COURSE_EXPIRING, q.COURSE_NON_COMPLIANT}
