"""Browser journeys of the app shell: sign in with the development picker; the System team
adds reference data on Admin and sees the confirmation and the new row."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import nav_titles, open_as, wait_idle
from tests.browser.test_navigation import SYSTEM_NAV

pytestmark = pytest.mark.browser


def test_dev_picker_signs_in_as_the_chosen_person(page, app_url):
    page.goto(app_url + "/")
    wait_idle(page)
    expect(page.get_by_text("choose a person under")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Sam Rivera — System team").click()
    expect(page.get_by_role("heading", name="Welcome, Sam Rivera")).to_be_visible()
    wait_idle(page)
    assert nav_titles(page) == SYSTEM_NAV
    assert "as=sam.system%40cu.edu" in page.url or "as=sam.system@cu.edu" in page.url


def test_a2_system_team_adds_a_public_group_on_admin(page, app_url):
    open_as(page, app_url, "sam.system@cu.edu", "admin")
    page.get_by_role("tab", name="Reference data").click()
    panel = page.get_by_role("tabpanel", name="Reference data")
    panel.get_by_label("List").click()
    page.get_by_role("option", name="public groups").click()
    wait_idle(page)
    panel.get_by_label("Value").fill("99 Browser Test Group")
    panel.get_by_role("button", name="Add public group").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Added the public group '99 Browser Test Group' for Anschutz.")


def test_a2_full_export_downloads_a_zip_in_the_import_format(page, app_url, tmp_path):
    import zipfile

    open_as(page, app_url, "sam.system@cu.edu", "import_data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download a full export").click()
    target = tmp_path / "export.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as zf:
        assert "users.csv" in zf.namelist()
        assert "sam.system@cu.edu" in zf.read("users.csv").decode("utf-8-sig")
