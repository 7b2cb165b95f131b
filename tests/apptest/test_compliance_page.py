"""Compliance page (Q1-Q3): each tab lists the right people as of a day, per role (A1-A3);
selected rows become deprovisioning requests in one step (C4 through the usual rules)."""
from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from ecomm import reference as ref
from tests.apptest.compliance_page_seed import (COURSES_ALL, IDLE_ALL, QUIZ_ALL, QUIZ_BOULDER,
                                                compliance_db)  # noqa: F401
from tests.apptest.conftest import BOULDER, MANAGER, NEW_SPECIALIST, SYSTEM, texts
from tests.apptest.pages_helpers import ok, open_page

PAGE = "app_pages/compliance.py"


SIGNATURE = {"quiz": "quiz deadline", "idle": "idle on", "courses": "course"}


def table(at: AppTest, kind: str):
    """The list table of a tab, known by a column only it has."""
    found = [d for d in at.dataframe if SIGNATURE[kind] in d.value.columns]
    return found[0] if found else None


def ids(links) -> list[str]:
    """The record IDs of a link column (issue 18: the ID column opens the record)."""
    return list(links.str.extract(r"(?:license|contact)=([^&]*)")[0])


def licenses(at: AppTest, kind: str = "quiz") -> list[str]:
    t = table(at, kind)
    return [] if t is None else ids(t.value["license"])


def select(at: AppTest, kind: str, rows: list[int]) -> AppTest:
    """Tick rows of a tab's table, as the browser does (positional rows of the shown frame)."""
    at.session_state[table(at, kind).key] = {"selection": {"rows": rows, "columns": []}}
    return ok(at.run())


def confirm(at: AppTest, kind: str) -> AppTest:
    """Issue 18: the deprovisioning asks first; say yes (the old tests submitted at once)."""
    return ok(at.button(key=f"deprov_yes_cmp_{kind}").click().run())


def requests(store) -> list[tuple]:
    return store.query("SELECT license_number, applications, submitted_by, notes FROM requests "
                       "ORDER BY request_id")


def test_q1_q3_the_system_team_sees_every_campus_in_each_tab(compliance_db):
    at = open_page(SYSTEM, PAGE)
    assert licenses(at, "quiz") == QUIZ_ALL
    idle = table(at, "idle").value
    assert list(zip(ids(idle["license"]), idle["application"])) == IDLE_ALL
    courses = table(at, "courses").value
    assert list(zip(ids(courses["contact"]), courses["course"])) == COURSES_ALL
    assert list(courses["status"]) == ["Expiring", "Non-compliant", "Non-compliant",
                                       "Non-compliant"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Not a sender yet (Q1)"] == "3"
    assert metrics["Overdue: 60 days, deprovisioning due"] == "2"
    assert metrics["Reminder due on this day"] == "1"
    assert metrics["Non-compliant"] == "3"
    for kind in ("quiz", "idle", "courses"):
        assert at.download_button(key=f"cmp_{kind}_csv").label == "Download this list as CSV"

    ok(at.selectbox(key="cmp_campus").select("Denver").run())
    assert licenses(at, "quiz") == ["LN-0100"]
    assert table(at, "idle") is None and "Nobody on this list on 2026-11-23." in texts(at)
    assert set(ids(table(at, "courses").value["contact"])) == {"C-DEN"}


def test_q1_the_quiz_tab_shows_reminders_due_or_overdue_only(compliance_db):
    at = open_page(SYSTEM, PAGE)
    ok(at.radio(key="cmp_quiz_show").set_value("overdue").run())
    assert licenses(at) == ["LN-0001", "LN-0100"]
    ok(at.radio(key="cmp_quiz_show").set_value("reminder").run())
    assert licenses(at) == ["LN-0002"]
    assert list(table(at, "quiz").value["reminder due (day)"]) == [14]


def test_the_as_of_date_picker_recomputes_the_lists(compliance_db):
    at = open_page(SYSTEM, PAGE)
    assert at.date_input(key="cmp_as_of").value == date(2026, 11, 23)  # ui.today()
    ok(at.date_input(key="cmp_as_of").set_value(date(2026, 10, 31)).run())
    # LN-0002 is provisioned on 2026-11-09; LN-0001 is overdue from day 60 (2026-10-31)
    assert licenses(at) == ["LN-0001", "LN-0100"]
    assert list(table(at, "quiz").value["overdue"]) == [True, True]
    assert table(at, "idle") is None  # LN-0003 (last login 2026-05-01) is idle from 11-01
    ok(at.date_input(key="cmp_as_of").set_value(date(2026, 11, 1)).run())
    assert ids(table(at, "idle").value["license"]) == ["LN-0003", "LN-0003"]


def test_a1_a_specialist_sees_only_their_campus_without_a_campus_filter(compliance_db):
    at = open_page(BOULDER, PAGE)
    assert licenses(at, "quiz") == QUIZ_BOULDER
    assert ids(table(at, "courses").value["contact"]) == ["C-COURSE"]
    assert not [s for s in at.selectbox if s.key == "cmp_campus"]
    assert "LN-0100" not in texts(at) + table(at, "quiz").value.to_string()


def test_select_rows_and_request_deprovisioning_creates_the_requests(compliance_db):
    at = open_page(SYSTEM, PAGE)
    button = at.button(key="cmp_quiz_deprovision")
    assert button.disabled  # nothing selected yet
    select(at, "quiz", [0, 2])  # LN-0001 and LN-0100 (positional rows of the shown table)
    button = at.button(key="cmp_quiz_deprovision")
    assert not button.disabled and button.label.endswith("(2)")
    ok(button.click().run())
    assert requests(compliance_db) == []   # issue 18: nothing yet, the confirmation first
    confirm(at, "quiz")
    assert [(r[0], r[1], r[2]) for r in requests(compliance_db)] == [
        ("LN-0001", [ref.SALESFORCE, ref.CVENT], SYSTEM),
        ("LN-0100", [ref.SALESFORCE, ref.CVENT], SYSTEM)]
    assert {r[3] for r in requests(compliance_db)} == {
        "Q1: post-training quiz not passed within 60 days"}
    ids = [r[0] for r in compliance_db.query("SELECT request_id FROM requests ORDER BY 1")]
    shown = " ".join(s.value for s in at.success)
    assert f"2 deprovisioning request(s) created: {', '.join(ids)}." in shown
    assert table(at, "quiz").key == "cmp_quiz_table_1"  # a fresh table: no stale selection


def test_select_rows_after_a_filter_maps_through_the_shown_rows(compliance_db):
    at = open_page(SYSTEM, PAGE)
    ok(at.radio(key="cmp_quiz_show").set_value("reminder").run())
    select(at, "quiz", [0])  # row 0 of the filtered table is LN-0002, not LN-0001
    ok(at.text_input(key="cmp_quiz_reason").input("Left the university").run())
    confirm(ok(at.button(key="cmp_quiz_deprovision").click().run()), "quiz")
    assert requests(compliance_db) == [("LN-0002", [ref.SALESFORCE], SYSTEM,
                                        "Left the university")]


def test_q2_a_specialist_deprovisions_the_idle_applications_of_one_license(compliance_db):
    at = open_page(BOULDER, PAGE)
    select(at, "idle", [0, 1])
    assert at.button(key="cmp_idle_deprovision").label.endswith("(1)")  # one license
    confirm(ok(at.button(key="cmp_idle_deprovision").click().run()), "idle")
    assert requests(compliance_db) == [("LN-0003", [ref.SALESFORCE, ref.MARKETING_CLOUD],
                                        BOULDER, "Q2: no login for 6 months")]


def test_p14_a_refused_item_is_shown_with_its_sentence(compliance_db):
    at = open_page(NEW_SPECIALIST, PAGE)  # Boulder, license-change quiz not passed
    select(at, "quiz", [0])
    confirm(ok(at.button(key="cmp_quiz_deprovision").click().run()), "quiz")
    assert requests(compliance_db) == []
    assert "No deprovisioning request was created" in " ".join(w.value for w in at.warning)
    refusal = " ".join(e.value for e in at.error)
    assert "LN-0001: refused" in refusal and "P14" in refusal


def test_a3_a_manager_reads_every_list_with_no_action(compliance_db):
    at = open_page(MANAGER, PAGE)
    assert licenses(at, "quiz") == QUIZ_ALL
    assert not [d for d in at.dataframe if d.key]  # no selectable table
    assert not [b for b in at.button if b.key and b.key.startswith("cmp_")]
    assert not [t for t in at.text_input if t.key and t.key.startswith("cmp_")]
    assert "A3: managers read these lists" in texts(at)
    assert at.download_button(key="cmp_quiz_csv")
