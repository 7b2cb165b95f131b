"""Browser journey of the January true-up (B5-B8) on its own demo database, made as of a
January day that it keeps as its today (the practice clock, issue 13), whatever the real day:
the System team (Sam) drafts the latest January true-up that can be drafted and sends it for
review; Boulder's specialist (Priya) approves Boulder's invoices on the Invoices page; Sam
downloads the two spreadsheets, which read back equal to what the run bills, Boulder's invoice
approved and the others in review."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ecomm import admin, practice
from ecomm.billing import frames
from ecomm.billing import workflow as wf
from ecomm.billing.fiscal import fy_label
from ecomm.billing.records import IN_REVIEW
from ecomm.demo import load_demo
from ecomm.identity import CLI_ACTOR
from ecomm.storage import Store
from tests.browser.conftest import DEMO_LICENSES, open_as, served, wait_idle
from tests.integration.billing_seed import read_workbook

pytestmark = pytest.mark.browser

SAM = "sam.system@cu.edu"
PRIYA = "ecomm.boulder@colorado.edu"
JAN = "january"
JANUARY_DAY = date(2027, 1, 11)   # the served app's today: its database's practice date


@pytest.fixture(scope="module")
def billing_app(chromium_path, tmp_path_factory):
    """`streamlit run app.py` on a fresh demo whose today is JANUARY_DAY; yields (url, run)
    with the fiscal year whose January true-up can be drafted then and what it bills, by
    campus and group."""
    path = tmp_path_factory.mktemp("billing-browser") / "ecomm.duckdb"
    fy = JANUARY_DAY.year   # FY2027's January window is over on January 11, 2027
    as_of = frames.default_as_of(fy, JAN, JANUARY_DAY)
    with Store(path) as store:
        load_demo(store, as_of=JANUARY_DAY, licenses=DEMO_LICENSES)
        practice.keep_practice_date(store, CLI_ACTOR, JANUARY_DAY, demo_built=True)
        priya = admin.find_identity(store, PRIYA)   # Boulder approved what it had in review
        for inv in wf.list_summaries(store, priya):  # (the demo has invoices in every state)
            if inv.status == IN_REVIEW:
                wf.approve(store, priya, inv.invoice_id)
        computed = wf.compute_run(store, fiscal_year=fy, kind=JAN, as_of=as_of)
    expected = {(i.campus, i.group): (len(i.lines), i.total) for i in computed}
    assert any(campus == "Boulder" for campus, _ in expected), expected

    with served(path, path.parent) as url:
        yield url, {"fy": fy, "as_of": as_of, "expected": expected}


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the first selectbox labelled ``label`` (the open tab's)."""
    page.get_by_role("combobox", name=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def open_run(page, url: str, fy: int) -> None:
    open_as(page, url, SAM, "billing")
    expect(page.get_by_role("heading", name="Billing")).to_be_visible()
    choose(page, "Fiscal year", fy_label(fy))
    choose(page, "Invoice", "January true-up")


def test_b8_system_drafts_the_january_true_up_specialist_approves_system_downloads(
        page, billing_app, tmp_path):
    url, run = billing_app
    fy, expected = run["fy"], run["expected"]
    label = f"FY{fy} January true-up"

    # 1. the System team drafts the run and sends it to the campuses (practising in January)
    open_run(page, url, fy)
    expect(page.get_by_text("Demo data: today is Mon Jan 11, 2027")).to_be_visible()
    # rev 2 (B6): the open net-new lists are captured on purpose, not silently
    capture = page.get_by_text("Capture the open lists as they stand when drafting (B6)")
    if capture.count():
        capture.click()
        wait_idle(page)
    page.get_by_role("button", name=f"Draft the {label}").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
        f"{label} as of {run['as_of'].isoformat()}: Drafts: {len(expected)} new")
    page.get_by_role("button", name=f"Send {len(expected)} draft(s) for review").click()
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text(
        f"Sent {len(expected)} invoice(s) of the {label}")

    # 2. Boulder's specialist approves Boulder's invoices, one after the other
    open_as(page, url, PRIYA, "invoices")
    expect(page.get_by_role("heading", name="Invoices — Boulder")).to_be_visible()
    boulder = sorted(g for c, g in expected if c == "Boulder")
    expect(page.get_by_text(f"{len(boulder)} invoice(s) wait for your review")).to_be_visible()
    # the page opens on the run waiting for review (the demo has earlier runs too)
    expect(page.get_by_role("combobox", name="Invoice run")).to_have_value(label)
    for _ in boulder:
        page.get_by_role("button", name="Approve this invoice").click()
        wait_idle(page)
        expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("Approved Boulder")
    expect(page.get_by_role("button", name="Approve this invoice")).to_have_count(0)
    expect(page.get_by_text("wait for your review")).to_have_count(0)

    # 3. the System team downloads the two spreadsheets
    open_run(page, url, fy)
    books = {}
    for group, words in (("salesforce_marketing_cloud", "Salesforce and Marketing Cloud"),
                         ("cvent", "Cvent")):
        name = f"FY{fy}-january-{group}.xlsx"
        with page.expect_download() as info:
            page.get_by_role("button", name=re.compile(f"^Download {words}")).click()
        assert info.value.suggested_filename == name
        target = tmp_path / name
        info.value.save_as(target)
        books[group] = read_workbook(target)

    for group, book in books.items():
        want = {c: n_total for (c, g), n_total in expected.items() if g == group}
        assert {c: (lines, total) for c, (_, lines, total) in book["summary"].items()} == want
        assert {c: ("Approved" if c == "Boulder" else "In review")
                for c in want} == {c: s for c, (s, _, _) in book["summary"].items()}
        assert {c: len(rows) for c, rows in book["lines"].items()} == {
            c: n for c, (n, _) in want.items()}
        assert {c: sum(t for _, t in rows) for c, rows in book["lines"].items()} == {
            c: t for c, (_, t) in want.items()}
