"""Browser journey (issue 3): the Boulder eComm specialist finds an eligible contact on Check a
person, starts a request, walks the New request screens, uploads a transcript PNG, submits,
and sees the confirmation with the request id, the license record and the cost."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from ecomm.storage import Store, contacts
from tests.browser.conftest import DEMO_LICENSES, open_as, wait_idle
from tests.conftest import PINNED_TODAY
from tools.demo_people import first_ready_contact

pytestmark = pytest.mark.browser
demo = pytest.importorskip("ecomm.demo")

BOULDER = "ecomm.boulder@colorado.edu"
PNG = b"\x89PNG\r\n\x1a\n" + b"transcript-bytes" * 8


@pytest.fixture(scope="module")
def ready_contact(tmp_path_factory) -> dict:
    """An eligible Boulder contact of the browser database, found through the services.

    The running app holds the browser database (DuckDB allows one process per file), so the
    services look at a twin: the demo is deterministic, and the same as_of, seed and size give
    the same data (see ecomm.demo)."""
    path = tmp_path_factory.mktemp("twin") / "twin.duckdb"
    today = PINNED_TODAY  # the browser database's as_of, and the served app's clock
    with Store(path) as store:
        demo.load_demo(store, as_of=today, licenses=DEMO_LICENSES)
        # P7 looks at the person's waiting requests at every campus (a Boulder Advancement
        # request, UCB Email too, is not the Boulder specialist's to see: A1)
        found = first_ready_contact(
            store, BOULDER, "Boulder", today, lambda row, ready: not ready.held and not
            contacts.requested_applications(store, row["contact_id"]))
        if found:
            return found[0]
    pytest.fail("the demo data set has no eligible Boulder contact without a license")


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the multiselect labelled ``label`` (opening its list again if a
    rerun closed it before the option showed)."""
    wait_idle(page)
    choice = page.get_by_role("option", name=option).first
    for _ in range(3):
        page.get_by_label(label, exact=True).click()
        try:
            choice.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_idle(page)
    choice.click()
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(page.get_by_label(label, exact=True).locator("xpath=ancestor::*[@data-testid="
                                                        "'stMultiSelect']")).to_contain_text(option)


def next_screen(page) -> None:
    page.get_by_role("button", name="Next").click()
    wait_idle(page)


def test_p1_p14_specialist_provisions_an_eligible_contact_from_search_to_confirmation(
        page, app_url, ready_contact):
    open_as(page, app_url, BOULDER, "check")
    search = page.get_by_label("Name, email or employee ID")
    search.fill(ready_contact["employee_id"])
    search.press("Enter")
    wait_idle(page)
    expect(page.get_by_text(f"Ready to be provisioned at Boulder")).to_be_visible()
    expect(page.get_by_text(ready_contact["name"]).first).to_be_visible()

    page.get_by_role("button", name="Start a request for this person").click()
    wait_idle(page)
    expect(page.get_by_text(f"User Access Change Request for {ready_contact['name']}")) \
        .to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    wait_idle(page)
    expect(page.get_by_text("What would you like to do today?")).to_be_visible()
    next_screen(page)

    expect(page.get_by_text("eComm Specialist Information")).to_be_visible()
    pick(page, "Applications", "Salesforce")
    next_screen(page)

    expect(page.get_by_text("Unit / Department Information")).to_be_visible()
    pick(page, "Business Unit", "N/A - User is Cvent and/or Salesforce only")
    pick(page, "Public Group", "N/A - User")
    next_screen(page)

    expect(page.get_by_text("Course Completion Upload")).to_be_visible()
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "transcript.png", "mimeType": "image/png", "buffer": PNG}])
    expect(page.get_by_text("transcript.png uploaded.")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)

    banner = page.get_by_test_id("stAlertContentSuccess").first
    expect(banner).to_contain_text("has been submitted!")
    text = banner.inner_text()
    request_id = re.search(r"R-\d{6}", text)
    assert request_id, text
    expect(page.get_by_text(f"Request ID: {request_id.group(0)}")).to_be_visible()
    expect(page.get_by_text("What it costs your campus this fiscal year")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"License record LN-\d+"))).to_be_visible()
