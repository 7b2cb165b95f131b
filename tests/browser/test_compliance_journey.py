"""Browser journeys of the compliance pages (Q1) on the demo data set:

- the Boulder eComm specialist opens Compliance, shows the quiz-overdue list, ticks two people
  in the table and turns them into deprovisioning requests, after a confirmation naming what
  goes at once (issue 18); the result names the requests, which then appear on the Requests page (its CSV) as pending deprovisionings;
- the System team records a quiz pass on Compliance records: the license record no longer
  says "not a sender" and the person leaves the Compliance quiz list.

The app runs on its own demo database (these journeys change data); what the pages should
show is worked out through the services on that database before the server opens it.
"""
from __future__ import annotations

import csv
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from ecomm import admin
from ecomm import compliance_frames as cf
from ecomm.demo import load_demo
from ecomm.storage import Store
from ecomm.storage import compliance as store_c
from ecomm.storage.settings import load_policy
from tests.browser.conftest import DEMO_LICENSES, open_as, served, wait_idle
from tests.conftest import PINNED_TODAY

pytestmark = pytest.mark.browser

SAM = "sam.system@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"
OVERDUE = "Overdue (deprovisioning due)"
HEADER_PX, ROW_PX, MARKER_X = 36, 35, 15   # st.dataframe's header, rows, row-marker column


@pytest.fixture(scope="module")
def compliance_app(chromium_path, tmp_path_factory):
    """`streamlit run app.py` on a fresh demo database; yields (url, expected)."""
    path = tmp_path_factory.mktemp("compliance-browser") / "ecomm.duckdb"
    today = PINNED_TODAY                   # the pages' default "as of" day (the served app's clock)
    with Store(path) as store:
        load_demo(store, as_of=today, licenses=DEMO_LICENSES)
        policy = load_policy(store)
        boulder = admin.find_identity(store, BOULDER)
        seen_by_boulder = store_c.quiz_list(store, today, policy, boulder)
        everyone = store_c.quiz_list(store, today, policy)
        table = cf.quiz_table(store_c.quiz_frame(store, today, policy, None))
        # A1: Boulder's specialist also acts on licenses of other campuses that name her
        campus_of = dict(store.query("SELECT license_number, affiliated_campus FROM licenses"))
    overdue = [s.license_number for s in seen_by_boulder if s.overdue]
    waiting = [s.license_number for s in everyone if not s.overdue]
    assert len(overdue) >= 2, "the demo should have Boulder users whose quiz is overdue (Q1)"
    assert waiting, "the demo should have a user who is not a sender yet (Q1)"
    # the System team looks at one campus: the one whose first user not yet a sender comes
    # highest in its table (the table draws the rows in view only)
    rank = {}
    for campus in sorted(set(table["campus"])):
        rows = cf.in_campus(table, campus)
        waits = rows.index[~rows["overdue"].astype(bool)]
        if len(waits):
            rank[campus] = (int(waits[0]), rows.loc[waits[0], "license"])
    campus = min(rank, key=lambda c: rank[c][0])
    expected = {"campus_of": campus_of, "overdue": overdue, "not_a_sender": rank[campus][1],
                "campus": campus,
                "today": today}

    with served(path, path.parent) as url:
        yield url, expected


def pick_campus(page, campus: str) -> None:
    """Show one campus's lists (the System team's Campus filter)."""
    page.get_by_role("combobox", name="Campus").click()
    page.get_by_role("option", name=campus, exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Campus")).to_have_value(campus)


def grid(page):
    """The page's first table (the quiz list, on the first tab): the accessible twin of its
    canvas (rows as <tr>) and the layer that takes the clicks."""
    frame = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    return frame.locator("canvas[data-testid='data-grid-canvas'] table"), \
        frame.locator("div.dvn-scroller")


def listed(page, rows: int | None = None) -> list[str]:
    """The license numbers the quiz table shows, in order, once it is drawn (after the script
    has run), with ``rows`` rows when given."""
    table, _ = grid(page)
    expect(table.locator("tbody tr").first).to_be_attached()
    if rows is not None:
        expect(table).to_have_attribute("aria-rowcount", str(rows + 1))   # + the header row
    # issue 18: the name comes first; the license record's column is found by its heading
    heads = table.locator("thead th")
    texts = [t.strip() for t in heads.all_inner_texts()]
    at = heads.nth(texts.index("license")).get_attribute("aria-colindex")
    cells = table.locator(f"tbody tr td[aria-colindex='{at}']").all_inner_texts()
    # the link column's accessible text is its URL (license?license=LN-0042&as=...)
    return [re.sub(r"^license\?license=([^&]*).*$", r"\1", t.strip()) for t in cells]


def tick_row(page, row: int, then_selected: int) -> None:
    """Tick the row's selection box, and wait for the rerun that counts the selection."""
    _, clicks = grid(page)
    clicks.click(position={"x": MARKER_X, "y": HEADER_PX + ROW_PX * row + ROW_PX // 2})
    expect(page.get_by_text(f"{then_selected} row(s) selected:")).to_be_visible()
    wait_idle(page)


def open_license(page, url: str, email: str, number: str) -> None:
    page.goto(f"{url}/license?license={quote(number)}&as={quote(email)}")
    wait_idle(page)


def download_csv(page, label: str, tmp_path) -> list[dict]:
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name=label).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_q1_specialist_turns_overdue_quiz_rows_into_deprovisioning_requests(
        page, compliance_app, tmp_path):
    url, expected = compliance_app
    first, second = expected["overdue"][:2]
    open_as(page, url, BOULDER, "compliance")
    expect(page.get_by_role("heading", name="Compliance")).to_be_visible()
    page.get_by_text(OVERDUE).click()
    # the rerun has drawn the filtered list before any row is ticked
    assert listed(page, len(expected["overdue"])) == expected["overdue"]
    wait_idle(page)
    button = page.get_by_role("button", name=re.compile(r"^Request deprovisioning"))
    expect(button).to_be_disabled()

    tick_row(page, 0, then_selected=1)
    tick_row(page, 1, then_selected=2)
    expect(page.get_by_text(f"2 license record(s), {first}, {second}.")).to_be_visible()
    button = page.get_by_role("button", name="Request deprovisioning for the selected (2)")
    expect(button).to_be_enabled()
    button.click()
    # issue 18: it asks first, naming what goes at once (C4) with counts; nothing is sent yet
    expect(page.get_by_text("Deprovision 2 license record(s)?")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Salesforce is removed from \d license record\(s\)\. "
                                       "This cannot be undone"))).to_be_visible()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_count(0)
    wait_idle(page)
    page.get_by_role("button", name="Yes, deprovision 2 license record(s)").click()

    banner = page.get_by_test_id("stAlertContentSuccess").first
    expect(banner).to_contain_text("2 deprovisioning request(s) created:")
    wait_idle(page)
    ids = re.findall(r"R-\d{6}", banner.inner_text())
    assert len(ids) == 2, banner.inner_text()
    apps = {}
    for number in (first, second):
        link = page.get_by_role("link", name=re.compile(rf"R-\d{{6}}: {number} "))
        expect(link).to_be_visible()
        apps[number] = re.search(r"\((.*)\)", link.inner_text()).group(1).split(", ")
    # a fresh table: nothing is ticked any more
    expect(page.get_by_role("button", name="Request deprovisioning for the selected (0)")
           ).to_be_disabled()

    open_as(page, url, BOULDER, "requests")
    expect(page.get_by_role("heading", name="Requests")).to_be_visible()
    rows = {r["request"]: r for r in download_csv(page, "Download as CSV", tmp_path)}
    for request_id, number in zip(ids, (first, second)):
        assert request_id in rows, sorted(rows)
        row = rows[request_id]
        # C4: Salesforce goes at submission; a request for other applications waits for the
        # batch, one for Salesforce alone is complete at once
        status = "pending" if set(apps[number]) - {"Salesforce"} else "completed"
        assert (row["kind"], row["status"], row["campus"]) == (
            "Deprovisioning", status, expected["campus_of"][number])
        assert row["applications"] == ", ".join(apps[number])
        assert f"license={number}" in row["license record"]


def quiz_csv_numbers(page, tmp_path) -> list[str]:
    """Every license number of the quiz list as shown (its CSV, made when the button is
    pressed): the table draws only the rows in view."""
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").get_by_role(
            "button", name="Download this list as CSV").first.click()
    target = tmp_path / f"quiz-{len(list(tmp_path.iterdir()))}.csv"
    info.value.save_as(target)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        return [r["license"] for r in csv.DictReader(fh)]


def test_q1_system_team_records_a_quiz_pass_and_not_a_sender_is_lifted(page, compliance_app,
                                                                         tmp_path):
    url, expected = compliance_app
    number, today = expected["not_a_sender"], expected["today"].isoformat()
    open_license(page, url, SAM, number)
    expect(page.get_by_text("Not a sender (Q1): yes")).to_be_visible()

    open_as(page, url, SAM, "compliance")
    expect(page.get_by_role("heading", name="Compliance")).to_be_visible()
    pick_campus(page, expected["campus"])
    assert number in quiz_csv_numbers(page, tmp_path)

    open_as(page, url, SAM, "compliance_records")
    expect(page.get_by_role("heading", name="Compliance records")).to_be_visible()
    page.get_by_label("License number").fill(number)
    page.get_by_label("License number").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Record the quiz pass").click()
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
        f"Recorded the quiz pass of {number} on {today}: the user is a sender now.")
    wait_idle(page)

    open_license(page, url, SAM, number)
    expect(page.get_by_text("Not a sender (Q1): no")).to_be_visible()
    open_as(page, url, SAM, "compliance")
    expect(page.get_by_role("heading", name="Compliance")).to_be_visible()
    pick_campus(page, expected["campus"])
    shown = quiz_csv_numbers(page, tmp_path)
    assert shown and number not in shown
