"""Browser journey: the dashboard is the page people open first; the System team filters it by
public group and downloads a panel, whose CSV holds every row of the panel and only members of
that group; a specialist's link to another campus stays on their own campus (A1)."""
from __future__ import annotations

import csv
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_as, wait_idle

pytestmark = pytest.mark.browser

SYSTEM = "sam.system@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"
GROUP_BOX = "eComm Public Group"
ACTIVE = "Active eComm users"


def named_campuses() -> set[str]:
    """Campuses of the demo's licenses that name Boulder's specialist (A1), read from a twin of
    the browser database (the running app holds it; the demo is deterministic)."""
    from ecomm.demo import load_demo
    from ecomm.storage import Store
    from tests.browser.conftest import DEMO_LICENSES
    from tests.conftest import PINNED_TODAY

    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "twin.duckdb") as store:
        load_demo(store, as_of=PINNED_TODAY, licenses=DEMO_LICENSES)
        return {c for (c,) in store.query(
            "SELECT DISTINCT affiliated_campus FROM licenses WHERE ecomm_specialist = ? "
            "OR list_contains(additional_specialists, ?)", [BOULDER, BOULDER])}


def panel_count(page, title: str) -> int:
    heading = page.get_by_role("heading", name=re.compile(rf"^{re.escape(title)} · "))
    expect(heading).to_be_visible()
    return int(heading.inner_text().rsplit("·", 1)[1].strip().replace(",", ""))


def test_dashboard_filtered_by_public_group_downloads_its_rows(page, app_url, tmp_path):
    open_as(page, app_url, SYSTEM)
    expect(page.get_by_role("heading", name="Welcome, Sam Rivera")).to_be_visible()
    everyone = panel_count(page, ACTIVE)
    assert everyone > 0

    page.get_by_label(GROUP_BOX).click()
    options = page.get_by_role("option")
    expect(options.nth(1)).to_be_visible()
    group = options.nth(1).inner_text().strip()        # the first group after "All"
    options.nth(1).click()
    wait_idle(page)
    expect(page.get_by_text(f"public group {group}", exact=False).last).to_be_visible()
    members = panel_count(page, ACTIVE)
    assert 0 < members < everyone
    assert re.search(r"[?&]group=", page.url)

    with page.expect_download() as info:
        page.locator(".st-key-dash_csv_active button").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.startswith("dashboard-active-all-campuses-")
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == members
    assert all(group in r["public_groups"].split("; ") for r in rows)
    assert {"license_number", "contact_id", "campus", "applications"} <= set(rows[0])


def test_a1_specialist_link_to_another_campus_shows_their_own(page, app_url, tmp_path):
    # the dashboard is the default page: it is served at the app's root URL
    page.goto(f"{app_url}/?campus=Denver&as={quote(BOULDER)}")
    wait_idle(page)
    expect(page.get_by_text("you see Boulder only, not Denver")).to_be_visible()
    count = panel_count(page, ACTIVE)
    with page.expect_download() as info:
        page.locator(".st-key-dash_csv_active button").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == count > 0
    # A1: Boulder's own licenses, and those of other campuses that name her as their eComm
    # specialist (primary or additional), never Denver's others
    assert "Boulder" in {r["campus"] for r in rows}
    others = {r["campus"] for r in rows} - {"Boulder"}
    assert others <= named_campuses()
