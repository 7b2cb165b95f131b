"""Reports page (A3 managers, A2 System team): B7 baseline, active per month, net new and cost
by campus, each a Plotly chart with its numbers beside it and downloads; campus and fiscal
year pickers."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from ecomm import reference as ref
from tests.apptest.conftest import BOULDER, MANAGER, SYSTEM, page_paths, texts
from tests.apptest.pages_helpers import ok, open_page
from tests.integration.dashboard_seed import bulk, seed_small

PAGE = "app_pages/reports.py"
RATES = {ref.SALESFORCE: "52.00", ref.MARKETING_CLOUD: "38.50", ref.CVENT: "29.00",
         ref.APSONA: "0.00", ref.GEOPOINTE: "0.00"}


@pytest.fixture
def seeded(app_store):
    seed_small(app_store)
    bulk(app_store, "rates", [{"fiscal_year": 2027, "application": a, "monthly_rate": Decimal(r)}
                              for a, r in RATES.items()])
    bulk(app_store, "baselines", [{"fiscal_year": 2027, "campus": "Boulder", "application":
                                   ref.SALESFORCE, "license_count": 4,
                                   "captured_at": datetime(2026, 7, 8), "captured_by": "s@cu.edu"}])
    return app_store


def test_a3_manager_reads_every_report(seeded):
    at = open_page(MANAGER, PAGE)
    assert [s.value for s in at.subheader] == [
        "Licenses now against the fiscal-year baseline (B7)", "Active licenses per month",
        "Net new this fiscal year by month and campus",
        "Cost by campus: July invoice and true-ups, actual and projected",
        # rules revision 2: B10 seats and B11 cost recovery
        "Seats: purchased, assigned and available (B10)",
        "Cost recovery: fees invoiced against the seats' cost (B11)"]
    assert len(at.get("plotly_chart")) == 4
    baseline = at.dataframe[0].value
    row = baseline[(baseline["campus"] == "Boulder") & (baseline["application"] == ref.SALESFORCE)]
    # Boulder is invoiced for LN-0001 and LN-0003 (billing campus), LN-0005 (billed to Boulder)
    assert (int(row["baseline"].iloc[0]), int(row["current"].iloc[0]),
            int(row["difference"].iloc[0])) == (4, 2, -2)
    active = at.dataframe[1].value
    assert list(active["month"]) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert list(active["Any application"]) == [2, 2, 3, 4, 5]
    net_new = at.dataframe[2].value
    assert list(net_new["month"]) == ["2026-09", "2026-10", "2026-11"]
    cost = at.dataframe[3].value
    assert set(cost["campus"]) == {"Boulder", "Boulder Advancement", "Denver", "UCCS"}
    boulder = cost[cost["campus"] == "Boulder"].iloc[0]
    assert boulder["actual"] == "$972.00"   # July invoice: LN-0001 Salesforce and Cvent x 12
    keys = {b.key for b in at.get("download_button")}
    assert {f"rep_{k}_{r}" for k in ("csv", "xlsx")
            for r in ("baseline", "active", "net_new", "cost")} <= keys


def test_campus_picker_limits_every_report(seeded):
    at = open_page(SYSTEM, PAGE)
    ok(at.multiselect(key="rep_campuses").set_value(["Denver"]).run())
    assert set(at.dataframe[0].value["campus"]) == {"Denver"}
    assert list(at.dataframe[1].value["Any application"]) == [1, 1, 1, 1, 1]   # LN-0004
    assert set(at.dataframe[3].value["campus"]) == {"Denver"}


def test_b1_past_fiscal_year_is_counted_on_june_30(seeded):
    at = open_page(MANAGER, PAGE)
    ok(at.selectbox(key="rep_fy").select(2026).run())
    assert "FY2026 (2025-07-01 to 2026-06-30); counted on 2026-06-30." in texts(at)
    assert len(at.dataframe[1].value) == 12
    # the demo-less database has FY2027 rates only: nothing to bill FY2026 with
    assert "B2: There are no rates for FY2026 or any year before it" in texts(at)


def test_b2_no_rates_at_all_is_explained(app_store):
    seed_small(app_store)
    at = open_page(MANAGER, PAGE)
    assert "B2: There are no rates for FY2027" in texts(at)


def test_a3_specialists_do_not_get_the_reports(seeded, open_app):
    assert PAGE not in page_paths(open_app(BOULDER))
    assert PAGE in page_paths(open_app(MANAGER))


def test_b10_b11_seats_and_cost_recovery_with_their_chart(seeded):
    from ecomm import seats
    from tests.integration.compliance_seed import SYSTEM as SYSTEM_ID

    seats.record_seats(seeded, SYSTEM_ID, fiscal_year=2027, application=ref.SALESFORCE,
                       purchased=4, cost="1248.00")
    bulk(seeded, "invoices", [{"invoice_id": "I-1", "fiscal_year": 2027, "kind": "annual",
                               "campus": "Boulder", "invoice_group": "salesforce_marketing_cloud",
                               "revision": 1, "status": "approved", "as_of": datetime(2026, 7, 10),
                               "total": Decimal("624.00"), "created_at": datetime(2026, 7, 10),
                               "created_by": "s@cu.edu"}])
    bulk(seeded, "invoice_lines", [{"invoice_id": "I-1", "line_no": 1, "license_number": "LN-0001",
                                    "user_name": "X", "licenses_held": "[]",
                                    "line_total": Decimal("624.00"),
                                    "charges": '[{"application": "Salesforce", "amount": "624.00"}]'}])
    at = open_page(MANAGER, PAGE)
    seats_table = [d.value for d in at.dataframe if "in the queue" in d.value.columns][0]
    sf = seats_table.set_index("application").loc[ref.SALESFORCE]
    # Salesforce held on 2026-11-23 by LN-0001 and LN-0005 (LN-0002 is Chatter Free, LN-0004's
    # was removed); wait in the queue: 4 - 2 - 3 = -1 (over the seats)
    assert (sf["purchased"], sf["assigned"], sf["in the queue"], sf["available"]) == (
        4, 2, 3, -1)
    assert bool(sf["below the alert threshold"])
    recovered = [d.value for d in at.dataframe if "recovered %" in d.value.columns][0]
    row = recovered.set_index("application").loc[ref.SALESFORCE]
    # 624.00 invoiced of 1248.00 = 50.0 %
    assert (row["seat cost"], row["invoiced"], str(row["recovered %"])) == (
        "$1,248.00", "$624.00", "50.0")
    assert len(at.get("plotly_chart")) == 5
    keys = {b.key for b in at.get("download_button")}
    assert {"rep_csv_seats", "rep_csv_recovery"} <= keys
