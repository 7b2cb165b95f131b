"""P10 (rev 2): transfer or net new is decided per application at submission, and the
confirmation says which is which (the audit's examples: the bundle, the double replacement,
the stale replacement, the Chatter Free replacement). Money is worked out by hand.

Fixture (requests_fixtures.seed): FY2027 rates Salesforce $30, Marketing Cloud $20, Cvent $15 a
month; LN-0900 (Boulder) held Salesforce only, removed 2026-10-31; submissions on 2026-11-23
join the December 2026 batch, so a net-new application is billed December..June = 7 months.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm import reference as ref
from ecomm.requests import submit_provision
from tests.integration.requests_fixtures import (BOULDER, NOW, add_contact, add_license, draft,
                                                 seed, upload)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def test_p10_bundle_replacing_a_salesforce_only_leaver_transfers_salesforce_only(seeded):
    conf = submit_provision(
        seeded, BOULDER, "C-ELIG",
        draft(apps=[ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT], replaces_license="LN-0900"),
        [upload()], now_utc=NOW)
    assert conf.transfers == [ref.SALESFORCE]
    assert conf.net_new == [ref.MARKETING_CLOUD, ref.CVENT]
    # Marketing Cloud 20.00 x 7 (Dec..Jun) = 140.00; Cvent 15.00 x 7 = 105.00; total 245.00;
    # Salesforce continues LN-0900's seat: nothing new.
    assert [(c.application, c.amount) for c in conf.cost_lines] == [
        (ref.MARKETING_CLOUD, Decimal("140.00")), (ref.CVENT, Decimal("105.00"))]
    assert conf.cost_total == Decimal("245.00")
    assert any(line.startswith("Marketing Cloud: net new (LN-0900 never held Marketing Cloud")
               for line in conf.per_application)
    assert any(line.startswith("Salesforce: transfer") for line in conf.per_application)


def test_p10_double_replacement_second_request_is_net_new(seeded):
    add_contact(seeded, "C-TWO", "Second", "Sam", employee_id="777", ucb="sam@colorado.edu")
    first = submit_provision(seeded, BOULDER, "C-ELIG",
                             draft(apps=[ref.SALESFORCE], replaces_license="LN-0900"),
                             [upload()], now_utc=NOW)
    second = submit_provision(seeded, BOULDER, "C-TWO",
                              draft(apps=[ref.SALESFORCE], replaces_license="LN-0900"),
                              [upload()], now_utc=datetime(2026, 11, 23, 16, 0))
    assert first.transfers == [ref.SALESFORCE]
    # LN-0900's Salesforce was taken by the first request (earliest submission first)
    assert second.transfers == [] and second.net_new == [ref.SALESFORCE]
    assert f"already taken by request {first.request_id}" in second.per_application[0]
    # Salesforce 30.00 x 7 (Dec..Jun) = 210.00 for the second one
    assert second.cost_total == Decimal("210.00")


def test_p10_stale_replacement_deprovisioned_two_fiscal_years_ago_is_net_new(seeded):
    add_contact(seeded, "C-OLD", "Oldleaver", "Olga", employee_id="888", ucb="olga@colorado.edu",
                employment=None)
    add_license(seeded, "LN-0901", "C-OLD", "Boulder", [ref.SALESFORCE],
                provisioned_on=date(2023, 7, 3), deprovisioned_on=date(2025, 3, 14))  # FY2025
    conf = submit_provision(seeded, BOULDER, "C-ELIG",
                            draft(apps=[ref.SALESFORCE], replaces_license="LN-0901"),
                            [upload()], now_utc=NOW)
    assert conf.transfers == [] and conf.net_new == [ref.SALESFORCE]
    assert "before this fiscal year began (2026-07-01)" in conf.per_application[0]
    assert conf.cost_total == Decimal("210.00")    # 30.00 x 7 (Dec..Jun)


def test_p10_chatter_free_replacement_transfers_no_paid_salesforce(seeded):
    add_contact(seeded, "C-FREE", "Freeleaver", "Fay", employee_id="999", ucb="fay@colorado.edu",
                employment=None)
    add_license(seeded, "LN-0902", "C-FREE", "Boulder", [ref.SALESFORCE, ref.CVENT],
                provisioned_on=date(2026, 7, 6), deprovisioned_on=date(2026, 11, 2))
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET salesforce_profile = ? WHERE license_number = 'LN-0902'",
        [ref.PROFILE_CHATTER_FREE]))
    conf = submit_provision(seeded, BOULDER, "C-ELIG",
                            draft(apps=[ref.SALESFORCE, ref.CVENT], replaces_license="LN-0902"),
                            [upload()], now_utc=NOW)
    # Cvent continues the leaver's seat; the free Salesforce does not make a paid one
    assert conf.transfers == [ref.CVENT] and conf.net_new == [ref.SALESFORCE]
    assert "Chatter Free" in conf.per_application[0]
    assert conf.cost_total == Decimal("210.00")    # Salesforce 30.00 x 7 (Dec..Jun)


def test_p10_the_forecast_counts_a_pending_bundle_per_application(seeded):
    from ecomm.storage.billing_reads import load_pending_provisions
    submit_provision(
        seeded, BOULDER, "C-ELIG",
        draft(apps=[ref.SALESFORCE, ref.MARKETING_CLOUD], replaces_license="LN-0900"),
        [upload()], now_utc=NOW)
    (pending,) = load_pending_provisions(seeded, default_month=date(2026, 12, 1))
    # the forecast's true-up counts Marketing Cloud only: 20.00 x 7 (Dec..Jun) = 140.00
    assert [(a, pending.app_net_new(a)) for a in pending.applications] == [
        (ref.SALESFORCE, False), (ref.MARKETING_CLOUD, True)]
