"""Admin page (A2): users and roles, reference data, settings, extra holidays; each change is
confirmed, audited (A4) and shown at once; bad input is refused with a sentence."""
from __future__ import annotations

import json
from datetime import date

import pytest

from tests.apptest.conftest import BOULDER, SYSTEM, texts

ADMIN = "app_pages/admin.py"


@pytest.fixture
def admin_page(open_app):
    return open_app(SYSTEM, ADMIN)


def confirmed(at) -> str:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return " ".join(s.value for s in at.success)


def test_admin_has_the_six_tabs(admin_page):
    # rev 2 (B10): a sixth tab, Seats
    assert [t.label for t in admin_page.tabs] == [
        "Users and roles", "Reference data", "Settings", "Extra holidays", "Backup and restore",
        "Seats"]


def test_b10_record_seats_for_a_fiscal_year(admin_page, app_store):
    at = admin_page
    assert at.selectbox(key="seats_fy").value == 2027           # TODAY is 2026-11-23
    at.selectbox(key="seats_app").select("Cvent")
    at.number_input(key="seats_purchased").set_value(300)
    at.text_input(key="seats_cost").input("8,700.00")
    at.button(key="seats_submit").click().run()
    assert "Recorded 300 Cvent seat(s) for FY2027." in confirmed(at)
    assert app_store.query("SELECT fiscal_year, application, purchased, CAST(cost AS VARCHAR) "
                           "FROM seats") == [(2027, "Cvent", 300, "8700.00")]
    seats = [d.value for d in at.dataframe if "in the queue" in d.value.columns][0]
    row = seats.set_index("application").loc["Cvent"]
    assert (row["purchased"], row["cost"], row["available"]) == (300, "$8,700.00", 300)
    at.text_input(key="seats_cost").input("lots")
    at.button(key="seats_submit").click().run()
    assert "B10: the seats were not recorded." in " ".join(e.value for e in at.error)


def test_a2_add_a_specialist_user(admin_page, app_store):
    at = admin_page
    at.text_input(key="add_user_email").input("  New.Person@Colorado.edu ")
    at.text_input(key="add_user_name").input("New Person")
    at.selectbox(key="add_user_role").select("specialist")
    at.selectbox(key="add_user_campus").select("Boulder")
    at.date_input(key="add_user_quiz").set_value(date(2026, 10, 1))
    at.button(key="add_user_submit").click().run()
    assert "Added new.person@colorado.edu." in confirmed(at)
    row = app_store.query_one("SELECT name, role, campus, quiz_passed_on, active FROM app_users "
                              "WHERE email = 'new.person@colorado.edu'")
    assert row == ("New Person", "specialist", "Boulder", date(2026, 10, 1), True)
    assert "new.person@colorado.edu" in list(at.dataframe[0].value["email"])
    entry = app_store.query_one("SELECT actor, action, after FROM audit_log "
                                "WHERE entity = 'app_user' AND entity_id = 'new.person@colorado.edu'")
    assert entry[0] == SYSTEM and entry[1] == "add"
    assert json.loads(entry[2])["campus"] == "Boulder"


def test_a1_specialist_without_campus_is_refused(admin_page, app_store):
    at = admin_page
    at.text_input(key="add_user_email").input("x@colorado.edu")
    at.text_input(key="add_user_name").input("X")
    at.selectbox(key="add_user_role").select("specialist")
    at.button(key="add_user_submit").click().run()
    assert "needs a campus" in at.error[0].value
    assert app_store.query_value("SELECT count(*) FROM app_users WHERE email = 'x@colorado.edu'") == 0


def test_a2_edit_and_deactivate_a_user(admin_page, app_store):
    at = admin_page
    at.selectbox(key="edit_user_pick").select(BOULDER).run()
    at.date_input(key=f"edit_user_quiz_{BOULDER}").set_value(date(2026, 11, 2))
    at.checkbox(key=f"edit_user_active_{BOULDER}").uncheck()
    at.button(key="edit_user_submit").click().run()
    assert f"Saved {BOULDER}." in confirmed(at)
    assert app_store.query_one("SELECT quiz_passed_on, active FROM app_users WHERE email = ?",
                               [BOULDER]) == (date(2026, 11, 2), False)
    before, after = app_store.query_one(
        "SELECT before, after FROM audit_log WHERE entity = 'app_user' AND action = 'update'")
    assert json.loads(before)["active"] is True and json.loads(after)["active"] is False


def test_a2_add_relabel_and_deactivate_reference_data(admin_page, app_store):
    at = admin_page
    at.selectbox(key="ref_campus").select("Anschutz")
    at.selectbox(key="ref_kind").select("business_unit").run()
    at.text_input(key="ref_add_value").input("CUA Advancement")
    at.text_input(key="ref_add_label").input("Advancement")
    at.button(key="ref_add_submit").click().run()
    assert "Added the business unit 'CUA Advancement' for Anschutz." in confirmed(at)
    assert list(at.dataframe[1].value["value"]) == ["CUA Advancement"]

    at.selectbox(key="ref_edit_pick").select("CUA Advancement").run()
    suffix = "business_unit_Anschutz_CUA Advancement"
    at.text_input(key=f"ref_label_{suffix}").input("CU Anschutz Advancement")
    at.checkbox(key=f"ref_active_{suffix}").uncheck()
    at.button(key="ref_edit_submit").click().run()
    confirmed(at)
    assert app_store.query_one(
        "SELECT label, active FROM reference_values WHERE kind = 'business_unit' "
        "AND campus = 'Anschutz' AND value = 'CUA Advancement'") == ("CU Anschutz Advancement", False)
    assert app_store.query_value("SELECT action FROM audit_log WHERE entity = 'reference_value' "
                                 "ORDER BY audit_id DESC LIMIT 1") == "deactivate"


def test_a2_duplicate_reference_value_is_refused(admin_page, app_store):
    at = admin_page
    for _ in range(2):
        at.selectbox(key="ref_campus").select("Denver")
        at.selectbox(key="ref_kind").select("speedtype").run()
        at.text_input(key="ref_add_value").input("61000342")
        at.button(key="ref_add_submit").click().run()
    assert "Denver already has the speedtype '61000342'" in at.error[0].value
    assert app_store.query_value("SELECT count(*) FROM reference_values") == 1


def test_c2_change_a_setting_with_a_good_value(admin_page, app_store):
    at = admin_page
    at.selectbox(key="setting_pick").select("credentials_day").run()
    assert at.text_input(key="setting_text_credentials_day").value == "5"
    at.text_input(key="setting_text_credentials_day").input("6")
    at.button(key="setting_submit").click().run()
    assert "Saved" in confirmed(at)
    assert app_store.query_one("SELECT value, updated_by FROM settings "
                               "WHERE key = 'credentials_day'") == ("6", SYSTEM)
    assert app_store.query_one("SELECT before, after FROM audit_log WHERE entity = 'setting'") \
        == ("5", "6")


@pytest.mark.parametrize("key,text,sentence", [
    ("credentials_day", "soon", "give a whole number"),
    ("credentials_day", "40", "from 1 to 31"),
    ("super_user_campuses", "Anschutz, Mars", "'Mars' is not a campus"),
])
def test_a2_a_bad_setting_is_refused_with_a_sentence_and_not_saved(admin_page, app_store,
                                                                    key, text, sentence):
    before = app_store.query_value("SELECT value FROM settings WHERE key = ?", [key])
    at = admin_page
    at.selectbox(key="setting_pick").select(key).run()
    at.text_input(key=f"setting_text_{key}").input(text)
    at.button(key="setting_submit").click().run()
    assert sentence in at.error[0].value
    assert app_store.query_value("SELECT value FROM settings WHERE key = ?", [key]) == before
    assert app_store.query_value("SELECT count(*) FROM audit_log WHERE entity = 'setting'") == 0


def test_c1_add_and_remove_an_extra_holiday(admin_page, app_store):
    at = admin_page
    at.date_input(key="holiday_date").set_value(date(2026, 12, 24))
    at.text_input(key="holiday_name").input("Winter closure")
    at.button(key="holiday_add_submit").click().run()
    assert "Added the closure 2026-12-24 (Winter closure)." in confirmed(at)
    assert app_store.query("SELECT date, name FROM extra_holidays") == [
        (date(2026, 12, 24), "Winter closure")]
    holidays_table = [d.value for d in at.dataframe if "day" in d.value.columns][0]  # not last
    # since the Seats tab (B10) came after it
    assert list(holidays_table["name"]) == ["Winter closure"]

    at.selectbox(key="holiday_remove_pick").select(date(2026, 12, 24)).run()
    at.button(key="holiday_remove").click().run()
    assert "Removed the closure 2026-12-24." in confirmed(at)
    assert app_store.query_value("SELECT count(*) FROM extra_holidays") == 0
    assert [r[0] for r in app_store.query(
        "SELECT action FROM audit_log WHERE entity = 'extra_holiday' ORDER BY audit_id")] == [
        "add", "remove"]


def test_a_change_clears_cached_data(admin_page, monkeypatch):
    import streamlit as st
    cleared = []
    monkeypatch.setattr(st.cache_data, "clear", lambda: cleared.append(True))
    at = admin_page
    at.date_input(key="holiday_date").set_value(date(2026, 12, 31))
    at.text_input(key="holiday_name").input("New Year's Eve closure")
    at.button(key="holiday_add_submit").click().run()
    confirmed(at)
    assert cleared
