"""Browser journey (rules revision 2, P15): the Boulder eComm specialist finds a licensed user
who holds Cvent, starts a request, chooses "Change", asks for a Cvent add-on, submits, and
sees the confirmation naming the change request, its license record and its cycle."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ecomm import reference as ref
from ecomm.storage import Store
from tests.browser.conftest import DEMO_LICENSES, wait_idle
from tests.conftest import PINNED_TODAY
from tests.browser.test_provision_journey import BOULDER, pick
from tools.demo_people import first_ready_contact
from tools.journey_screenshots import open_change_screen

pytestmark = pytest.mark.browser
demo = pytest.importorskip("ecomm.demo")


@pytest.fixture(scope="module")
def licensed_contact(tmp_path_factory) -> dict:
    """A Boulder user of the browser database who holds Cvent without add-on, qualifies
    (P1-P5) and has no open request: found in a twin of the deterministic demo (the running
    app holds the browser database)."""
    path = tmp_path_factory.mktemp("twin") / "twin.duckdb"
    today = PINNED_TODAY  # the browser database's as_of, and the served app's clock
    with Store(path) as store:
        demo.load_demo(store, as_of=today, licenses=DEMO_LICENSES)

        def cvent_without_add_on(row, ready) -> bool:
            lic = ready.license_at("Boulder")
            return bool(lic and ref.CVENT in lic["held"] and not store.query_value(
                "SELECT cvent_add_ons FROM licenses WHERE license_number = ?",
                [lic["license_number"]]))

        found = first_ready_contact(store, BOULDER, "Boulder", today, cvent_without_add_on)
        if found:
            row, ready = found
            return {**row, "license_number": ready.license_at("Boulder")["license_number"]}
    pytest.fail("the demo data set has no Boulder Cvent user to change")


def test_p15_specialist_submits_a_change_request_for_a_cvent_add_on(page, app_url,
                                                                    licensed_contact):
    open_change_screen(page, app_url, BOULDER, licensed_contact["employee_id"], wait_idle)
    expect(page.get_by_text("Change what the user has (P15)")).to_be_visible()
    pick(page, "Cvent add-ons to add", "Event Management")
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)

    banner = page.get_by_test_id("stAlertContentSuccess").first
    expect(banner).to_contain_text(
        f"for {licensed_contact['license_number']} has been submitted: Cvent add-ons "
        "Event Management")
    assert re.search(r"Your change request R-\d{6}", banner.inner_text())
    expect(page.get_by_text(re.compile(r"P15: a change goes through the monthly cycle"))) \
        .to_be_visible()
    expect(page.get_by_role("link", name=re.compile(
        rf"License record {licensed_contact['license_number']}"))).to_be_visible()
