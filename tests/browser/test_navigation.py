"""Browser: each role sees the pages of its role in the navigation, and not the others (A1-A3)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import nav_titles, open_as, wait_idle

pytestmark = pytest.mark.browser

SYSTEM = "sam.system@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"
SYSTEM_NAV = ["Home", "Import", "Admin", "Check a person", "New request", "Requests",
              "Group changes", "Contact record", "License record", "Batch"]
SPECIALIST_NAV = ["Home", "Check a person", "New request", "Requests", "Group changes",
                  "Contact record", "License record"]
# Issue 6 (billing): Billing for the System team, Invoices for specialists (after the others).
SYSTEM_NAV = [*SYSTEM_NAV, "Billing"]
SPECIALIST_NAV = [*SPECIALIST_NAV, "Invoices"]
# Issue 4 (compliance): Compliance for everyone, then the System team's records and Messages.
SYSTEM_NAV = [*SYSTEM_NAV, "Compliance", "Compliance records", "Messages"]
SPECIALIST_NAV = [*SPECIALIST_NAV, "Compliance"]
# Issue 5 (dashboard): Dashboard for everyone and Reports for the System team, after Home.
SYSTEM_NAV = [SYSTEM_NAV[0], "Dashboard", "Reports", *SYSTEM_NAV[1:]]
SPECIALIST_NAV = [SPECIALIST_NAV[0], "Dashboard", *SPECIALIST_NAV[1:]]
# Issue 7 (trust): the Audit log for everyone, last.
SYSTEM_NAV = [*SYSTEM_NAV, "Audit log"]
SPECIALIST_NAV = [*SPECIALIST_NAV, "Audit log"]
# Issue 19 (run as a service): Jobs for the System team, after Admin.
SYSTEM_NAV.insert(SYSTEM_NAV.index("Admin") + 1, "Jobs")
# Issue 17 (rules revision 2, Q5): the June review for everyone, after Compliance.
SYSTEM_NAV.insert(SYSTEM_NAV.index("Compliance") + 1, "June review")
SPECIALIST_NAV.insert(SPECIALIST_NAV.index("Compliance") + 1, "June review")


def test_a2_system_team_navigation_lists_home_import_and_admin(page, app_url):
    open_as(page, app_url, SYSTEM)
    expect(page.get_by_role("heading", name="Welcome, Sam Rivera")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(len(SYSTEM_NAV))
    assert nav_titles(page) == SYSTEM_NAV

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Admin").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    expect(page.get_by_role("tab", name="Users and roles")).to_be_visible()


def test_a1_specialist_sees_home_only_and_cannot_open_admin_by_url(page, app_url):
    open_as(page, app_url, BOULDER)
    expect(page.get_by_role("heading", name="Welcome, Priya Natarajan")).to_be_visible()
    expect(page.get_by_text("eComm specialist", exact=False).first).to_be_visible()
    assert "Import" not in nav_titles(page) and "Admin" not in nav_titles(page)

    open_as(page, app_url, BOULDER, "admin")
    expect(page.get_by_role("heading", name="Welcome, Priya Natarajan")).to_be_visible()
    expect(page.get_by_role("tab", name="Users and roles")).to_have_count(0)
    assert nav_titles(page) == SPECIALIST_NAV


def test_dev_sign_in_banner_is_shown(page, app_url):
    open_as(page, app_url, BOULDER)
    expect(page.get_by_test_id("stSidebar").get_by_text("Development sign-in")).to_be_visible()
