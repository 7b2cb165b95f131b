"""Issue 18 item 4: find a person or a license record by name, email or employee ID on the
Contact record and License record pages, and in the group-change queue; a specialist finds
only the license records they may read (A1)."""
from __future__ import annotations

import pytest

from ecomm.requests import request_group_change
from tests.apptest.conftest import BOULDER, DENVER, SYSTEM, texts
from tests.apptest.pages_helpers import CONTACT, GROUPS, LICENSE, ok, open_page
from tests.apptest.requests_seed import NOW, seeded, who  # noqa: F401


def find(at, param: str, text: str):
    at.text_input(key=f"{param}_open").input(text)
    return ok(at.run())


@pytest.mark.parametrize("text", ["Hana Holder", "holder hana", "333", "hana@colorado.edu"])
def test_contact_record_found_by_name_email_or_employee_id(seeded, text):
    at = find(open_page(BOULDER, CONTACT), "contact", text)
    pick = at.selectbox(key="contact_pick")
    assert len(pick.options) == 1 and pick.options[0].startswith(
        "Hana Holder · C-USER · employee ID 333")
    assert pick.value == "C-USER"            # the one match is chosen
    ok(at.button(key="contact_open_go").click().run())
    assert at.query_params["contact"] == "C-USER"
    assert "Hana Holder · C-USER" in texts(at)


def test_contact_search_with_several_matches_asks_which(seeded):
    at = find(open_page(SYSTEM, CONTACT), "contact", "colorado.edu")
    pick = at.selectbox(key="contact_pick")
    assert len(pick.options) > 1 and pick.value is None
    ok(pick.select("C-ELIG").run())
    ok(at.button(key="contact_open_go").click().run())
    assert at.query_params["contact"] == "C-ELIG"


def test_license_record_found_by_the_holders_name_or_email(seeded):
    for text in ("Hana", "hana@colorado.edu", "LN-0776"):
        at = find(open_page(BOULDER, LICENSE), "license", text)
        assert at.selectbox(key="license_pick").value == "LN-0776", text
    ok(at.button(key="license_open_go").click().run())
    assert at.query_params["license"] == "LN-0776"


def test_a1_a_specialist_does_not_find_another_campus_license(seeded):
    at = find(open_page(BOULDER, LICENSE), "license", "Dana Mile")
    assert not [s for s in at.selectbox if s.key == "license_pick"]
    assert "Nobody matches by name, email or employee ID" in texts(at)
    at = find(open_page(DENVER, LICENSE), "license", "Dana Mile")
    assert at.selectbox(key="license_pick").value == "LN-0100"
    at = find(open_page(SYSTEM, LICENSE), "license", "Mile")
    assert at.selectbox(key="license_pick").value == "LN-0100"


@pytest.fixture
def queued(seeded):
    """R-000001: Boulder LN-0776 (Hana Holder, 333); R-000002: Denver LN-0100 (Dana Mile)."""
    request_group_change(seeded, who(seeded, BOULDER), "LN-0776", [], [],
                         ["01 Arts Communications"], [], now_utc=NOW)
    request_group_change(seeded, who(seeded, DENVER), "LN-0100", ["N/A - MEC"],
                         ["CUD Advancement"], [], [], now_utc=NOW)
    return seeded


def test_c5_group_change_queue_found_by_name_employee_id_or_license(queued):
    at = open_page(SYSTEM, GROUPS)
    assert list(at.dataframe[0].value["request"]) == ["R-000001", "R-000002"]
    for text, expected in (("Dana", ["R-000002"]), ("333", ["R-000001"]),
                           ("LN-0100", ["R-000002"]), ("dana@ucdenver.edu", ["R-000002"])):
        at.text_input(key="gc_search").input(text)
        ok(at.run())
        assert list(at.dataframe[0].value["request"]) == expected, text
        assert at.selectbox(key="gc_pick").options == [
            o for o in at.selectbox(key="gc_pick").options if o.startswith(expected[0])]
    at.text_input(key="gc_search").input("nobody-like-this")
    ok(at.run())
    assert "No group change waiting matches your search." in texts(at)
