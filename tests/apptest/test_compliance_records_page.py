"""Compliance records page (System team, A2): record one quiz pass (Q1 lifts "not a sender",
the user is told), and import quiz passes (Q1) and last logins (Q2) from CSV uploads, all or
nothing with every bad row shown as `file:line column: problem`."""
from __future__ import annotations

from datetime import date

import pytest

from tests.apptest.compliance_page_seed import compliance_db  # noqa: F401
from tests.apptest.conftest import BOULDER, SYSTEM
from tests.apptest.pages_helpers import errors, ok, open_page

PAGE = "app_pages/compliance_records.py"


def success(at) -> str:
    return " ".join(s.value for s in at.success)


def license_quiz(store, number: str):
    return store.query_one("SELECT quiz_passed_on, not_a_sender FROM licenses "
                           "WHERE license_number = ?", [number])


def problems(at) -> list[str]:
    frames = [d.value for d in at.dataframe if "problem" in d.value.columns]
    return [f"{w}: {p}" for w, p in zip(frames[0]["where"], frames[0]["problem"])] if frames else []


def test_q1_record_a_quiz_pass_lifts_not_a_sender_and_tells_the_user(compliance_db):
    assert license_quiz(compliance_db, "LN-0002") == (None, True)
    at = open_page(SYSTEM, PAGE)
    at.text_input(key="cr_license").input("ln-0002")
    at.date_input(key="cr_passed_on").set_value(date(2026, 11, 20))
    ok(at.button(key="cr_record").click().run())
    assert license_quiz(compliance_db, "LN-0002") == (date(2026, 11, 20), False)
    assert "Recorded the quiz pass of LN-0002 on 2026-11-20" in success(at)
    assert compliance_db.query("SELECT template_key, to_addrs FROM outbox") == [
        ("quiz_passed", ["c-remind@colorado.edu"])]

    ok(at.button(key="cr_record").click().run())  # the same pass again
    assert "LN-0002 already had this quiz pass (2026-11-20); nothing changed." in success(at)


def test_q1_record_a_quiz_pass_for_an_unknown_license_is_refused(compliance_db):
    at = open_page(SYSTEM, PAGE)
    at.text_input(key="cr_license").input("LN-9999")
    ok(at.button(key="cr_record").click().run())
    assert "There is no license record LN-9999." in errors(at)


def test_q1_import_quiz_passes_from_a_csv_upload(compliance_db):
    at = open_page(SYSTEM, PAGE)
    assert at.button(key="cr_quiz_import").disabled  # no file yet
    at.file_uploader(key="cr_quiz_file").set_value((
        "quiz.csv", b"license_number,quiz_passed_on\nLN-0001,2026-11-02\nLN-0100,2026-11-03\n",
        "text/csv"))
    ok(at.run())
    ok(at.button(key="cr_quiz_import").click().run())
    assert "Imported quiz.csv: 2 row(s), 2 changed, 2 quiz-passed message(s) queued." \
        in success(at)
    assert license_quiz(compliance_db, "LN-0001") == (date(2026, 11, 2), False)
    assert license_quiz(compliance_db, "LN-0100") == (date(2026, 11, 3), False)


def test_q1_a_bad_quiz_file_lists_every_bad_row_and_changes_nothing(compliance_db):
    at = open_page(SYSTEM, PAGE)
    at.file_uploader(key="cr_quiz_file").set_value((
        "quiz.csv", b"license_number,quiz_passed_on\nLN-0001,02/11/2026\nnope,2026-11-02\n"
                    b"LN-0002,2026-11-05\n", "text/csv"))
    ok(at.run())
    ok(at.button(key="cr_quiz_import").click().run())
    assert "quiz.csv was not imported: 2 problem(s). Nothing was changed." in errors(at)
    assert problems(at) == [
        "quiz.csv:2 quiz_passed_on: '02/11/2026' is not a date (use YYYY-MM-DD)",
        "quiz.csv:3 license_number: 'nope' is not a license number (like LN-0776)"]
    assert license_quiz(compliance_db, "LN-0002") == (None, True)


def test_q2_import_logins_good_then_bad(compliance_db):
    at = open_page(SYSTEM, PAGE)
    at.file_uploader(key="cr_logins_file").set_value((
        "logins.csv", b"license_number,application,last_login_on\n"
                      b"LN-0003,Salesforce,2026-11-20\n", "text/csv"))
    ok(at.run())
    ok(at.button(key="cr_logins_import").click().run())
    assert "Imported logins.csv: 1 row(s), 1 changed." in success(at)
    assert compliance_db.query_value(
        "SELECT last_login_on FROM license_apps WHERE license_number = 'LN-0003' "
        "AND application = 'Salesforce'") == date(2026, 11, 20)

    at.file_uploader(key="cr_logins_file").set_value((
        "logins2.csv", b"license_number,application,last_login_on\n"
                       b"LN-0003,Marketing Cloud,2026-11-21\nLN-0003,Cvent,2026-11-21\n",
        "text/csv"))
    ok(at.run())
    ok(at.button(key="cr_logins_import").click().run())
    assert problems(at) == ["logins2.csv:3 application: license LN-0003 has never held Cvent"]
    assert compliance_db.query_value(  # row 2 was fine, but nothing changed
        "SELECT last_login_on FROM license_apps WHERE license_number = 'LN-0003' "
        "AND application = 'Marketing Cloud'") == date(2026, 5, 1)


def test_a2_only_the_system_team_has_the_page(compliance_db):
    with pytest.raises(ValueError):
        open_page(BOULDER, PAGE)
