"""B4/B5 forecast with pending provisioning requests (P10: transfers are not net new); B7 baselines."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecomm.billing.baseline import compare_baseline
from ecomm.billing.forecast import PendingProvision, forecast, next_annual_fy, next_true_up
from ecomm.errors import EcommError
from tests.unit.billing_factories import POLICY, RATES, held, lic

SFMC, CVENT = "salesforce_marketing_cloud", "cvent"


def rows_by(rows):
    return {(r.kind, r.campus, r.group): r for r in rows}


@pytest.mark.parametrize("as_of,fy", [
    (date(2026, 7, 1), 2027), (date(2026, 7, 31), 2027), (date(2026, 8, 1), 2028),
    (date(2027, 1, 15), 2028), (date(2027, 6, 30), 2028),
])
def test_b4_next_july_invoice_year(as_of, fy):
    assert next_annual_fy(as_of) == fy


@pytest.mark.parametrize("as_of,expected", [
    (date(2026, 7, 10), (2027, "january")), (date(2026, 12, 1), (2027, "january")),
    (date(2027, 1, 31), (2027, "january")), (date(2027, 2, 1), (2027, "june")),
    (date(2027, 6, 30), (2027, "june")),
])
def test_b5_next_true_up(as_of, expected):
    assert next_true_up(as_of) == expected


def test_b4_b5_forecast_counts_pending_requests_net_new_or_transfer():
    as_of = date(2026, 11, 10)
    licenses = [lic("LN-0001", held("Salesforce", date(2024, 1, 1)), held("Cvent", date(2026, 9, 3), net_new=True))]
    pending = [
        PendingProvision(request_id="R-1", campus="Boulder", applications=["Salesforce"],
                         provisioning_month=date(2026, 12, 1)),                       # net new
        PendingProvision(request_id="R-2", campus="Boulder", applications=["Salesforce", "Cvent"],
                         replaces_license="LN-0009", provisioning_month=date(2026, 12, 1)),  # transfer
        PendingProvision(request_id="R-3", campus="Denver", applications=["Cvent"],
                         provisioning_month=date(2027, 1, 1)),                        # June window
    ]
    rows = rows_by(forecast(licenses, pending, {2027: RATES}, POLICY, as_of=as_of))

    jan_sf = rows[("january", "Boulder", SFMC)]
    assert (jan_sf.fiscal_year, jan_sf.licenses, jan_sf.pending_requests) == (2027, 0, 1)
    assert jan_sf.pending_amount == Decimal("291.69")          # 41.67 x 7 (Dec..Jun)
    jan_cv = rows[("january", "Boulder", CVENT)]
    assert (jan_cv.licenses, jan_cv.current_amount, jan_cv.pending_requests) == (1, Decimal("122.50"), 0)
    assert ("january", "Denver", CVENT) not in rows             # January 2027 is the June true-up's

    july_sf = rows[("annual", "Boulder", SFMC)]
    assert july_sf.fiscal_year == 2028 and july_sf.rates_from_fy == 2027   # FY2028 rates not set yet
    assert (july_sf.licenses, july_sf.pending_requests) == (1, 2)
    assert july_sf.current_amount == Decimal("500.04")
    assert july_sf.pending_amount == Decimal("1000.08")
    assert july_sf.total == Decimal("1500.12")
    assert rows[("annual", "Denver", CVENT)].pending_amount == Decimal("147.00")


def test_b2_forecast_without_any_rates_is_refused():
    with pytest.raises(EcommError):
        forecast([lic("LN-1", held("Salesforce", date(2024, 1, 1)))], [], {2030: RATES}, POLICY,
                 as_of=date(2026, 11, 10))


def test_b7_baseline_comparison():
    rows = compare_baseline({("Boulder", "Salesforce"): 10, ("Denver", "Cvent"): 3},
                            {("Boulder", "Salesforce"): 12, ("Boulder", "Cvent"): 1})
    assert [(r.campus, r.application, r.baseline, r.current, r.difference) for r in rows] == [
        ("Boulder", "Cvent", None, 1, None), ("Boulder", "Salesforce", 10, 12, 2),
        ("Denver", "Cvent", 3, 0, -3)]
