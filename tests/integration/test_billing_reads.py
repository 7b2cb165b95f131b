"""Storage reads for billing (B2, B4, B5, B7) against a real DuckDB file."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm.billing.invoice import build_invoices
from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.storage.billing_reads import (current_counts, load_baseline_rows, load_baselines,
                                         load_licenses_for_billing, load_pending_provisions,
                                         load_rate_rows, load_rates, load_rates_by_fy)


def _seed(store):
    def fill(cur):
        cur.executemany("INSERT INTO contacts (contact_id, first_name, last_name) VALUES (?, ?, ?)",
                        [["C1", "Ada", "Lovelace"], ["C2", None, "Hopper"], ["C3", "Alan", "Turing"]])
        cur.executemany(
            "INSERT INTO licenses (license_number, contact_id, affiliated_campus, billing_campus, "
            "salesforce_profile, campus_speedtype, unit_speedtypes, replaces_license) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [["LN-0001", "C1", "Boulder", None, "Standard", "61000342", "61000342:20;61000530:80", None],
             ["LN-0002", "C2", "Boulder", "Denver", "Chatter Free User", "51000001", None, "LN-0009"],
             ["LN-0003", "C3", "UCCS", "", "Standard", None, None, None],
             ["LN-0004", "C-missing", "UCCS", None, "Standard", None, None, None]])
        cur.executemany(
            "INSERT INTO license_apps (license_number, application, provisioned_on, deprovisioned_on, net_new) "
            "VALUES (?, ?, ?, ?, ?)",
            [["LN-0001", "Salesforce", date(2022, 3, 1), None, False],
             ["LN-0001", "Cvent", date(2026, 10, 14), None, True],
             ["LN-0002", "Salesforce", date(2024, 1, 1), None, False],
             ["LN-0002", "Cvent", date(2024, 1, 1), date(2026, 5, 1), False],
             ["LN-0003", "Marketing Cloud", date(2027, 2, 1), None, True],
             ["LN-0004", "Cvent", date(2020, 1, 1), date(2021, 1, 1), False]])
        cur.executemany("INSERT INTO rates (fiscal_year, application, monthly_rate, is_demo) VALUES (?, ?, ?, ?)",
                        [[2027, "Salesforce", Decimal("41.67"), True], [2027, "Cvent", Decimal("12.25"), True],
                         [2027, "Marketing Cloud", Decimal("23.50"), False], [2026, "Salesforce", Decimal("40.00"), False]])
        cur.executemany(
            "INSERT INTO baselines (fiscal_year, campus, application, license_count, captured_at, captured_by, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[2027, "Boulder", "Salesforce", 7, datetime(2026, 7, 8, 15), "sys@cu.edu", None],
             [2027, "Denver", "Cvent", 2, datetime(2026, 7, 8, 15), "sys@cu.edu", "start of year"],
             [2026, "Boulder", "Salesforce", 5, datetime(2025, 7, 8, 15), "sys@cu.edu", None]])
    store.write(fill)


def test_b2_rates_for_a_fiscal_year(store):
    _seed(store)
    assert load_rates(store, 2027) == {"Salesforce": Decimal("41.67"), "Cvent": Decimal("12.25"),
                                       "Marketing Cloud": Decimal("23.50")}
    assert all(isinstance(v, Decimal) for v in load_rates(store, 2027).values())
    assert load_rates(store, 2030) == {}
    rows = load_rate_rows(store, 2027)
    assert [(r["application"], r["is_demo"]) for r in rows] == [
        ("Cvent", True), ("Marketing Cloud", False), ("Salesforce", True)]
    assert load_rates_by_fy(store)[2026] == {"Salesforce": Decimal("40.00")}


def test_b4_licenses_with_their_application_rows_as_of_a_date(store):
    _seed(store)
    lics = {lic.license_number: lic for lic in load_licenses_for_billing(store, date(2026, 7, 10))}
    assert sorted(lics) == ["LN-0001", "LN-0002", "LN-0004"]   # LN-0003 provisioned later
    one = lics["LN-0001"]
    assert one.user_name == "Ada Lovelace"
    assert (one.invoice_campus, one.campus_speedtype, one.unit_speedtypes) == (
        "Boulder", "61000342", "61000342:20;61000530:80")
    assert [(a.application, a.provisioned_on, a.net_new) for a in one.apps] == [
        ("Salesforce", date(2022, 3, 1), False)]                   # Cvent came in October
    two = lics["LN-0002"]
    assert (two.user_name, two.invoice_campus, two.salesforce_profile, two.replaces_license) == (
        "Hopper", "Denver", "Chatter Free User", "LN-0009")
    assert [(a.application, a.deprovisioned_on) for a in two.apps] == [
        ("Cvent", date(2026, 5, 1)), ("Salesforce", None)]       # by provisioning date, then name
    assert lics["LN-0004"].user_name == "(contact C-missing not found)"


def test_b4_since_leaves_out_rows_removed_earlier_and_campus_filters(store):
    _seed(store)
    lics = load_licenses_for_billing(store, date(2027, 3, 1), since=date(2026, 7, 1))
    assert {lic.license_number: [a.application for a in lic.apps] for lic in lics} == {
        "LN-0001": ["Salesforce", "Cvent"], "LN-0002": ["Salesforce"], "LN-0003": ["Marketing Cloud"]}
    denver = load_licenses_for_billing(store, date(2027, 3, 1), campus="Denver")
    assert [lic.license_number for lic in denver] == ["LN-0002"]
    uccs = load_licenses_for_billing(store, date(2027, 3, 1), campus="UCCS")
    assert [lic.license_number for lic in uccs] == ["LN-0003", "LN-0004"]   # blank billing campus


def test_b4_b5_reads_feed_the_invoice_builder(store):
    _seed(store)
    july = build_invoices(load_licenses_for_billing(store, date(2026, 7, 10), since=date(2026, 7, 1)),
                          load_rates(store, 2027), Policy(), fiscal_year=2027, kind="annual",
                          as_of=date(2026, 7, 10))
    assert [(i.campus, i.group, str(i.total)) for i in july] == [
        ("Boulder", "salesforce_marketing_cloud", "500.04"), ("Denver", "salesforce_marketing_cloud", "0.00")]
    jan = build_invoices(load_licenses_for_billing(store, date(2027, 1, 20), since=date(2026, 7, 1)),
                         load_rates(store, 2027), Policy(), fiscal_year=2027, kind="january",
                         as_of=date(2027, 1, 20))
    assert [(i.campus, i.group, str(i.total)) for i in jan] == [("Boulder", "cvent", "110.25")]


def test_bad_application_row_is_reported_by_license(store):
    _seed(store)
    store.write(lambda cur: cur.execute(
        "INSERT INTO license_apps (license_number, application, provisioned_on, deprovisioned_on) "
        "VALUES ('LN-0003', 'Cvent', DATE '2026-09-01', DATE '2026-08-01')"))
    with pytest.raises(EcommError) as err:
        load_licenses_for_billing(store, date(2027, 3, 1))
    assert any(p.startswith("LN-0003") for p in err.value.problems)


def test_b7_baselines_and_current_counts(store):
    _seed(store)
    assert load_baselines(store, 2027) == {("Boulder", "Salesforce"): 7, ("Denver", "Cvent"): 2}
    rows = load_baseline_rows(store, 2027)
    assert [(r["campus"], r["reason"]) for r in rows] == [("Boulder", None), ("Denver", "start of year")]
    # rev 2 (B7): Denver's Salesforce is a Chatter Free user's: counted apart
    assert current_counts(store, date(2026, 11, 1)) == {
        ("Boulder", "Salesforce"): 1, ("Boulder", "Cvent"): 1, ("Denver", "Chatter Free"): 1}


def test_pending_provisions_for_the_forecast(store):
    _seed(store)

    def add(cur):
        base = ("INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
                "applications, replaces_license, billing_campus, salesforce_profile, status, cycle) "
                "VALUES (?, ?, 'C1', ?, TIMESTAMP '2026-11-02 10:00:00', 'sp@cu.edu', ?, ?, ?, ?, ?, ?)")
        cur.executemany(base, [
            ["R-1", "provision", "Boulder", ["Salesforce"], None, None, None, "pending", "2026-12"],
            ["R-2", "provision", "Boulder", ["Cvent"], "LN-0009", "Denver", "Chatter Free User", "held", None],
            ["R-3", "provision", "UCCS", ["Cvent"], None, None, None, "processed", "2026-11"],
            ["R-4", "deprovision", "UCCS", ["Cvent"], None, None, None, "pending", "2026-12"],
        ])
    store.write(add)
    pending = load_pending_provisions(store, default_month=date(2026, 12, 17))
    assert [(p.request_id, p.campus, p.applications, p.net_new, p.provisioning_month, p.salesforce_profile)
            for p in pending] == [
        ("R-1", "Boulder", ["Salesforce"], True, date(2026, 12, 1), "Standard"),
        ("R-2", "Denver", ["Cvent"], False, date(2026, 12, 1), "Chatter Free User")]


def test_b4_b7_run_glue_reads_the_store(store):
    from ecomm.billing.run import baseline_report, draft_invoices, forecast_as_of

    _seed(store)
    jan = draft_invoices(store, fiscal_year=2027, kind="january", as_of=date(2027, 1, 20))
    assert [(i.campus, i.group, i.total) for i in jan] == [("Boulder", "cvent", Decimal("110.25"))]
    with pytest.raises(EcommError):
        draft_invoices(store, fiscal_year=2027, kind="june", as_of=date(2027, 1, 20))
    rows = {(r.kind, r.campus, r.group): r for r in forecast_as_of(store, date(2027, 3, 1))}
    june = rows[("june", "UCCS", "salesforce_marketing_cloud")]
    assert (june.fiscal_year, june.licenses, june.current_amount) == (2027, 1, Decimal("117.50"))
    report = {(r.campus, r.application): (r.baseline, r.current) for r in baseline_report(store, date(2026, 11, 1))}
    assert report[("Boulder", "Salesforce")] == (7, 1)
    assert report[("Denver", "Cvent")] == (2, 0)
