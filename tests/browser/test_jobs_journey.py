"""Browser journey of the Jobs page (issue 19): the System team sees each job and its
schedule, runs the nightly backup now, and sees the outcome and the run in its table."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_as, wait_idle

pytestmark = pytest.mark.browser


def test_system_team_runs_the_nightly_backup_now(page, app_url, browser_db):
    open_as(page, app_url, "sam.system@cu.edu", "jobs")
    expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible()
    for label in ("Daily compliance messages (Q1-Q3), then sending by SMTP", "Nightly backup",
                  "Batch reminder on a cycle's first processing day (C1)"):
        expect(page.get_by_role("heading", name=label)).to_be_visible()
    # the tests' app runs without its scheduler (tools/appserver.py: ECOMM_JOBS=off)
    expect(page.get_by_text("not running by themselves")).to_be_visible()
    backup = page.locator(".st-key-job_nightly_backup")
    backup.get_by_role("button", name="Run now").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Nightly backup: done. Wrote")
    backup = page.locator(".st-key-job_nightly_backup")
    expect(backup.get_by_text("Last run")).to_contain_text("(run now): ok")
    expect(backup.get_by_test_id("stDataFrame")).to_be_visible()
    assert list((browser_db.parent / "backups").glob("ecomm-*.zip"))
