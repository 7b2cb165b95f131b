"""Browser journey of the June review (Q5, rules revision 2) on the demo data set, with the app's
clock pinned to a June day (ECOMM_NOW):

- the Boulder eComm specialist opens June review, ticks a user and keeps them, then ticks
  another and removes them: the removal is a deprovisioning request (named in the banner);
- the System team opens June review and sees Boulder's progress moved by those two decisions.

The app runs on its own demo database; what the pages should show is worked out through the
services on that database before the server opens it.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ecomm import june_review as q5
from ecomm.admin import find_identity
from ecomm.demo import load_demo
from ecomm.storage import Store
from tests.browser.conftest import DEMO_LICENSES, open_as, wait_idle
from tools import appserver

pytestmark = pytest.mark.browser

SAM = "sam.system@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"
JUNE_DAY = date(2027, 6, 10)
HEADER_PX, ROW_PX, MARKER_X = 36, 35, 15   # st.dataframe's header, rows, row-marker column


@pytest.fixture(scope="module")
def june_app(chromium_path, tmp_path_factory):
    """`streamlit run app.py` on a demo database made on a June day, its clock pinned there."""
    path = tmp_path_factory.mktemp("june-review-browser") / "ecomm.duckdb"
    with Store(path) as store:
        load_demo(store, as_of=JUNE_DAY, licenses=DEMO_LICENSES)
        boulder = find_identity(store, BOULDER)
        rows = q5.review(store, boulder, 2027, JUNE_DAY).rows
        before = {p.campus: p for p in q5.progress(store, boulder, 2027, JUNE_DAY)}["Boulder"]
    to_review = [r.license_number for r in rows if r.decision is None]
    assert len(to_review) >= 2, "the demo's June review should leave Boulder users to review"
    with appserver.serve(path, path.parent, env={"ECOMM_NOW": "2027-06-10T10:00:00"}) as app:
        yield app.url, {"to_review": to_review, "before": before}


def grid(page, nth: int):
    """The nth table of the page: its accessible twin (rows as <tr>) and the click layer."""
    frame = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").nth(nth)
    return frame.locator("canvas[data-testid='data-grid-canvas'] table"), \
        frame.locator("div.dvn-scroller")


def rows_of(page, nth: int) -> list[list[str]]:
    table, _ = grid(page, nth)
    expect(table.locator("tbody tr").first).to_be_attached()
    return [[c.strip() for c in tr.locator("td").all_inner_texts()]
            for tr in table.locator("tbody tr").all()]


def tick_first_row(page, number: str) -> None:
    _, clicks = grid(page, 1)
    clicks.click(position={"x": MARKER_X, "y": HEADER_PX + ROW_PX // 2})
    expect(page.get_by_text(f"1 user(s) selected: {number}.")).to_be_visible()
    wait_idle(page)


def test_q5_specialist_keeps_and_removes_and_the_system_team_sees_the_progress(page, june_app):
    url, expected = june_app
    first, second = expected["to_review"][:2]
    open_as(page, url, BOULDER, "june_review")
    expect(page.get_by_role("heading", name="June review")).to_be_visible()
    expect(page.get_by_text("The June review of 2027 is open until June 30")).to_be_visible()

    tick_first_row(page, first)
    page.get_by_role("button", name="Keep the selected (1)").click()
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
        "Kept 1 user(s) in the June review of 2027.")
    wait_idle(page)

    tick_first_row(page, second)          # the kept one left the "To review" list
    page.get_by_role("button", name=re.compile(r"^Remove the selected \(1\)")).click()
    banner = page.get_by_test_id("stAlertContentSuccess").first
    expect(banner).to_contain_text("1 deprovisioning request(s) created:")
    wait_idle(page)
    assert re.search(r"R-\d{6}", banner.inner_text()), banner.inner_text()

    open_as(page, url, SAM, "june_review")
    expect(page.get_by_role("heading", name="Progress per campus")).to_be_visible()
    before = expected["before"]
    boulder = [r for r in rows_of(page, 0) if "Boulder" in r][0]
    # campus, active users, kept, removed, to review (the removed one is still counted)
    assert boulder[:5] == ["Boulder", str(before.active_users), str(before.kept + 1),
                           str(before.removed + 1), str(before.to_review - 2)], boulder
