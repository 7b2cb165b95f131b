"""Compliance page, Leavers tab (Q4, rev 2): licensed users who no longer meet P3 are listed
from the day the data shows it, per role (A1-A3), and selected rows become deprovisioning
requests in one step, as on the Q1-Q3 tabs."""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from tests.apptest.compliance_page_seed import compliance_db  # noqa: F401
from tests.apptest.conftest import BOULDER, MANAGER, SYSTEM, texts
from tests.apptest.pages_helpers import ok, open_page
from tests.apptest.test_compliance_page import ids
from tests.integration.dashboard_seed import bulk

PAGE = "app_pages/compliance.py"


def employ(store) -> None:
    """Everyone employed, except C-IDLE (LN-0003), whose Boulder employment ended on
    2026-11-20, and C-DEN (LN-0100), a Person of Interest no longer active."""
    bulk(store, "employments", [
        {"contact_id": c, "campus": "Boulder", "status": "Active",
         "start_date": date(2020, 1, 1), "end_date": date(2026, 11, 20) if c == "C-IDLE" else None}
        for c in ("C-QUIZ", "C-REMIND", "C-IDLE", "C-COURSE")])
    store.write(lambda cur: cur.execute(
        "UPDATE contacts SET poi = TRUE, poi_active = FALSE WHERE contact_id = 'C-DEN'"))


def leavers(at) -> list[str]:
    found = [d for d in at.dataframe if "leaver since" in d.value.columns]
    return ids(found[0].value["license"]) if found else []


def test_q4_the_system_team_sees_every_leaver_with_the_reason(compliance_db):
    employ(compliance_db)
    at = open_page(SYSTEM, PAGE)
    assert leavers(at) == ["LN-0003", "LN-0100"]
    frame = [d for d in at.dataframe if "leaver since" in d.value.columns][0].value
    assert list(frame["reason"]) == ["CU employment ended", "Person of Interest no longer active"]
    assert str(frame["leaver since"][0]) == "2026-11-21"   # the day after the employment ended
    assert at.download_button(key="cmp_leavers_csv").label == "Download this list as CSV"
    # the day the employment ended, LN-0003 is not a leaver yet
    ok(at.date_input(key="cmp_as_of").set_value(date(2026, 11, 20)).run())
    assert leavers(at) == ["LN-0100"]


def test_q4_a1_a_specialist_sees_their_campus_and_a_manager_only_reads(compliance_db):
    employ(compliance_db)
    at = open_page(BOULDER, PAGE)
    assert leavers(at) == ["LN-0003"]
    at = open_page(MANAGER, PAGE)
    assert leavers(at) == ["LN-0003", "LN-0100"]
    assert not [b for b in at.button if b.key == "cmp_leavers_deprovision"]


def test_q4_selected_leavers_become_deprovisioning_requests(compliance_db):
    employ(compliance_db)
    at = open_page(BOULDER, PAGE)
    table = [d for d in at.dataframe if "leaver since" in d.value.columns][0]
    at.session_state[table.key] = {"selection": {"rows": [0], "columns": []}}
    ok(at.run())
    button = at.button(key="cmp_leavers_deprovision")
    assert not button.disabled and button.label.endswith("(1)")
    ok(button.click().run())
    ok(at.button(key="deprov_yes_cmp_leavers").click().run())   # issue 18: confirmed first
    made = compliance_db.query("SELECT license_number, applications, notes FROM requests")
    assert [(r[0], list(r[1]), r[2]) for r in made] == [
        ("LN-0003", [ref.SALESFORCE, ref.MARKETING_CLOUD],
         "Q4: leaver: no longer meets P3 (employment ended or Person of Interest inactive)")]
    assert "1 deprovisioning request(s) created" in texts(at)
