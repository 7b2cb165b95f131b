"""June review page (Q5, rev 2): the specialist keeps or removes the active users of their
campus (a removal becomes a deprovisioning request), the System team sees each campus's
progress and may review any campus, managers read; outside June nothing can be decided."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import clock
from ecomm import reference as ref
from tests.apptest.conftest import BOULDER, MANAGER, SYSTEM, texts
from tests.apptest.test_compliance_page import ids
from tests.apptest.pages_helpers import ok, open_page
from tests.integration.compliance_seed import add_user

PAGE = "app_pages/june_review.py"
JUNE_DAY = date(2027, 6, 10)
NOW = datetime(2027, 6, 10, 16, 0)   # 10:00 in Denver


@pytest.fixture
def june(app_store, monkeypatch):
    monkeypatch.setattr(clock, "today_denver", lambda: JUNE_DAY)
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    add_user(app_store, "C1", "LN-0001", date(2025, 1, 1), apps=(ref.SALESFORCE, ref.CVENT),
             specialist=BOULDER, first="Ann", last="Keeper")
    add_user(app_store, "C2", "LN-0002", date(2025, 1, 1), apps=(ref.CVENT,),
             specialist=BOULDER, first="Bob", last="Leaver")
    add_user(app_store, "C3", "LN-0003", date(2025, 1, 1), campus="Denver",
             specialist="ecomm.denver@ucdenver.edu", first="Dee", last="Denver")
    return app_store


def table(at):
    found = [d for d in at.dataframe if "decision" in d.value.columns]
    return found[0] if found else None


def progress(at) -> dict:
    frame = [d for d in at.dataframe if "to review" in d.value.columns][0].value
    return {r["campus"]: (r["active users"], r["kept"], r["removed"], r["to review"])
            for r in frame.to_dict("records")}


def test_q5_specialist_keeps_one_and_removes_another(june):
    at = open_page(BOULDER, PAGE)
    assert "The June review of 2027 is open until June 30" in texts(at)
    assert ids(table(at).value["license"]) == ["LN-0001", "LN-0002"]
    assert progress(at) == {"Boulder": (2, 0, 0, 2)}
    at.session_state[table(at).key] = {"selection": {"rows": [0], "columns": []}}
    ok(at.run())
    ok(at.button(key="jr_keep").click().run())
    assert "Kept 1 user(s) in the June review of 2027." in texts(at)
    assert ids(table(at).value["license"]) == ["LN-0002"]          # "To review" only
    at.session_state[table(at).key] = {"selection": {"rows": [0], "columns": []}}
    ok(at.run())
    ok(at.text_input(key="jr_reason").input("Left the department").run())
    ok(at.button(key="jr_remove").click().run())
    assert "1 deprovisioning request(s) created" in texts(at)
    made = june.query("SELECT kind, license_number, applications, notes FROM requests")
    assert [(r[0], r[1], list(r[2]), r[3]) for r in made] == [
        ("deprovision", "LN-0002", [ref.CVENT], "Left the department")]
    assert progress(at) == {"Boulder": (2, 1, 1, 0)}
    ok(at.radio(key="jr_show").set_value("All").run())
    assert list(table(at).value["decision"]) == ["Kept", "Removed"]


def test_q5_system_team_sees_every_campus_progress_and_a_manager_only_reads(june):
    at = open_page(SYSTEM, PAGE)
    assert progress(at) == {"Boulder": (2, 0, 0, 2), "Denver": (1, 0, 0, 1)}
    ok(at.selectbox(key="jr_campus").select("Denver").run())
    assert ids(table(at).value["license"]) == ["LN-0003"]
    at = open_page(MANAGER, PAGE)
    assert progress(at) == {"Boulder": (2, 0, 0, 2), "Denver": (1, 0, 0, 1)}
    assert not [b for b in at.button if b.key in ("jr_keep", "jr_remove")]
    assert "A3: managers read the review." in texts(at)


def test_q5_outside_june_the_review_is_read_only(june, monkeypatch):
    monkeypatch.setattr(clock, "today_denver", lambda: date(2027, 7, 2))
    at = open_page(BOULDER, PAGE)
    assert "The June review of 2027 closed on June 30" in texts(at)
    assert not [b for b in at.button if b.key in ("jr_keep", "jr_remove")]


def test_q5_the_users_come_a_page_at_a_time_and_a_find_narrows_them(june, monkeypatch):
    """Issue 18 (speed): one page of rows is sent, not every user's row (3 users, 2 a page)."""
    from ecomm import ui_paging
    monkeypatch.setattr(ui_paging, "PAGE_ROWS", 2)
    at = open_page(MANAGER, PAGE)
    assert ids(table(at).value["license"]) == ["LN-0001", "LN-0002"]
    assert "Rows 1-2 of 3: page through them or find a user; the CSV has every row." in texts(at)
    ok(at.number_input(key="jr_page").set_value(2).run())
    assert ids(table(at).value["license"]) == ["LN-0003"]
    ok(at.text_input(key="jr_find").input("leaver").run())   # one page now: back to page 1
    assert ids(table(at).value["license"]) == ["LN-0002"]
    assert not [n for n in at.number_input if n.key == "jr_page"]


def test_q5_a_row_ticked_on_page_two_keeps_that_user(june, monkeypatch):
    from ecomm import ui_paging
    monkeypatch.setattr(ui_paging, "PAGE_ROWS", 1)
    at = open_page(BOULDER, PAGE)
    ok(at.number_input(key="jr_page").set_value(2).run())
    assert ids(table(at).value["license"]) == ["LN-0002"]
    at.session_state[table(at).key] = {"selection": {"rows": [0], "columns": []}}
    ok(at.run())
    assert "1 user(s) selected: LN-0002." in texts(at)
    ok(at.button(key="jr_keep").click().run())
    assert "Kept 1 user(s) in the June review of 2027." in texts(at)
    assert ids(table(at).value["license"]) == ["LN-0001"]          # LN-0002 was the one kept
