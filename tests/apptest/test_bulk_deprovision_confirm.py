"""Issue 18: bulk deprovisioning asks first. The one widget (ecomm.ui_deprovision) of the
Compliance lists and the Dashboard's panels names what goes at once (Salesforce, C4: cannot be
undone) and what waits for the batch, with counts; rows already requested are marked and not
requested twice (P7); Cancel submits nothing."""
from __future__ import annotations

import pytest

from ecomm import admin
from ecomm import reference as ref
from ecomm.requests import submit_deprovision
from tests.apptest.compliance_page_seed import NOW, compliance_db  # noqa: F401
from tests.apptest.conftest import BOULDER, SYSTEM, texts
from tests.apptest.pages_helpers import ok, open_page
from tests.apptest.test_compliance_page import PAGE, ids, requests, select, table


def _cvent_requested(store) -> str:
    """LN-0001 (Salesforce + Cvent) already has a waiting request removing Cvent; its id."""
    conf = submit_deprovision(store, admin.find_identity(store, SYSTEM), "LN-0001", [ref.CVENT],
                              now_utc=NOW)
    assert conf.status == "pending"
    return conf.request_id


@pytest.mark.slow
def test_c4_the_confirmation_names_what_goes_at_once_and_what_waits_with_counts(compliance_db):
    at = open_page(SYSTEM, PAGE)
    select(at, "quiz", [0, 2])   # LN-0001 and LN-0100: each holds Salesforce + Cvent
    ok(at.button(key="cmp_quiz_deprovision").click().run())
    shown = texts(at)
    assert "Deprovision 2 license record(s)?" in shown
    assert ("Salesforce is removed from 2 license record(s). This cannot be undone" in shown)
    # the other application waits for the batch: November 23 is before November's cutoff
    # (Mon Nov 30), so the December cycle, processed from Tue Dec 1
    assert ("Waits for the batch of cycle 2026-12 (processed from 2026-12-01):** 2 "
            "application(s) of 2 license record(s) (Cvent 2)") in shown
    assert requests(compliance_db) == []                   # nothing submitted yet
    assert not [b for b in at.button if b.key == "cmp_quiz_deprovision"]
    ok(at.button(key="deprov_yes_cmp_quiz").click().run())
    assert [(r[0], list(r[1])) for r in requests(compliance_db)] == [
        ("LN-0001", [ref.SALESFORCE, ref.CVENT]), ("LN-0100", [ref.SALESFORCE, ref.CVENT])]
    assert not [b for b in at.button if b.key == "deprov_yes_cmp_quiz"]   # the step is over


def test_c4_cancel_submits_nothing_and_offers_the_button_again(compliance_db):
    at = open_page(SYSTEM, PAGE)
    select(at, "quiz", [0])
    ok(at.button(key="cmp_quiz_deprovision").click().run())
    ok(at.button(key="deprov_cancel_cmp_quiz").click().run())
    assert requests(compliance_db) == []
    assert not [b for b in at.button if b.key == "deprov_yes_cmp_quiz"]
    assert at.button(key="cmp_quiz_deprovision").label.endswith("(1)")


@pytest.mark.slow
def test_p7_a_row_already_requested_is_marked_and_only_the_rest_is_requested(compliance_db):
    rid = _cvent_requested(compliance_db)
    at = open_page(SYSTEM, PAGE)
    quiz = table(at, "quiz").value
    marks = dict(zip(ids(quiz["license"]), quiz["deprovisioning"]))
    assert marks == {"LN-0001": f"Requested 2026-11-23 ({rid})", "LN-0002": "", "LN-0100": ""}
    select(at, "quiz", [0])
    ok(at.button(key="cmp_quiz_deprovision").click().run())
    shown = texts(at)
    # Cvent is already requested: only Salesforce is asked for, at once; nothing new waits
    assert "Salesforce is removed from 1 license record(s)" in shown
    assert "Waits for" not in shown
    ok(at.button(key="deprov_yes_cmp_quiz").click().run())
    made = compliance_db.query("SELECT license_number, applications FROM requests "
                               "WHERE request_id <> ? ORDER BY request_id", [rid])
    assert [(r[0], list(r[1])) for r in made] == [("LN-0001", [ref.SALESFORCE])]


def test_p7_a_row_wholly_requested_is_not_requested_twice(compliance_db):
    at = open_page(BOULDER, PAGE)
    assert "deprovisioning" not in table(at, "idle").value.columns   # nothing requested yet
    rid = submit_deprovision(compliance_db, admin.find_identity(compliance_db, SYSTEM), "LN-0003",
                             [ref.MARKETING_CLOUD], now_utc=NOW).request_id
    ok(at.run())
    idle = table(at, "idle").value   # LN-0003's two idle rows (Marketing Cloud, Salesforce)
    assert list(idle["deprovisioning"]) == [f"Requested 2026-11-23 ({rid})"] * 2
    select(at, "idle", [0])   # Marketing Cloud of LN-0003: already requested
    ok(at.button(key="cmp_idle_deprovision").click().run())
    assert "Nothing new to request" in texts(at)
    assert "(P7: not asked again)" in texts(at)
    assert at.button(key="deprov_yes_cmp_idle").disabled
    assert compliance_db.query("SELECT request_id FROM requests") == [(rid,)]


def test_p7_the_dashboard_marks_rows_already_requested(app_store):
    """The Dashboard's panels use the same widget and marker: LN-0002 (quiz panel) with a
    waiting deprovisioning request submitted Dec 3 (05:00 UTC on Dec 4 is 10 PM in Denver)."""
    from datetime import datetime

    from tests.apptest.test_dashboard_page import PAGE as DASHBOARD
    from tests.apptest.test_dashboard_page import frame
    from tests.integration.dashboard_seed import seed_small

    seed_small(app_store)
    at = open_page(BOULDER, DASHBOARD)
    assert "deprovisioning" not in frame(at, "quiz").columns
    contact = app_store.query_value(
        "SELECT contact_id FROM licenses WHERE license_number = 'LN-0002'")
    app_store.write(lambda cur: cur.execute(
        "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
        "applications, license_number, status) VALUES ('R-000900', 'deprovision', ?, 'Boulder', "
        "?, ?, ['Cvent'], 'LN-0002', 'pending')", [contact, datetime(2026, 12, 4, 5, 0), BOULDER]))
    ok(at.run())
    quiz = frame(at, "quiz")
    assert list(quiz.columns[:7]) == ["name", "license", "contact", "overdue",
                                      "days since provisioned", "quiz deadline", "deprovisioning"]
    marks = dict(zip(quiz["license"].str.extract(r"license=([^&]*)")[0], quiz["deprovisioning"]))
    assert marks["LN-0002"] == "Requested 2026-12-03 (R-000900)"
    assert {v for k, v in marks.items() if k != "LN-0002"} <= {""}
