"""Seed for the Compliance and Messages page AppTests: five licensed people written with SQL into
the AppTest database, and what each compliance list holds on TODAY (2026-11-23).

- LN-0001 Boulder (C-QUIZ, Salesforce + Cvent since 2026-09-01, no quiz pass): Q1 overdue.
- LN-0002 Boulder (C-REMIND, Salesforce since 2026-11-09, no quiz pass): Q1 reminder 14 due.
- LN-0003 Boulder (C-IDLE, Salesforce + Marketing Cloud, last login 2026-05-01): Q2 both idle.
- LN-0004 Boulder (C-COURSE, Cvent; PCI completed 2025-12-20): Q3 PCI expiring.
- LN-0100 Denver (C-DEN, Salesforce + Cvent since 2026-08-01, no quiz, no course): Q1 overdue,
  Q3 three courses non-compliant.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import clock
from ecomm import reference as ref
from tests.apptest.conftest import BOULDER, DENVER
from tests.integration.compliance_seed import add_completion, add_user

QUIZ_ALL = ["LN-0001", "LN-0002", "LN-0100"]
QUIZ_BOULDER = ["LN-0001", "LN-0002"]
IDLE_ALL = [("LN-0003", ref.MARKETING_CLOUD), ("LN-0003", ref.SALESFORCE)]
COURSES_ALL = [("C-COURSE", ref.COURSE_PCI), *(("C-DEN", c) for c in ref.COURSES)]
CURRENT = date(2026, 10, 1)
NOW = datetime(2026, 11, 23, 15, 0)  # 08:00 in Denver on TODAY
LOGGED_IN = date(2026, 11, 10)


def seed_compliance(store) -> None:
    add_user(store, "C-QUIZ", "LN-0001", date(2026, 9, 1), apps=(ref.SALESFORCE, ref.CVENT),
             courses_on=CURRENT, last_login_on=LOGGED_IN, specialist=BOULDER,
             first="Quinn", last="Overdue")
    add_user(store, "C-REMIND", "LN-0002", date(2026, 11, 9), courses_on=CURRENT,
             last_login_on=LOGGED_IN, specialist=BOULDER, first="Rita", last="Reminder")
    add_user(store, "C-IDLE", "LN-0003", date(2025, 1, 10),
             apps=(ref.SALESFORCE, ref.MARKETING_CLOUD), quiz_passed_on=date(2025, 2, 1),
             courses_on=CURRENT, last_login_on=date(2026, 5, 1), specialist=BOULDER,
             first="Ivan", last="Idle")
    add_user(store, "C-COURSE", "LN-0004", date(2025, 3, 1), apps=(ref.CVENT,),
             quiz_passed_on=date(2025, 3, 20), last_login_on=LOGGED_IN, specialist=BOULDER,
             first="Cora", last="Course")
    add_completion(store, "C-COURSE", ref.COURSE_PRIVACY, CURRENT)
    add_completion(store, "C-COURSE", ref.COURSE_IT_PROVIDERS, CURRENT)
    add_completion(store, "C-COURSE", ref.COURSE_PCI, date(2025, 12, 20))
    add_user(store, "C-DEN", "LN-0100", date(2026, 8, 1), campus="Denver",
             apps=(ref.SALESFORCE, ref.CVENT), last_login_on=LOGGED_IN, specialist=DENVER,
             first="Dana", last="Mile")


@pytest.fixture
def compliance_db(app_store, monkeypatch):
    """The AppTest database (users of conftest) with the compliance seed; 'now' is NOW."""
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    seed_compliance(app_store)
    return app_store
