"""A1 on the pages (issue 14 item 2): Check a person as Boulder's specialist lists no Denver-only
person for a name and shows one found by full employee ID only as a verdict for Boulder; a
Denver license naming Boulder's specialist as its primary specialist opens on the License and
Contact record pages, takes a deprovisioning request there, and is on their Dashboard.
Denver's specialist, a manager and the System team see the Denver person in full."""
from __future__ import annotations

import pytest

from ecomm import reference as ref
from tests.apptest.compliance_page_seed import compliance_db  # noqa: F401
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, NEW_SPECIALIST, SYSTEM, texts
from tests.apptest.pages_helpers import CHECK, CONTACT, LICENSE, ok, open_page
from tests.apptest.requests_seed import seeded  # noqa: F401
from tests.integration.dashboard_seed import seed_small
from tests.integration.requests_fixtures import add_contact, add_license

# what Check a person must not show Boulder's specialist about Dana Mile (C-DEN, Denver only)
DEN_SECRETS = ("555", "dana@gmail.com", "dana@ucdenver.edu", "LN-0100", "2026-10-01",
               "2026-09-01", "Coordinator", "Current access", "Contact record C-DEN")


def search(email: str, text: str):
    at = open_page(email, CHECK)
    return ok(at.text_input(key="check_search").input(text).run())


def shown(at) -> str:
    """Every text and every table cell the page shows."""
    cells = [str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel()]
    return texts(at) + "\n" + "\n".join(cells)


@pytest.fixture
def named(seeded):
    """C-DNP (Denver) with LN-0200, whose primary eComm specialist is Boulder's."""
    add_contact(seeded, "C-DNP", "Named", "Nia", employee_id="666", ucd="nia@ucdenver.edu",
                employment="Denver")
    add_license(seeded, "LN-0200", "C-DNP", "Denver", [ref.SALESFORCE, ref.CVENT],
                units=("CUD Advancement",), groups=("03 Adv Denver",))
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET ecomm_specialist = ? WHERE license_number = 'LN-0200'", [BOULDER]))
    return seeded


def test_a1_check_a_person_lists_no_denver_only_person_for_a_name(seeded):
    for text in ("Mile", "Dana", "ucdenver", "gmail"):
        at = search(BOULDER, text)
        assert "C-DEN" not in shown(at) and "Dana" not in shown(at), text


def test_a1_check_a_person_by_full_employee_id_shows_the_verdict_for_boulder_only(seeded):
    at = search(BOULDER, "555")
    table = at.dataframe[0].value
    assert list(table["name"]) == ["Dana Mile"] and list(table["contact ID"]) == ["C-DEN"]
    assert table["contact"].isna().all() and table["email"].isna().all()
    page = texts(at)
    assert "A1: Dana Mile is not a person of Boulder" in page
    assert ":red[✗] **P1** No UCB Email on this contact" in page
    assert ":green[✓] **P2** met" in page
    assert not [s for s in DEN_SECRETS if s in shown(at)], shown(at)
    assert not [b for b in at.button if b.key == "check_start"]  # the page stops at the verdict


@pytest.mark.parametrize("who", [DENVER, MANAGER, SYSTEM])
def test_a1_a3_the_denver_person_in_full_for_denver_a_manager_and_the_system_team(seeded, who):
    at = search(who, "Mile")
    table = at.dataframe[0].value
    assert list(table["employee ID"]) == ["555"]
    assert list(table["university emails"]) == ["UCD Email: dana@ucdenver.edu"]
    assert "Holds Cvent, Salesforce" in texts(at)
    assert "not a person of" not in texts(at)


def test_a1_the_primary_specialist_opens_the_denver_license_and_its_holder(named):
    at = open_page(BOULDER, LICENSE, license="LN-0200")
    assert "LN-0200 · Nia Named" in texts(at) and "was not found" not in texts(at)
    at = open_page(BOULDER, CONTACT, contact="C-DNP")
    assert "Nia Named · C-DNP" in texts(at)
    for email in (NEW_SPECIALIST,):  # another Boulder specialist: not named on LN-0200
        assert "License record LN-0200 was not found" in texts(
            open_page(email, LICENSE, license="LN-0200"))


def test_a1_the_primary_specialist_requests_deprovisioning_on_the_license_record(named):
    at = open_page(BOULDER, LICENSE, license="LN-0200")
    at.multiselect(key="lic_dep_apps").set_value([ref.CVENT])
    ok(at.button(key="lic_dep_submit").click().run())
    assert "for LN-0200 has been submitted" in " ".join(s.value for s in at.success)
    assert named.query_one("SELECT kind, status, campus FROM requests") == (
        "deprovision", "pending", "Denver")


def test_a1_the_primary_specialist_has_the_denver_license_on_the_dashboard(app_store):
    seed_small(app_store)
    app_store.write(lambda cur: cur.execute(
        "UPDATE licenses SET ecomm_specialist = ? WHERE license_number = 'LN-0005'", [BOULDER]))
    at = open_page(BOULDER, "app_pages/dashboard.py")
    numbers = {str(v) for df in at.dataframe for col in ("license_number", "license")
               if col in df.value for v in df.value[col]}
    assert any("LN-0005" in n for n in numbers), numbers
    other = open_page(NEW_SPECIALIST, "app_pages/dashboard.py")
    assert not any("LN-0005" in str(v) for df in other.dataframe
                   for v in df.value.astype(str).to_numpy().ravel())


def test_a1_the_primary_specialist_lists_and_deprovisions_the_denver_license_on_compliance(
        compliance_db):
    """The issue's case: Denver's LN-0100 names Boulder's specialist as its primary specialist;
    it was listed on Compliance, but "Request deprovisioning" was refused."""
    from tests.apptest.test_compliance_page import PAGE, licenses, requests, select
    compliance_db.write(lambda cur: cur.execute(
        "UPDATE licenses SET ecomm_specialist = ? WHERE license_number = 'LN-0100'", [BOULDER]))
    at = open_page(BOULDER, PAGE)
    assert licenses(at, "quiz") == ["LN-0001", "LN-0002", "LN-0100"]
    select(at, "quiz", [2])
    ok(at.button(key="cmp_quiz_deprovision").click().run())
    ok(at.button(key="deprov_yes_cmp_quiz").click().run())   # issue 18: confirmed first
    assert [(r[0], r[2]) for r in requests(compliance_db)] == [("LN-0100", BOULDER)]
    assert "1 deprovisioning request(s) created" in " ".join(s.value for s in at.success)
    assert licenses(open_page(NEW_SPECIALIST, PAGE), "quiz") == ["LN-0001", "LN-0002"]
