"""B5/B6/C4 forecast from the database: the true-up forecast bills the net-new list as the
campus's specialist reviewed it, and a deprovisioning request submitted through the form
(Salesforce at once, the rest in the next batch) comes off the next July invoice and is
charged on the true-up through the month it is processed."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm.billing import net_new
from ecomm.billing import workflow as wf
from ecomm.billing.run import forecast_as_of
from ecomm.requests.deprovision import submit_deprovision
from tests.integration.billing_seed import BOULDER, FY, SYSTEM, seed

AS_OF = date(2026, 11, 20)                 # before November's cutoff: the December batch
NOW = datetime(2026, 11, 20, 17)           # 10:00 in Denver
SFMC, CVENT = "salesforce_marketing_cloud", "cvent"


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def rows(store):
    return {(r.kind, r.campus, r.group): r for r in forecast_as_of(store, AS_OF)}


def test_b6_forecast_uses_the_specialists_net_new_decisions(seeded):
    before = rows(seeded)[("january", "Boulder", SFMC)]
    assert before.current_amount == Decimal("235.00")          # LN-0002 MC Sep..Jun
    # LN-0003's Salesforce was flagged a transfer (P10); Boulder's specialist corrects it
    net_new.review_candidate(seeded, BOULDER, fiscal_year=FY, kind="january",
                             license_number="LN-0003", application="Salesforce",
                             provisioned_on=date(2026, 11, 5), net_new=True,
                             reason="a new user, not a transfer", now_utc=NOW)
    after = rows(seeded)[("january", "Boulder", SFMC)]
    assert after.current_amount == Decimal("235.00") + Decimal("333.36")   # SF 41.67 x 8
    assert after.licenses == 2
    # and confirming LN-0002 as not net new takes it off
    net_new.review_candidate(seeded, BOULDER, fiscal_year=FY, kind="january",
                             license_number="LN-0002", application="Marketing Cloud",
                             provisioned_on=date(2026, 9, 3), net_new=False,
                             reason="moved from another license", now_utc=NOW)
    assert rows(seeded)[("january", "Boulder", SFMC)].current_amount == Decimal("333.36")
    # the specialist sees the same forecast for their campus
    mine = {(r.kind, r.group): r for r in wf.forecast_for(seeded, BOULDER, AS_OF)}
    assert mine[("january", SFMC)].total == Decimal("333.36")


def test_b5_c4_pending_deprovisioning_in_the_forecast(seeded):
    plain = rows(seeded)
    assert plain[("january", "Boulder", CVENT)].total == Decimal("110.25")   # Oct..Jun
    assert plain[("annual", "Boulder", CVENT)].total == Decimal("147.00")
    assert plain[("annual", "Boulder", SFMC)].total == Decimal("1282.08")    # 3 SF + MC x 12
    conf = submit_deprovision(seeded, BOULDER, "LN-0001", ["Salesforce", "Cvent"], now_utc=NOW)
    assert conf.cycle == "2026-12"
    now = rows(seeded)
    jan = now[("january", "Boulder", CVENT)]
    assert (jan.deprovision_requests, jan.deprovision_amount) == (1, Decimal("-73.50"))
    assert jan.total == Decimal("36.75")                          # Oct..Dec
    # next July: Salesforce went at submission (not held), Cvent goes in December
    july_cv = now[("annual", "Boulder", CVENT)]
    assert (july_cv.current_amount, july_cv.deprovision_requests, july_cv.total) == (
        Decimal("147.00"), 1, Decimal("0.00"))
    assert now[("annual", "Boulder", SFMC)].total == Decimal("1282.08") - Decimal("500.04")
    # the System team sees every campus; other campuses are unchanged
    for key, row in plain.items():
        if key[1] != "Boulder":
            assert now[key] == row, key
