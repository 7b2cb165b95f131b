"""Billing page (System team) and Invoices page (specialists; managers read-only), driven
through their widgets: draft a run, send it for review, the campus's specialist approves, the
spreadsheets offered by the page read back equal to the stored invoices, the net-new review
flows into the true-up, corrections, fiscal year setup and the forecast (B2-B8, A1-A4)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from ecomm import clock
from ecomm.billing import net_new
from ecomm.billing import workflow as wf
from ecomm.storage import invoice_reads as ir
from ecomm.storage.billing_reads import load_baselines, load_rate_rows
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, SYSTEM, page_paths, texts
from tests.integration.billing_seed import FY, read_workbook, seed, stored_view
from tests.integration.billing_seed import BOULDER as BOULDER_ID
from tests.integration.billing_seed import SYSTEM as SYSTEM_ID

BILLING = "app_pages/billing.py"
INVOICES = "app_pages/invoices.py"
TODAY = date(2027, 1, 15)
NOW = datetime(2027, 1, 15, 17)        # 10:00 in Denver
JAN = "january"
SFMC, CVENT = "salesforce_marketing_cloud", "cvent"


@pytest.fixture
def seeded(app_store, monkeypatch):
    """The billing seed (FY2027) in the app's database, on 2027-01-15."""
    monkeypatch.setattr(clock, "today_denver", lambda: TODAY)
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    seed(app_store)
    return app_store


def ok(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def frame_with(at, column: str):
    """The (first) table on the page that has this column (AppTest tables carry no key)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


def draft_january(open_app):
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select(JAN).run())
    assert at.date_input(key=f"bill_as_of_{FY}_{JAN}").value == TODAY
    # rev 2 (B6): open net-new lists are captured only when the System team ticks it
    assert "Net-new lists still open" in texts(at)
    ok(at.checkbox(key="bill_capture").check().run())
    return ok(at.button(key="bill_draft").click().run())


def stored(store, kind=JAN):
    return {(i.campus, i.group): i for i in ir.load_invoices(store, fiscal_year=FY, kind=kind)}


def test_a1_a3_billing_for_the_system_team_invoices_for_specialists_and_managers(open_app):
    assert BILLING in page_paths(open_app(SYSTEM)) and INVOICES not in page_paths(open_app(SYSTEM))
    for email in (BOULDER, MANAGER):
        paths = page_paths(open_app(email))
        assert INVOICES in paths and BILLING not in paths


def test_b8_the_system_team_drafts_a_true_up_on_the_page(seeded, open_app):
    at = draft_january(open_app)
    assert "FY2027 January true-up as of 2027-01-15: Drafts: 3 new" in texts(at)
    table = at.dataframe[0].value
    assert list(zip(table["campus"], table["applications"], table["status"], table["total"])) == [
        ("Boulder", "Salesforce and Marketing Cloud", "Draft", "$235.00"),
        ("Boulder", "Cvent", "Draft", "$110.25"),
        ("Denver", "Salesforce and Marketing Cloud", "Draft", "$208.35")]
    assert {i.status for i in stored(seeded).values()} == {"draft"}
    at = ok(at.button(key="bill_draft").click().run())          # drafting again: same invoices
    assert "0 new, 0 replaced, 3 unchanged" in texts(at)
    assert seeded.query_value("SELECT count(*) FROM invoices") == 3


def test_b8_a_run_refused_by_a_rule_shows_the_sentence_and_saves_nothing(seeded, open_app):
    seeded.write(lambda cur: cur.execute("DELETE FROM rates WHERE application = 'Cvent'"))
    at = open_app(SYSTEM, BILLING)               # the forecast says the same (B2)
    at.selectbox(key="bill_kind").select(JAN).run()
    at.checkbox(key="bill_capture").check().run()
    at.button(key="bill_draft").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("B2: FY2027 has no monthly rate for Cvent") for e in errors), errors
    assert seeded.query_value("SELECT count(*) FROM invoices") == 0
    assert seeded.query_value("SELECT count(*) FROM net_new_captures") == 0


def test_b5_a_run_whose_window_is_not_over_cannot_be_drafted_yet(seeded, open_app):
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select("june").run())
    assert at.button(key="bill_draft").disabled
    assert "The FY2027 June true-up can be drafted from 2027-06-01 on" in texts(at)


def test_b8_sent_for_review_then_the_campus_specialist_approves_it(seeded, open_app):
    at = draft_january(open_app)
    ok(at.button(key="bill_send_all").click().run())
    assert "Sent 3 invoice(s)" in texts(at)
    page = ok(open_app(BOULDER, INVOICES))
    assert "2 invoice(s) wait for your review" in texts(page)
    shown = page.dataframe[0].value
    assert set(shown["campus"]) == {"Boulder"}                  # A1: their campus only
    chosen = page.selectbox(key="inv_invoice").value
    assert chosen == stored(seeded)[("Boulder", SFMC)].invoice_id
    lines = page.dataframe[1].value
    assert list(lines["license number"]) == ["LN-0002"]
    assert list(lines["Marketing Cloud amount"]) == ["$235.00"]
    ok(page.button(key="inv_approve").click().run())
    assert "Approved Boulder, Salesforce and Marketing Cloud, FY2027 January true-up" in texts(page)
    assert stored(seeded)[("Boulder", SFMC)].status == "approved"
    denver = ok(open_app(DENVER, INVOICES))
    assert set(denver.dataframe[0].value["campus"]) == {"Denver"}
    # back on the Billing page the System team marks it billed
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select(JAN).run())
    ok(at.button(key="bill_bill_all").click().run())
    assert stored(seeded)[("Boulder", SFMC)].status == "billed"
    assert [e.status for e in ir.load_events(seeded, chosen)] == [
        "draft", "in_review", "approved", "billed"]


def test_a3_a_manager_reads_invoices_and_acts_on_nothing(seeded, open_app):
    out = wf.draft_run(seeded, SYSTEM_ID, fiscal_year=FY, kind=JAN, as_of=TODAY, capture=True)
    wf.send_for_review(seeded, SYSTEM_ID, [i.invoice_id for i in out.invoices])
    at = ok(open_app(MANAGER, INVOICES))
    assert set(at.dataframe[0].value["campus"]) == {"Boulder", "Denver"}
    ok(at.selectbox(key="inv_invoice").select(out.invoices[0].invoice_id).run())
    keys = {b.key for b in at.button}
    assert not keys & {"inv_approve", "inv_return", "inv_nn_save", "inv_nn_confirm_all"}
    assert "only a campus's eComm specialist approves" in texts(at)


def test_b4_the_page_spreadsheets_read_back_equal_to_the_stored_invoices(seeded, open_app,
                                                                          monkeypatch):
    offered: dict[str, object] = {}   # file name -> the page's deferred workbook maker
    original = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        offered[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = draft_january(open_app)
    labels = [b.label for b in at.get("download_button")]
    assert any("FY2027-january-salesforce_marketing_cloud.xlsx" in x for x in labels)
    assert any("FY2027-january-cvent.xlsx" in x for x in labels)
    invoices = ir.load_invoices(seeded, fiscal_year=FY, kind=JAN)
    for group in (SFMC, CVENT):
        book = read_workbook(offered[f"FY2027-january-{group}.xlsx"]())
        summary, lines = stored_view(invoices, group)
        assert (book["summary"], book["lines"]) == (summary, lines)


def test_b6_the_specialist_corrects_the_net_new_list_and_the_true_up_bills_it(seeded, open_app):
    at = ok(open_app(BOULDER, INVOICES))
    assert at.selectbox(key="inv_nn_kind").value == JAN
    listed = frame_with(at, "flagged net new")
    assert list(listed["license number"]) == ["LN-0002", "LN-0001", "LN-0003"]
    pick = "LN-0003|Salesforce|2026-11-05"
    ok(at.selectbox(key="inv_nn_pick").select(pick).run())
    ok(at.radio(key=f"inv_nn_value_{pick}").set_value("Net new (billed on the true-up)").run())
    at.button(key="inv_nn_save").click().run()
    assert at.error and "needs a reason" in at.error[0].value          # nothing saved without one
    assert seeded.query_value("SELECT count(*) FROM net_new_reviews") == 0
    ok(at.text_input(key=f"inv_nn_reason_{pick}").input("LN-0099 still holds its seat").run())
    ok(at.button(key="inv_nn_save").click().run())
    assert "LN-0003 Salesforce: corrected as net new" in texts(at)
    ok(at.button(key="inv_nn_confirm_all").click().run())
    assert "Confirmed 2 application(s)" in texts(at)
    # the System team sees the review, captures by drafting, and the true-up bills LN-0003
    draft_january(open_app)
    boulder = stored(seeded)[("Boulder", SFMC)]
    assert [ln.license_number for ln in boulder.lines] == ["LN-0002", "LN-0003"]
    assert boulder.total == Decimal("235.00") + Decimal("333.36")
    at = ok(open_app(BOULDER, INVOICES))
    assert "This list was captured" in texts(at)
    assert not [b for b in at.button if b.key == "inv_nn_save"]


def test_b6_the_system_team_captures_and_reopens_lists_on_the_page(seeded, open_app):
    at = ok(open_app(SYSTEM, BILLING))
    status = frame_with(at, "captured by").set_index("campus")
    assert (status.loc["Boulder", "candidates"], status.loc["Denver", "candidates"]) == (3, 1)
    ok(at.button(key="nn_capture").click().run())
    assert "Captured the net-new lists of Boulder, Denver" in texts(at)
    ok(at.selectbox(key="nn_reopen_campus").select("Boulder").run())
    ok(at.text_input(key="nn_reopen_reason").input("Priya found a transfer").run())
    ok(at.button(key="nn_reopen").click().run())
    caps = ir.load_captures(seeded, FY, JAN)
    assert sorted(caps) == ["Denver"]
    assert [s.captured for s in net_new.statuses(seeded, SYSTEM_ID, fiscal_year=FY, kind=JAN)
            if s.campus == "Boulder"] == [False]


def test_b8_a_correction_is_made_from_the_page(seeded, open_app):
    out = wf.draft_run(seeded, SYSTEM_ID, fiscal_year=FY, kind=JAN, as_of=TODAY, capture=True)
    r1 = next(i.invoice_id for i in out.invoices if (i.campus, i.group) == ("Boulder", CVENT))
    wf.send_for_review(seeded, SYSTEM_ID, [r1])
    wf.approve(seeded, BOULDER_ID, r1)
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select(JAN).run())
    ok(at.selectbox(key="bill_invoice").select(r1).run())
    ok(at.text_input(key=f"bill_fix_reason_{r1}").input("LN-0002 Cvent was missed").run())
    ok(at.button(key="bill_correct").click().run())
    r2 = stored(seeded)[("Boulder", CVENT)]
    assert (r2.revision, r2.corrects_invoice_id, r2.note) == (2, r1, "LN-0002 Cvent was missed")
    assert f"Created {r2.invoice_id}, correcting {r1}." in texts(at)
    assert ir.load_invoice(seeded, r1).status == "approved"


def test_b2_b7_fiscal_year_setup_on_the_page(seeded, open_app):
    at = ok(open_app(SYSTEM, BILLING))
    assert at.selectbox(key="setup_fy").value == FY
    at.text_input(key=f"rate_{FY}_Cvent").input("13.00")       # inside a form: no run yet
    ok(at.button(key="rate_save").click().run())
    assert "FY2027 rates saved (Cvent)." in texts(at)
    assert {r["application"]: r["monthly_rate"] for r in load_rate_rows(seeded, FY)}["Cvent"] == \
        Decimal("13.00")
    ok(at.button(key="baseline_capture").click().run())
    assert load_baselines(seeded, FY)[("Boulder", "Salesforce")] == 1
    at.selectbox(key="baseline_campus").select("Denver")
    at.selectbox(key="baseline_app").select("Cvent")
    at.number_input(key="baseline_count").set_value(1)
    at.text_input(key="baseline_reason").input("LN-0005 came early")
    ok(at.button(key="baseline_save").click().run())
    assert load_baselines(seeded, FY)[("Denver", "Cvent")] == 1
    table = frame_with(at, "recorded")
    row = table[(table["campus"] == "Denver") & (table["application"] == "Cvent")].iloc[0]
    assert (row["recorded"], row["reason"]) == (1, "LN-0005 came early")


def open_tab(at, key: str, label: str):
    """Open a tab of a page whose tabs know which one is open (st.tabs with a key and
    on_change="rerun"), as a click on the tab does."""
    at.session_state[key] = label
    return ok(at.run())


def test_b4_b5_forecast_by_campus_for_the_system_team_and_the_specialist(seeded, open_app):
    # issue 18 (speed): the forecast is worked out only once its tab is opened
    at = open_tab(ok(open_app(SYSTEM, BILLING)), "bill_section", "Forecast")
    table = frame_with(at, "pending requests")
    assert {"FY2028 July invoice", "FY2027 January true-up"} <= set(table["invoice"])
    assert {"Boulder", "Denver", "UCCS"} <= set(table["campus"])
    assert at.get("plotly_chart")
    mine = frame_with(open_tab(ok(open_app(BOULDER, INVOICES)), "inv_section", "Forecast"),
                      "pending requests")
    assert set(mine["campus"]) == {"Boulder"}
    jan = mine[(mine["invoice"] == "FY2027 January true-up")
               & (mine["applications"] == "Cvent")].iloc[0]
    assert jan["total"] == "$110.25"


def test_b4_the_forecast_is_not_worked_out_until_its_tab_is_opened(seeded, open_app,
                                                                   monkeypatch):
    """Issue 18 (speed): Billing and Invoices open on their first tab without computing the
    forecast (89% of a first visit at 100x); opening the Forecast tab computes it once."""
    calls = []
    real = wf.forecast_for
    monkeypatch.setattr(wf, "forecast_for",
                        lambda *a, **k: calls.append(a[1].email) or real(*a, **k))
    for email, page, key in ((SYSTEM, BILLING, "bill_section"),
                             (BOULDER, INVOICES, "inv_section")):
        at = ok(open_app(email, page))
        assert not [d for d in at.dataframe if "pending requests" in d.value.columns]
        assert email not in calls
        open_tab(at, key, "Forecast")
        assert frame_with(at, "pending requests") is not None and calls.count(email) == 1
        open_tab(at, key, "Forecast")          # a rerun on the tab: the cached forecast
        assert calls.count(email) == 1


def test_b6_the_net_new_lists_are_read_once_per_data_version(seeded, open_app, monkeypatch):
    """Issue 18 (speed): a widget change on Billing does not read the net-new candidates again
    (70% of a rerun at 100x); a decision recorded outside the page (the CLI, the Invoices
    page's session) changes the data version and Billing shows it on its next run."""
    calls = []
    real = ir.load_candidates
    monkeypatch.setattr(ir, "load_candidates",
                        lambda *a, **k: calls.append(k.get("campus")) or real(*a, **k))
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select(JAN).run())
    read = len(calls)
    assert read
    ok(at.checkbox(key="bill_capture").check().run())
    assert len(calls) == read                   # the same data: nothing read again
    status = frame_with(at, "reviewed").set_index("campus")
    assert status.loc["Boulder", "reviewed"] == 0
    cand = net_new.candidates(seeded, SYSTEM_ID, fiscal_year=FY, kind=JAN, campus="Boulder")[0]
    net_new.review_candidate(seeded, BOULDER_ID, fiscal_year=FY, kind=JAN,
                             license_number=cand.license_number, application=cand.application,
                             provisioned_on=cand.provisioned_on, net_new=cand.flagged_net_new,
                             now_utc=NOW)
    read = len(calls)
    ok(at.checkbox(key="bill_capture").uncheck().run())
    assert len(calls) > read                    # a new data version: read again
    assert frame_with(at, "reviewed").set_index("campus").loc["Boulder", "reviewed"] == 1


def test_billing_pages_work_on_the_demo_data(tmp_path, monkeypatch):
    """The July invoice of the demo data set (150 licenses) drafted and sent from the Billing
    page; Boulder's specialist sees Boulder's invoices and forecast only."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ecomm.demo import load_demo
    from ecomm.storage import Store
    from tests.apptest.conftest import APP

    day = date(2026, 11, 23)
    path = tmp_path / "demo.duckdb"
    with Store(path) as store:   # the demo's data before its July invoice was drafted (the
        # loader's play-out drafts it and moves it through every state: issue 13)
        load_demo(store, as_of=day, licenses=150, play_out=False)
        # B4 (rev 2): the July invoice's as-of day defaults to July of its fiscal year
        expected = {(i.campus, i.group): i.total for i in wf.compute_run(
            store, fiscal_year=FY, kind="annual", as_of=date(2026, 7, 31))}
    monkeypatch.setenv("ECOMM_DB", str(path))
    monkeypatch.setattr(clock, "today_denver", lambda: day)
    monkeypatch.setattr(clock, "now_utc", lambda: datetime(2026, 11, 23, 17))

    def open_as(email, page):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["as"] = email
        ok(at.run())
        return ok(at.switch_page(page).run())

    try:
        at = open_as(SYSTEM, BILLING)
        assert at.selectbox(key="bill_kind").value == "annual"
        assert at.date_input(key=f"bill_as_of_{FY}_annual").value == date(2026, 7, 31)
        ok(at.button(key="bill_draft").click().run())
        assert f"Drafts: {len(expected)} new" in texts(at)
        ok(at.button(key="bill_send_all").click().run())
        assert frame_with(open_tab(at, "bill_section", "Forecast"),
                          "pending requests")["campus"].nunique() > 1
        mine = open_as(BOULDER, INVOICES)
        table = mine.dataframe[0].value
        assert set(table["campus"]) == {"Boulder"} and set(table["status"]) == {"In review"}
        assert list(table["total"]) == [f"${expected[('Boulder', g)]:,.2f}"
                                        for g in (SFMC, CVENT) if ("Boulder", g) in expected]
        assert set(frame_with(open_tab(mine, "inv_section", "Forecast"),
                              "pending requests")["campus"]) == {"Boulder"}
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_b6_b7_the_review_shows_unreviewed_campuses_and_the_growth_against_july(seeded,
                                                                              open_app):
    from ecomm.billing import fiscal_setup
    fiscal_setup.capture_baselines(seeded, SYSTEM_ID, FY)
    at = ok(open_app(SYSTEM, BILLING))
    # B6 (rev 2): before capturing, the System team sees who has not reviewed
    assert "Not reviewed by their specialist yet: Boulder, Denver" in texts(at)
    growth = frame_with(at, "July count").set_index(["campus", "application"])
    # Boulder Salesforce: July 1 (LN-0001), now 2 (LN-0003 in November, flagged a transfer)
    assert tuple(growth.loc[("Boulder", "Salesforce"), ["July count", "count now", "growth",
                                                        "flagged net new since July"]]) == (1, 2, 1, 0)
    assert "Flags and growth disagree (B7)" in texts(at)
    mine = ok(open_app(BOULDER, INVOICES))
    assert set(frame_with(mine, "July count")["campus"]) == {"Boulder"}
