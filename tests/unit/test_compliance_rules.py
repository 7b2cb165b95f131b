"""Q1-Q3 as pure functions: the day boundaries, Policy values, and the compliance CSV files."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecomm import compliance as q
from ecomm import reference as ref
from ecomm.compliance_csv import parse_logins, parse_quiz_passes
from ecomm.errors import EcommError
from ecomm.months import same_day_months_later
from ecomm.policy import Policy

P = Policy()
PROV = date(2026, 12, 5)


def lic(*apps: q.AppFacts, passed: date | None = None, ln: str = "LN-0001") -> q.LicenseFacts:
    return q.LicenseFacts(license_number=ln, contact_id="C1", quiz_passed_on=passed, apps=list(apps))


def app(prov: date, deprov: date | None = None, login: date | None = None,
        name: str = "Salesforce") -> q.AppFacts:
    return q.AppFacts(application=name, provisioned_on=prov, deprovisioned_on=deprov,
                      last_login_on=login)


# -- Q1 -----------------------------------------------------------------------------------
def test_q1_quiz_overdue_on_day_60_not_on_day_59():
    assert q.quiz_deadline(PROV, P) == date(2027, 2, 3)
    assert not q.quiz_overdue(PROV, PROV + timedelta(days=59), P)
    assert q.quiz_overdue(PROV, PROV + timedelta(days=60), P)
    assert q.quiz_overdue(PROV, PROV + timedelta(days=200), P)
    s59 = q.quiz_status(lic(app(PROV)), date(2027, 2, 2), P)
    s60 = q.quiz_status(lic(app(PROV)), date(2027, 2, 3), P)
    assert (s59.days_since, s59.overdue) == (59, False)
    assert (s60.days_since, s60.overdue) == (60, True)


@pytest.mark.parametrize("day", [14, 30, 45, 55])
def test_q1_quiz_reminder_due_on_its_day_only(day):
    assert q.quiz_reminder_due(PROV, PROV + timedelta(days=day), P) == day
    assert q.quiz_reminder_due(PROV, PROV + timedelta(days=day - 1), P) is None
    assert q.quiz_reminder_due(PROV, PROV + timedelta(days=day + 1), P) is None


def test_q1_no_reminder_on_provisioning_day_or_deadline():
    assert q.quiz_reminder_due(PROV, PROV, P) is None
    assert q.quiz_reminder_due(PROV, PROV + timedelta(days=60), P) is None


def test_q1_latest_reminder_catches_up_until_next_reminder_and_stops_at_deadline():
    at = lambda d: q.latest_quiz_reminder(PROV, PROV + timedelta(days=d), P)  # noqa: E731
    assert [at(d) for d in (0, 13, 14, 15, 29, 30, 44, 45, 54, 55, 59, 60, 90)] == \
        [None, None, 14, 14, 14, 30, 30, 45, 45, 55, 55, None, None]


def test_q1_reminder_and_deadline_days_come_from_policy():
    policy = Policy(quiz_reminder_days=[7], quiz_deadline_days=10)
    assert q.quiz_reminder_due(PROV, PROV + timedelta(days=7), policy) == 7
    assert q.quiz_reminder_due(PROV, PROV + timedelta(days=14), policy) is None
    assert not q.quiz_overdue(PROV, PROV + timedelta(days=9), policy)
    assert q.quiz_overdue(PROV, PROV + timedelta(days=10), policy)


def test_q1_not_a_sender_until_a_pass_on_or_before_as_of():
    assert q.is_not_a_sender(None, PROV)
    assert q.is_not_a_sender(date(2026, 12, 20), date(2026, 12, 19))
    assert not q.is_not_a_sender(date(2026, 12, 20), date(2026, 12, 20))
    assert q.quiz_status(lic(app(PROV), passed=date(2026, 12, 20)), date(2026, 12, 20), P) is None
    assert q.quiz_status(lic(app(PROV), passed=date(2026, 12, 20)), date(2026, 12, 19), P) is not None


def test_q1_clock_starts_at_earliest_held_application():
    licence = lic(app(date(2025, 1, 6), deprov=date(2025, 6, 1)),             # removed: ignored
                  app(date(2026, 12, 5), name="Cvent"),
                  app(date(2027, 1, 6), name="Marketing Cloud"))              # later
    assert q.quiz_clock_start(licence.apps, date(2027, 1, 10)) == date(2026, 12, 5)
    # before the Cvent provisioning only the (then held) first application counts
    assert q.quiz_clock_start(licence.apps, date(2025, 3, 1)) == date(2025, 1, 6)
    # holding nothing: not on the quiz list
    assert q.quiz_status(lic(app(PROV, deprov=date(2026, 12, 10))), date(2026, 12, 19), P) is None


def test_q1_q2_application_not_held_on_its_deprovisioning_day():
    assert q.app_held(PROV, date(2027, 1, 1), date(2026, 12, 31))
    assert not q.app_held(PROV, date(2027, 1, 1), date(2027, 1, 1))
    assert not q.app_held(PROV, None, PROV - timedelta(days=1))
    assert q.app_held(PROV, None, PROV)


# -- Q2 -----------------------------------------------------------------------------------
def test_q2_idle_six_calendar_months_after_last_login():
    assert q.idle_on(date(2026, 5, 23), P) == date(2026, 11, 23)
    assert not q.is_idle(date(2026, 5, 23), date(2025, 1, 6), date(2026, 11, 22), P)
    assert q.is_idle(date(2026, 5, 23), date(2025, 1, 6), date(2026, 11, 23), P)


def test_q2_idle_month_end_is_clamped():
    assert q.idle_on(date(2026, 8, 31), P) == date(2027, 2, 28)
    assert q.idle_on(date(2027, 8, 31), P) == date(2028, 2, 29)
    assert q.idle_on(date(2026, 12, 31), P) == date(2027, 6, 30)


def test_q2_never_logged_in_counts_from_provisioning():
    assert q.idle_since(None, date(2026, 1, 5)) == date(2026, 1, 5)
    assert q.is_idle(None, date(2026, 1, 5), date(2026, 7, 5), P)
    assert not q.is_idle(None, date(2026, 1, 5), date(2026, 7, 4), P)


def test_q2_login_before_this_provisioning_counts_from_provisioning():
    assert q.idle_since(date(2025, 3, 1), date(2026, 1, 5)) == date(2026, 1, 5)


def test_q2_idle_months_come_from_policy():
    assert q.idle_on(date(2026, 5, 23), Policy(idle_months=3)) == date(2026, 8, 23)


def test_q2_idle_apps_lists_only_held_idle_applications():
    licence = lic(app(date(2025, 1, 6), login=date(2026, 1, 10)),
                  app(date(2025, 1, 6), login=date(2026, 6, 1), name="Cvent"),
                  app(date(2025, 1, 6), deprov=date(2026, 7, 1), name="Apsona"))
    rows = q.idle_apps([licence], date(2026, 7, 10), P)
    assert [(r.application, r.idle_on) for r in rows] == [("Salesforce", date(2026, 7, 10))]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=1, max_value=24))
def test_q2_idle_day_is_same_day_of_month_or_month_end(since, months):
    d = same_day_months_later(since, months)
    assert (d.year - since.year) * 12 + d.month - since.month == months
    assert d.day == since.day or (d.day < since.day and (d + timedelta(days=1)).day == 1)


# -- Q3 -----------------------------------------------------------------------------------
def test_q3_pci_expiring_60_days_before_and_non_compliant_from_expiry():
    done = date(2025, 11, 23)
    assert q.course_expires_on(done, ref.COURSE_PCI, P) == date(2026, 11, 23)
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 9, 23), P) == q.COURSE_OK
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 9, 24), P) == q.COURSE_EXPIRING
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 11, 22), P) == q.COURSE_EXPIRING
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 11, 23), P) == q.COURSE_NON_COMPLIANT


def test_q3_two_year_courses_use_their_own_validity():
    done = date(2025, 1, 10)
    assert q.course_expires_on(done, ref.COURSE_PRIVACY, P) == date(2027, 1, 10)
    assert q.course_status(done, ref.COURSE_PRIVACY, date(2026, 6, 1), P) == q.COURSE_OK
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 6, 1), P) == q.COURSE_NON_COMPLIANT


def test_q3_missing_course_is_non_compliant():
    assert q.course_status(None, ref.COURSE_PCI, date(2026, 6, 1), P) == q.COURSE_NON_COMPLIANT


def test_q3_expiring_window_comes_from_policy():
    done = date(2025, 11, 23)
    policy = Policy(course_expiring_days=10, course_valid_days_pci=100)
    assert q.course_expires_on(done, ref.COURSE_PCI, policy) == date(2026, 3, 3)
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 2, 20), policy) == q.COURSE_OK
    assert q.course_status(done, ref.COURSE_PCI, date(2026, 2, 21), policy) == q.COURSE_EXPIRING


def test_q3_latest_completion_on_or_before_as_of_counts_for_licensed_contacts_only():
    licence = lic(app(date(2025, 1, 6)))
    gone = q.LicenseFacts(license_number="LN-0002", contact_id="C2",
                          apps=[app(date(2024, 1, 1), deprov=date(2025, 1, 1))])
    comps = [("C1", ref.COURSE_PCI, date(2024, 1, 1)), ("C1", ref.COURSE_PCI, date(2025, 11, 23)),
             ("C1", ref.COURSE_PCI, date(2027, 1, 1)),            # after as_of: not yet
             ("C1", ref.COURSE_PRIVACY, date(2025, 1, 1)),
             ("C1", ref.COURSE_IT_PROVIDERS, date(2025, 1, 1))]
    rows = q.course_statuses([licence, gone], comps, date(2026, 10, 1), P)
    assert [(r.contact_id, r.course, r.completed_on, r.status) for r in rows] == [
        ("C1", ref.COURSE_PCI, date(2025, 11, 23), q.COURSE_EXPIRING)]
    everything = q.course_statuses([licence, gone], comps, date(2026, 10, 1), P, include_ok=True)
    assert {r.contact_id for r in everything} == {"C1"} and len(everything) == 3


def test_q3_expiry_agrees_with_p5_validity():
    contact_rules = pytest.importorskip("ecomm.rules.contact")
    for course in ref.COURSES:
        done = date(2025, 11, 23)
        through = contact_rules.course_valid_through(done, course, P)
        assert q.course_expires_on(done, course, P) == through + timedelta(days=1)


# -- the compliance CSV files -------------------------------------------------------------
def test_q1_quiz_csv_headers_ignore_case_spaces_underscores_and_bom():
    rows = parse_quiz_passes("quiz.csv", "\ufeffLicense Number,QUIZPASSEDON\nln-0001,2026-12-20\n\n")
    assert [(r.line, r.license_number, r.quiz_passed_on) for r in rows] == \
        [(2, "LN-0001", date(2026, 12, 20))]


def test_q1_quiz_csv_lists_every_bad_row_as_file_line_column():
    text = ("license_number,quiz_passed_on\nLN-0001,2026-12-20\nX-1,2026-12-20\n"
            "LN-0002,20261220\nLN-0003,\nLN-0001,2026-12-21\n")
    with pytest.raises(EcommError) as exc:
        parse_quiz_passes("quiz.csv", text)
    assert exc.value.problems == [
        "quiz.csv:3 license_number: 'X-1' is not a license number (like LN-0776)",
        "quiz.csv:4 quiz_passed_on: '20261220' is not a date (use YYYY-MM-DD)",
        "quiz.csv:5 quiz_passed_on: a date is required (YYYY-MM-DD)",
        "quiz.csv:6 quiz_passed_on: LN-0001 already has 2026-12-20 on line 2",
    ]


def test_q1_quiz_csv_header_problems():
    with pytest.raises(EcommError) as exc:
        parse_quiz_passes("quiz.csv", "license,quiz_passed_on\n")
    assert exc.value.problems == [
        "quiz.csv:1 license: unknown column (expected license_number, quiz_passed_on)",
        "quiz.csv:1 license_number: required column is missing"]


def test_q2_logins_csv_application_names_and_errors():
    rows = parse_logins("logins.csv", "license_number,application,last_login_on\n"
                                      "LN-0001,marketing cloud,2026-11-01\n")
    assert rows[0].application == "Marketing Cloud"
    with pytest.raises(EcommError) as exc:
        parse_logins("logins.csv", "license_number,application,last_login_on\n"
                                   "LN-0001,Slack,2026-11-01\nLN-0001,Cvent,2026-02-30\n")
    assert exc.value.problems == [
        "logins.csv:2 application: 'Slack' is not one of Salesforce, Marketing Cloud, Cvent, "
        "Apsona, Geopointe",
        "logins.csv:3 last_login_on: '2026-02-30' is not a date (use YYYY-MM-DD)"]
