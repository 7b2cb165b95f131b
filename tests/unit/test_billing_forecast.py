"""B4/B5 forecast with pending provisioning requests (P10: transfers are not net new); B7 baselines."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecomm.billing.baseline import compare_baseline
from ecomm.billing.forecast import (PendingDeprovision, PendingProvision, forecast, next_annual_fy,
                                    next_true_up)
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


# -- B6 net-new review and C4 pending deprovisionings in the forecast ----------------------------
SF, MC, CV = "Salesforce", "Marketing Cloud", "Cvent"
NOV_10 = date(2026, 11, 10)


def deprov(rid, number, apps, month, sf_removed=None):
    return PendingDeprovision(request_id=rid, license_number=number, applications=apps,
                              processing_month=month, salesforce_removed_on=sf_removed)


def test_b6_forecast_true_up_bills_the_reviewed_net_new_list():
    licenses = [
        lic("LN-0001", held(CV, date(2026, 9, 3), net_new=True)),     # corrected: not net new
        lic("LN-0002", held(SF, date(2026, 10, 1), net_new=False)),   # corrected: net new
        lic("LN-0003", held(MC, date(2026, 8, 20), net_new=True)),    # confirmed
    ]
    reviews = {(2027, "january"): {("LN-0001", CV, date(2026, 9, 3)): False,
                                   ("LN-0002", SF, date(2026, 10, 1)): True,
                                   ("LN-0003", MC, date(2026, 8, 20)): True},
               (2027, "june"): {("LN-0003", MC, date(2026, 8, 20)): False}}   # another run's
    unreviewed = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10))
    assert unreviewed[("january", "Boulder", CVENT)].current_amount == Decimal("122.50")
    assert unreviewed[("january", "Boulder", SFMC)].current_amount == Decimal("258.50")  # MC x 11
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10,
                            net_new_reviews=reviews))
    assert ("january", "Boulder", CVENT) not in rows                  # LN-0001 is not net new
    jan = rows[("january", "Boulder", SFMC)]
    assert jan.licenses == 2
    assert jan.current_amount == Decimal("258.50") + Decimal("375.03")   # + SF 41.67 x 9 (Oct..Jun)
    # the July invoice does not depend on the net-new flag
    july = rows[("annual", "Boulder", SFMC)]
    assert july == unreviewed[("annual", "Boulder", SFMC)]


def test_b5_c4_pending_deprovisioning_is_charged_through_the_month_it_is_processed():
    licenses = [lic("LN-0001", held(SF, date(2024, 1, 1)), held(CV, date(2026, 9, 3), net_new=True))]
    deprovisions = [deprov("R-9", "LN-0001", [CV], date(2026, 12, 1))]   # the December batch
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10,
                            deprovisions=deprovisions))
    jan = rows[("january", "Boulder", CVENT)]
    assert (jan.current_amount, jan.deprovision_requests) == (Decimal("122.50"), 1)
    assert jan.deprovision_amount == Decimal("-73.50")       # 12.25 x 4 (Sep..Dec) instead of 10
    assert jan.total == Decimal("49.00")
    # removed in December, before next July: not on the FY2028 July invoice (Salesforce stays)
    july_cv = rows[("annual", "Boulder", CVENT)]
    assert (july_cv.current_amount, july_cv.deprovision_amount, july_cv.total) == (
        Decimal("147.00"), Decimal("-147.00"), Decimal("0.00"))
    july_sf = rows[("annual", "Boulder", SFMC)]
    assert (july_sf.deprovision_requests, july_sf.total) == (0, Decimal("500.04"))


def test_c4_salesforce_removed_at_submission_is_billed_to_that_months_end_not_again():
    # submitted Nov 5: Salesforce closed at once (billed through November), Cvent in December
    licenses = [lic("LN-0001", held(SF, date(2026, 9, 1), date(2026, 11, 5), net_new=True),
                    held(CV, date(2026, 9, 1), net_new=True))]
    deprovisions = [deprov("R-9", "LN-0001", [SF, CV], date(2026, 12, 1),
                           sf_removed=date(2026, 11, 5))]
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10,
                            deprovisions=deprovisions))
    sf = rows[("january", "Boulder", SFMC)]
    assert sf.current_amount == Decimal("125.01")            # 41.67 x 3 (Sep..Nov)
    assert (sf.deprovision_amount, sf.deprovision_requests) == (Decimal("0.00"), 0)
    cv = rows[("january", "Boulder", CVENT)]
    assert cv.total == Decimal("49.00") and cv.deprovision_requests == 1   # Sep..Dec


def test_b5_b9_deprovisioning_processed_after_the_invoice_changes_nothing():
    licenses = [lic("LN-0001", held(SF, date(2024, 1, 1)), held(CV, date(2026, 9, 3), net_new=True))]
    plain = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10))
    late = [deprov("R-9", "LN-0001", [SF, CV], date(2027, 8, 1)),     # after the July batch
            deprov("R-8", "LN-0002", [CV], date(2026, 12, 1))]         # a license not billed
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10, deprovisions=late))
    assert rows == plain
    # processed in the January batch: before the January true-up, charged through January
    jan_batch = [deprov("R-9", "LN-0001", [CV], date(2027, 1, 1))]
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10,
                            deprovisions=jan_batch))
    assert rows[("january", "Boulder", CVENT)].total == Decimal("61.25")    # Sep..Jan
    # processed in February: after the January true-up (B9), so billed through June
    feb = [deprov("R-9", "LN-0001", [CV], date(2027, 2, 1))]
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=NOV_10, deprovisions=feb))
    assert rows[("january", "Boulder", CVENT)].total == Decimal("122.50")
    assert rows[("annual", "Boulder", CVENT)].total == Decimal("0.00")       # gone by July


def test_b5_c4_june_true_up_forecast_with_a_pending_deprovisioning():
    licenses = [lic("LN-0001", held(CV, date(2027, 1, 15), net_new=True),
                    held(MC, date(2027, 2, 1), net_new=True))]
    rows = rows_by(forecast(licenses, [], {2027: RATES}, POLICY, as_of=date(2027, 3, 1),
                            deprovisions=[deprov("R-9", "LN-0001", [CV, MC], date(2027, 4, 1))]))
    assert rows[("june", "Boulder", CVENT)].total == Decimal("49.00")    # Jan..Apr
    assert rows[("june", "Boulder", SFMC)].total == Decimal("70.50")     # Feb..Apr
    assert rows[("june", "Boulder", SFMC)].deprovision_amount == Decimal("-47.00")
