"""Browser (issue 18): the development sign-in is kept across in-app navigation. Signed in
with ``?as=``, the System team clicks through the sidebar (some clicks while the previous page
still runs): every page is drawn for the same person, the URL carries ``as=`` again, and a
reload of the page keeps them signed in."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_as, wait_idle

pytestmark = pytest.mark.browser

SYSTEM = "sam.system@cu.edu"
# (sidebar link, the page's heading): the walk of the issue (Reports -> Compliance ...)
WALK = [("reports", "Reports"), ("compliance", "Compliance"), ("requests", "Requests"),
        ("audit", "Audit log"), ("billing", "Billing"), ("compliance", "Compliance"),
        ("june_review", "June review"), ("reports", "Reports"), ("batch", "Monthly batch"),
        ("compliance", "Compliance"), ("home", "Welcome, Sam Rivera")]


def click(page, path: str):
    page.locator(f"[data-testid='stSidebarNavLink'][href$='/{path}']").click()


def signed_in(page):
    return page.get_by_test_id("stSidebar").get_by_text("Signed in as Sam Rivera")


def test_dev_sign_in_kept_across_sidebar_clicks_and_a_reload(page, app_url):
    open_as(page, app_url, SYSTEM)     # the dashboard
    expect(signed_in(page)).to_be_visible()
    for path, heading in WALK:
        click(page, path)
        expect(page).to_have_url(re.compile(rf"/{path}\?(.*&)?as=sam\.system(%40|@)cu\.edu"))
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        wait_idle(page)
        expect(signed_in(page)).to_be_visible()
        expect(page.get_by_text("choose a person under")).to_have_count(0)
    # clicks while the previous page is still running, then where it ends
    for path, _ in WALK[:4]:
        click(page, path)
    expect(page).to_have_url(re.compile(r"/audit\?(.*&)?as="))
    expect(page.get_by_role("heading", name="Audit log", exact=True).first).to_be_visible()
    wait_idle(page)
    expect(signed_in(page)).to_be_visible()
    page.reload()                                    # a new session on the same URL
    wait_idle(page)
    expect(page.get_by_role("heading", name="Audit log", exact=True).first).to_be_visible()
    expect(signed_in(page)).to_be_visible()
