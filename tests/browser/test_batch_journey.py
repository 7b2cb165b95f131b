"""Browser journeys of the monthly batch (C1-C6) for the System team (sam.system@cu.edu):

- on the shared demo (made as of today) the pending requests belong to the upcoming cycle:
  it can be previewed, and processing waits for its first processing day (C1);
- on a demo made 40 days ago, those requests' cycle is due: preview it, confirm the review,
  process it, see the summary and download the new users (C2) with their license numbers.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from ecomm import batch
from ecomm.demo import load_demo
from ecomm.identity import CLI_ACTOR
from ecomm.storage import Store
from tests.browser.conftest import DEMO_LICENSES, open_as, served, wait_idle
from tests.conftest import PINNED_TODAY

pytestmark = pytest.mark.browser

SAM = "sam.system@cu.edu"
CYCLE_BOX = "Cycle (the processing month)"


def _counts(page) -> dict[str, int]:
    """The three preview tables' counts from their headings, e.g. 'Provisioned (12)'."""
    text = page.get_by_test_id("stMain").inner_text()
    return {k: int(re.search(rf"{k} \((\d+)\)", text).group(1))
            for k in ("Provisioned", "Deprovisioned", "Held")}


def test_c1_upcoming_cycle_with_pending_requests_is_previewed_not_processed(page, app_url):
    open_as(page, app_url, SAM, "batch")
    expect(page.get_by_role("heading", name="Monthly batch")).to_be_visible()
    page.get_by_label(CYCLE_BOX).click()
    upcoming = page.get_by_role("option").first   # newest first: the upcoming cycle
    label = upcoming.inner_text().strip()
    upcoming.click()
    # the rerun for the chosen cycle must have drawn its tables before they are read: the due
    # cycle's page (still shown while the rerun starts) has no "cannot be processed yet"
    expect(page.get_by_role("combobox", name=CYCLE_BOX)).to_have_value(label)
    expect(page.get_by_text("cannot be processed yet")).to_be_visible()
    wait_idle(page)
    counts = _counts(page)
    assert counts["Provisioned"] + counts["Held"] > 0, counts
    expect(page.get_by_text("cannot be processed yet")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Process cycle"))).to_have_count(0)


@pytest.fixture(scope="module")
def due_app(chromium_path, tmp_path_factory):
    """`streamlit run app.py` on a demo made 40 days ago, whose requests' cycle is due today;
    yields (url, expected) with what the preview of that cycle says."""
    path = tmp_path_factory.mktemp("batch-browser") / "ecomm.duckdb"
    today = PINNED_TODAY  # the served app's clock
    with Store(path) as store:
        load_demo(store, as_of=today - timedelta(days=40), licenses=DEMO_LICENSES)
        cycle = batch.due_cycle(store, today)
        plan = batch.preview_batch(store, CLI_ACTOR, cycle,
                                   on=batch.default_processing_day(store, cycle, today))
    assert plan.provisioned, "the demo should have requests for the due cycle"
    expected = {"cycle": cycle, "on": plan.on, "counts": {
        "Provisioned": len(plan.provisioned), "Deprovisioned": len(plan.deprovisioned),
        "Held": len(plan.held)}, "licenses": sorted(p.license_number for p in plan.provisioned),
        "sentence": plan.sentence()}   # P15 (rev 2): "..., N changed" when change requests wait

    with served(path, path.parent) as url:
        yield url, expected


def test_c6_system_team_previews_processes_and_downloads_the_new_users(page, due_app, tmp_path):
    url, expected = due_app
    cycle = expected["cycle"]
    open_as(page, url, SAM, "batch")
    expect(page.get_by_role("combobox", name=CYCLE_BOX)).to_have_value(f"{cycle} — due")
    expect(page.get_by_text(f"Preview: processing on {expected['on'].isoformat()}")).to_be_visible()
    assert _counts(page) == expected["counts"]

    process = page.get_by_role("button", name=f"Process cycle {cycle}")
    expect(process).to_be_disabled()
    page.get_by_text("I have reviewed the preview").click()
    wait_idle(page)
    expect(process).to_be_enabled()
    process.click()
    wait_idle(page)

    n = expected["counts"]
    summary = (f"Cycle {cycle} processed on {expected['on'].isoformat()}: {n['Provisioned']} "
               f"provisioned, {n['Deprovisioned']} deprovisioned, {n['Held']} held")
    assert expected["sentence"].startswith(summary.split(": ", 1)[1])
    summary = f"Cycle {cycle} processed on {expected['on'].isoformat()}: {expected['sentence']}."
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(summary)
    expect(page.get_by_text(f"was processed on {expected['on'].isoformat()} by {SAM}")
           ).to_be_visible()
    expect(page.get_by_role("button", name=f"Process cycle {cycle}")).to_have_count(0)
    wait_idle(page)  # the rerun after processing has finished: its download buttons stay put

    with page.expect_download() as info:
        page.get_by_role("button", name="Download new users (CSV)").click()
    target = tmp_path / "new-users.csv"
    info.value.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert sorted(r["license_number"] for r in rows) == expected["licenses"]
    assert all(r["credentials_date"] and r["name"] and r["campus"] for r in rows)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download new users (XLSX)").click()
    assert info.value.suggested_filename == f"batch-{cycle}-new-users.xlsx"

    # pressing it again later: the cycle shows its summary, nothing to process
    open_as(page, url, SAM, "batch")
    page.get_by_label(CYCLE_BOX).click()
    page.get_by_role("option", name=re.compile(f"^{cycle} — processed")).click()
    wait_idle(page)
    expect(page.get_by_text(f"was processed on {expected['on'].isoformat()} by {SAM}")
           ).to_be_visible()
