"""Browser journey (issue 18, the form): the Boulder eComm specialist fills the New request
screens, is stopped on the unit screen by P11 and fixes it there, uploads a transcript, goes
Previous and Next again, finds the upload still there, and submits."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ecomm import admin, readiness
from ecomm.storage import Store, contacts
from tests.browser.conftest import DEMO_LICENSES, open_as, wait_idle
from tests.browser.test_provision_journey import BOULDER, PNG, next_screen, pick
from tests.conftest import PINNED_TODAY

pytestmark = pytest.mark.browser
demo = pytest.importorskip("ecomm.demo")


@pytest.fixture(scope="module")
def another_ready_contact(tmp_path_factory) -> dict:
    """The LAST eligible Boulder contact without a license of the browser database's twin (the
    provision journey takes the first, so both journeys can run in one session)."""
    path = tmp_path_factory.mktemp("twin_steps") / "twin.duckdb"
    found = []
    with Store(path) as store:
        demo.load_demo(store, as_of=PINNED_TODAY, licenses=DEMO_LICENSES)
        boulder = admin.find_identity(store, BOULDER)
        for row in contacts.search_contacts(store, "", campus="Boulder", limit=1000):
            if not row["employee_id"]:
                continue
            ready = readiness.contact_readiness(store, boulder, row["contact_id"], "Boulder",
                                                PINNED_TODAY)
            same_id = store.query_value("SELECT count(*) FROM contacts WHERE employee_id = ?",
                                        [row["employee_id"]])
            if ready.ready and not ready.held and not ready.open_requests \
                    and not ready.warnings and same_id == 1 \
                    and not contacts.requested_applications(store, row["contact_id"]):
                found.append(row)
    if len(found) < 2:
        pytest.fail("the demo data set has fewer than two eligible Boulder contacts")
    return found[-1]


def test_p5_p11_the_form_keeps_the_upload_across_previous_next_and_checks_each_screen(
        page, app_url, another_ready_contact):
    person = another_ready_contact
    open_as(page, app_url, BOULDER, "check")
    search = page.get_by_label("Name, email or employee ID")
    search.fill(person["employee_id"])
    search.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start a request for this person").click()
    wait_idle(page)
    page.get_by_role("button", name="Acknowledge").click()
    wait_idle(page)
    next_screen(page)

    expect(page.get_by_text("eComm Specialist Information")).to_be_visible()
    pick(page, "Applications", "Salesforce")
    next_screen(page)

    expect(page.get_by_text("Unit / Department Information")).to_be_visible()
    pick(page, "Business Unit", "N/A - User is Cvent and/or Salesforce only")
    next_screen(page)   # no public group: P11 is reported here, on the unit screen
    # in view wherever the screen is scrolled to (a toast), and above the buttons
    expect(page.get_by_test_id("stToast")).to_contain_text("P11: No public group chosen")
    expect(page.get_by_test_id("stToast")).to_be_in_viewport()
    expect(page.get_by_text("P11: No public group chosen").last).to_be_attached()
    expect(page.get_by_text("Unit / Department Information")).to_be_visible()
    pick(page, "Public Group", "N/A - User")
    next_screen(page)

    expect(page.get_by_text("Course Completion Upload")).to_be_visible()
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "transcript.png", "mimeType": "image/png", "buffer": PNG}])
    expect(page.get_by_text("transcript.png uploaded.")).to_be_visible()
    wait_idle(page)

    page.get_by_role("button", name="Previous").click()
    wait_idle(page)
    expect(page.get_by_text("Unit / Department Information")).to_be_visible()
    next_screen(page)
    expect(page.get_by_text("Course Completion Upload")).to_be_visible()
    expect(page.get_by_text("transcript.png uploaded.")).to_be_visible()   # still there
    expect(page.get_by_role("button", name="Remove")).to_be_visible()

    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
        "has been submitted!")
    expect(page.get_by_text("No screenshot of the learning transcript")).to_have_count(0)
