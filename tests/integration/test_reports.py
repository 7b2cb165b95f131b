"""Manager reports: B7 counts against the baseline, active licenses per month (B1), net new
(P10, B6) and cost by campus (B2-B5, B8), computed in SQL, agree with ecomm.billing and the
pure rules; managers and the System team read them, specialists do not (A3)."""
from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm import compliance as q
from ecomm import reference as ref
from ecomm.billing.fiscal import fy_start
from ecomm.months import month_start
from ecomm.billing.forecast import pending_as_license
from ecomm.billing.invoice import assemble
from ecomm.billing.proration import true_up_window
from ecomm.billing.run import baseline_report
from ecomm.dashboard import reports as rep
from ecomm.errors import AccessDenied, EcommError
from ecomm.policy import Policy
from ecomm.storage import Store
from ecomm.storage import billing_reads as reads
from ecomm.storage import reports as db
from tests.integration.dashboard_seed import (AS_OF, BOULDER, MANAGER, SYSTEM, bulk, facts,
                                              licenses_table, seed_random, seed_small)

P = Policy()
FY = 2027
RATES = {ref.SALESFORCE: Decimal("52.00"), ref.MARKETING_CLOUD: Decimal("38.50"),
         ref.CVENT: Decimal("29.00"), ref.APSONA: Decimal("0.00"), ref.GEOPOINTE: Decimal("3.25")}


def add_rates(store, fy=FY, rates=RATES):
    bulk(store, "rates", [{"fiscal_year": fy, "application": a, "monthly_rate": r}
                          for a, r in rates.items()])


def add_pending(store):
    rows = []
    for i, (campus, billing, cycle, apps, replaces, profile, status) in enumerate([
            ("Boulder", None, "2026-12", [ref.SALESFORCE, ref.CVENT], None, "Standard", "pending"),
            ("Boulder", "Denver", "2027-01", [ref.MARKETING_CLOUD], None, "Standard", "held"),
            ("Denver", None, None, [ref.SALESFORCE], "LN-0003", "Standard", "pending"),
            ("UCCS", "", "2027-03", [ref.SALESFORCE, ref.GEOPOINTE], None,
             ref.PROFILE_CHATTER_FREE, "pending"),
            ("UCCS", None, "2026-07", [ref.CVENT], None, "Standard", "pending"),
            ("Denver", None, "2027-02", [ref.CVENT], None, "Standard", "processed")]):
        rows.append({"request_id": f"P-{i}", "kind": "provision", "contact_id": f"C{i}",
                     "campus": campus, "billing_campus": billing, "cycle": cycle,
                     "applications": apps, "replaces_license": replaces,
                     "salesforce_profile": profile, "status": status,
                     "submitted_at": datetime(2026, 11, 2, 16), "submitted_by": "x@cu.edu"})
    bulk(store, "requests", rows)


def billing_totals(store, kind, as_of, campuses=None):
    """{(campus, group): (lines, total)} from ecomm.billing over the license records."""
    lics = reads.load_licenses_for_billing(store, as_of, since=fy_start(FY))
    out = {}
    for inv in assemble(lics, RATES, P, fiscal_year=FY, kind=kind, as_of=as_of):
        if campuses is None or inv.campus in campuses:
            out[(inv.campus, inv.group)] = (len(inv.lines), inv.total)
    return out


def pending_totals(store, kind, as_of):
    """{(campus, group): (requests, total)} the forecast's pending requests add to a run."""
    pending = reads.load_pending_provisions(store, default_month=month_start(as_of, 1))
    if kind == "annual":
        pending = [p for p in pending if p.provisioning_month <= date(FY - 1, 7, 1)]
    out = {}
    for inv in assemble([pending_as_license(p) for p in pending], RATES, P, fiscal_year=FY,
                        kind=kind, as_of=as_of):
        out[(inv.campus, inv.group)] = (len(inv.lines), inv.total)
    return out


def sql_totals(rows):
    return {(c, g): (len(n) if isinstance(n, list) else int(n), Decimal(a)) for c, g, n, a in rows}


COMMON = dict(fy_start=date(2026, 7, 1), fy_end=date(2027, 6, 30), rates=RATES,
              chatter_profile=ref.PROFILE_CHATTER_FREE)


@pytest.mark.parametrize("seed", [21, 22])
def test_b4_b5_cost_sql_agrees_with_the_billing_module(store, seed):
    seed_random(store, seed)
    add_pending(store)
    checked = 0
    for kind, as_of, campuses in itertools.product(
            ("annual", "january", "june"),
            (date(2026, 7, 20), date(2026, 11, 23), date(2027, 1, 31), date(2027, 6, 30)),
            (None, ("Boulder", "UCCS"))):
        window = None if kind == "annual" else true_up_window(FY, kind)
        got = sql_totals(db.charged_amounts(store, kind=kind, as_of=as_of,
                                            july_end=date(2026, 7, 31), window=window,
                                            campuses=campuses, **COMMON))
        assert got == billing_totals(store, kind, as_of, campuses), (kind, as_of, campuses)
        got = sql_totals(db.pending_amounts(store, kind=kind, july_first=date(2026, 7, 1),
                                            window=window, default_month=month_start(as_of, 1),
                                            **COMMON))
        assert got == pending_totals(store, kind, as_of), (kind, as_of)
        checked += len(got)
    assert checked > 0


def test_b5_b6_true_up_cost_bills_the_reviewed_net_new_list(store):
    """B6: the true-ups' actual cost uses the specialists' decisions, as the drafted run does."""
    from ecomm.storage import invoice_reads as ir

    seed_random(store, 23)
    reviews = []
    for kind in ("january", "june"):
        start, end = true_up_window(FY, kind)
        rows = store.query("SELECT license_number, application, provisioned_on, net_new "
                           "FROM license_apps WHERE provisioned_on BETWEEN ? AND ? "
                           "ORDER BY ALL", [start, end])
        for i, (ln, app, prov, flag) in enumerate(rows):
            if i % 3 == 0:   # every third candidate corrected, the others left as flagged
                reviews.append({"fiscal_year": FY, "kind": kind, "license_number": ln,
                                "application": app, "provisioned_on": prov, "campus": "Boulder",
                                "decision": "correct", "net_new": not flag, "reason": "test",
                                "reviewed_by": "spec@cu.edu",
                                "reviewed_at": datetime(2027, 1, 10, 17)})
    assert reviews
    bulk(store, "net_new_reviews", reviews)
    for kind, as_of in (("january", date(2027, 1, 31)), ("june", date(2027, 6, 30))):
        lics = reads.load_licenses_for_billing(store, as_of, since=fy_start(FY))
        want = {(i.campus, i.group): (len(i.lines), i.total)
                for i in assemble(lics, RATES, P, fiscal_year=FY, kind=kind, as_of=as_of,
                                  overrides=ir.net_new_overrides(store, FY, kind))}
        got = sql_totals(db.charged_amounts(store, kind=kind, as_of=as_of,
                                            july_end=date(2026, 7, 31),
                                            window=true_up_window(FY, kind), **COMMON))
        assert got == want and got != billing_totals(store, kind, as_of), kind


def add_deprovisions(store):
    """Pending deprovisioning requests on random licenses: cycles before, in and after each
    run's month; some remove Salesforce at submission (C4)."""
    numbers = [r[0] for r in store.query("SELECT license_number FROM licenses ORDER BY 1")]
    cycles = ["2026-07", "2026-10", "2026-12", "2027-01", "2027-02", "2027-06", "2027-08", None]
    rows = []
    for i, number in enumerate(numbers[::3]):
        apps = [ref.APPLICATIONS[(i + k) % len(ref.APPLICATIONS)] for k in range(1 + i % 3)]
        rows.append({"request_id": f"D-{i:03d}", "kind": "deprovision", "contact_id": f"C{i}",
                     "campus": "Boulder", "license_number": number, "applications": apps,
                     "cycle": cycles[i % len(cycles)], "status": ("pending", "held")[i % 2],
                     "salesforce_removed_on": date(2026, 11, 2) if i % 4 == 0 else None,
                     "submitted_at": datetime(2026, 11, 2, 16), "submitted_by": "x@cu.edu"})
    bulk(store, "requests", rows)


def forecast_removals(store, kind, as_of):
    """{(campus, group): amount} the forecast's pending deprovisionings change a run by."""
    from ecomm.billing import forecast as fc

    lics = reads.load_licenses_for_billing(store, as_of, since=fy_start(FY))
    removals = fc.removals_before(
        reads.load_pending_deprovisions(store, default_month=month_start(as_of, 1)), FY, kind)
    touched = [lic for lic in lics if any(
        fc._open(h, as_of) and (lic.license_number, h.application) in removals for h in lic.apps)]
    after = [fc.with_removals(lic, removals, kind, as_of) for lic in touched]
    later = max([as_of, *(d for d, _ in removals.values())]) if kind != "annual" else as_of
    before = {(i.campus, i.group): i.total
              for i in assemble(touched, RATES, P, fiscal_year=FY, kind=kind, as_of=as_of)}
    now = {(i.campus, i.group): i.total
           for i in assemble(after, RATES, P, fiscal_year=FY, kind=kind, as_of=later)}
    out = {k: now.get(k, Decimal("0")) - before.get(k, Decimal("0")) for k in {*before, *now}}
    return {k: v for k, v in out.items() if v}


@pytest.mark.parametrize("seed", [24, 25])
def test_c4_pending_deprovisionings_sql_agrees_with_the_forecast(store, seed):
    from ecomm.billing.forecast import run_month

    seed_random(store, seed)
    add_deprovisions(store)
    changed = 0
    for kind, as_of in (("annual", date(2026, 7, 20)), ("january", date(2026, 11, 23)),
                        ("january", date(2027, 1, 31)), ("june", date(2027, 3, 15)),
                        ("june", date(2027, 6, 30))):
        window = None if kind == "annual" else true_up_window(FY, kind)
        rows = db.deprovision_amounts(store, kind=kind, as_of=as_of, july_end=date(2026, 7, 31),
                                      window=window, run_month=run_month(FY, kind),
                                      default_month=month_start(as_of, 1), **COMMON)
        got = {(c, g): Decimal(a) for c, g, _, a in rows if Decimal(a)}
        assert got == forecast_removals(store, kind, as_of), (kind, as_of)
        assert all(Decimal(a) <= 0 for *_, a in rows)
        changed += len(got)
    assert changed > 0


def test_b7_baseline_compare_agrees_with_baseline_report(store):
    seed_random(store, 4)
    bulk(store, "baselines", [
        {"fiscal_year": FY, "campus": c, "application": a, "license_count": n,
         "captured_at": datetime(2026, 7, 8), "captured_by": "sys@cu.edu"}
        for c, a, n in (("Boulder", ref.SALESFORCE, 7), ("Denver", ref.CVENT, 3),
                        ("System", ref.SALESFORCE, 2))])   # System holds nothing now
    bulk(store, "baselines", [{"fiscal_year": FY - 1, "campus": "Boulder", "application":
                               ref.CVENT, "license_count": 99, "captured_at": datetime(2025, 7, 8),
                               "captured_by": "sys@cu.edu"}])
    frame = rep.baseline(store, MANAGER, FY, AS_OF)
    want = baseline_report(store, AS_OF)
    got = [(r["campus"], r["application"], None if r["baseline"] is None or r["baseline"] != r[
        "baseline"] else int(r["baseline"]), int(r["current"])) for r in
           frame.astype(object).where(frame.notna(), None).to_dict("records")]
    assert got == [(b.campus, b.application, b.baseline, b.current) for b in want]
    system = frame[frame["campus"] == "System"].iloc[0]
    assert (system["baseline"], system["current"], system["difference"]) == (2, 0, -2)
    only = rep.baseline(store, MANAGER, FY, AS_OF, ["Denver"])
    assert set(only["campus"]) == {"Denver"} and len(only) == sum(
        1 for b in want if b.campus == "Denver")


def test_b1_active_per_month_agrees_with_held_on_each_month_end(store):
    seed_random(store, 9)
    lics, _ = facts(store)
    table = licenses_table(store)
    frame = rep.active_per_month(store, SYSTEM, FY, AS_OF, by_campus=True)
    months, days = rep.month_days(FY, AS_OF)
    assert days == [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31),
                    AS_OF]
    want = defaultdict(set)
    for lic in lics:
        campus = table[lic.license_number]["invoice_campus"]
        for m, d in zip(months, days):
            for a in lic.apps:
                if q.app_held(a.provisioned_on, a.deprovisioned_on, d):
                    want[(m, a.application, campus)].add(lic.license_number)
                    want[(m, "Any application", campus)].add(lic.license_number)
    got = {(r["month"].date(), r["application"], r["campus"]): r["licenses"]
           for r in frame.to_dict("records")}
    assert got == {k: len(v) for k, v in want.items()}
    total = rep.active_per_month(store, SYSTEM, FY, AS_OF)
    for r in total.to_dict("records"):
        assert r["licenses"] == sum(n for (m, a, _), n in got.items()
                                    if m == r["month"].date() and a == r["application"])
    boulder = rep.active_per_month(store, SYSTEM, FY, AS_OF, ["Boulder"], by_campus=True)
    assert set(boulder["campus"]) == {"Boulder"}


def test_b1_active_per_month_counts_a_license_once_over_a_whole_past_year(store):
    """B1: twelve month ends of a past year; two rows of one application on one license
    (even overlapping ones) and several applications count the license once; a removal on a
    month's last day means not held that day; a row held only between two month ends is not
    counted."""
    D = date.fromisoformat
    bulk(store, "licenses", [{"license_number": n, "contact_id": "C1", "affiliated_campus": c}
                             for n, c in (("LN-1", "Boulder"), ("LN-2", "Denver"))])
    bulk(store, "license_apps", [
        {"license_number": "LN-1", "application": ref.SALESFORCE, "provisioned_on": D(p),
         "deprovisioned_on": D(x) if x else None}
        for p, x in (("2025-01-01", "2025-10-15"), ("2025-09-01", "2025-12-15"),
                     ("2026-03-01", None))] + [
        {"license_number": "LN-1", "application": ref.CVENT, "provisioned_on": D("2025-08-01"),
         "deprovisioned_on": D("2025-10-31")},
        {"license_number": "LN-2", "application": ref.CVENT, "provisioned_on": D("2025-10-05"),
         "deprovisioned_on": D("2025-10-20")}])
    frame = rep.active_per_month(store, MANAGER, 2026, D("2026-06-30"))
    got = {(r["month"].date().month, r["application"]): r["licenses"]
           for r in frame.to_dict("records")}
    sf = {m: 1 for m in (7, 8, 9, 10, 11, 3, 4, 5, 6)}      # Dec 15 .. Mar 1: none
    cv = {8: 1, 9: 1}                                       # removed Oct 31: not held that day
    assert {m: n for (m, a), n in got.items() if a == ref.SALESFORCE} == sf
    assert {m: n for (m, a), n in got.items() if a == ref.CVENT} == cv
    assert {m: n for (m, a), n in got.items() if a == "Any application"} == sf
    by_campus = rep.active_per_month(store, MANAGER, 2026, D("2026-06-30"), by_campus=True)
    assert set(by_campus["campus"]) == {"Boulder"}          # LN-2 was never held on a month end


def test_p10_b6_net_new_by_month_and_campus(store):
    seed_random(store, 10)
    table = licenses_table(store)
    frame = rep.net_new(store, MANAGER, FY, AS_OF)
    want = defaultdict(int)
    for ln, app, prov, net_new in store.query(
            "SELECT license_number, application, provisioned_on, net_new FROM license_apps"):
        if net_new and date(2026, 7, 1) <= prov <= AS_OF:
            want[(prov.replace(day=1), table[ln]["invoice_campus"], app)] += 1
    got = {(r["month"].date(), r["campus"], r["application"]): r["applications"]
           for r in frame.to_dict("records")}
    assert got == dict(want) and sum(got.values()) > 0


def test_b2_b8_cost_report_actual_and_projected(store):
    seed_small(store)
    add_rates(store)
    add_pending(store)
    report = rep.cost(store, MANAGER, FY, AS_OF)
    frame = report.frame.set_index(["campus", "kind"])
    # July invoice: actual = computed as of July 31; January/June: not yet open on Nov 23
    annual = billing_totals(store, "annual", date(2026, 7, 31))
    for campus in {c for c, _ in annual}:
        assert frame.loc[(campus, "annual"), "actual"] == sum(
            t for (c, _), (_, t) in annual.items() if c == campus)
    assert frame.loc[("Boulder", "january"), "actual"] is None
    jan = billing_totals(store, "january", AS_OF)
    jan_pending = pending_totals(store, "january", AS_OF)
    assert frame.loc[("Boulder", "january"), "projected"] == sum(
        t for (c, _), (_, t) in {**jan}.items() if c == "Boulder") + sum(
        t for (c, _), (_, t) in jan_pending.items() if c == "Boulder")
    # R-1 and P-0 (Salesforce and Cvent: two invoices, counted once each) and held R-4
    assert frame.loc[("Boulder", "january"), "pending_requests"] == 3
    totals = report.totals().set_index("campus")
    assert totals.loc["Boulder", "projected"] == sum(frame.loc["Boulder", "projected"])
    assert report.rates_from_fy == FY and report.notes == []


def test_b8_stored_invoices_are_the_actual_and_final_ones_the_projection(store):
    seed_small(store)
    add_rates(store)
    bulk(store, "invoices", [
        {"invoice_id": f"I-{i}", "fiscal_year": FY, "kind": kind, "campus": "Boulder",
         "invoice_group": grp, "revision": rev, "status": status, "as_of": date(2026, 7, 10),
         "total": Decimal(total), "created_at": datetime(2026, 7, 10), "created_by": "s@cu.edu"}
        for i, (kind, grp, rev, status, total) in enumerate([
            ("annual", "salesforce_marketing_cloud", 1, "billed", "1000.00"),
            ("annual", "salesforce_marketing_cloud", 2, "approved", "1200.00"),   # the latest
            ("annual", "cvent", 1, "draft", "50.00")])])
    report = rep.cost(store, SYSTEM, FY, AS_OF)
    row = report.frame.set_index(["campus", "kind"]).loc[("Boulder", "annual")]
    assert row["actual"] == Decimal("1250.00")
    assert row["actual_source"] == "invoice approved, invoice draft"
    computed_cvent = billing_totals(store, "annual", date(2026, 7, 31)).get(
        ("Boulder", "cvent"), (0, Decimal("0")))[1]
    assert row["projected"] == Decimal("1200.00") + computed_cvent


def test_b2_cost_report_says_when_rates_are_assumed_or_missing(store):
    seed_small(store)
    add_rates(store, fy=FY - 1, rates={ref.SALESFORCE: Decimal("49.40"),
                                       ref.CVENT: Decimal("27.55")})
    report = rep.cost(store, MANAGER, FY, AS_OF)
    assert report.rates_from_fy == FY - 1
    assert report.notes[0].startswith(f"B2: FY{FY} has no rates yet; FY{FY - 1}'s")
    assert "Marketing Cloud" in report.notes[1]
    empty = Store(store.path.parent / "empty.duckdb")
    with pytest.raises(EcommError):
        rep.cost(empty, MANAGER, FY, AS_OF)
    empty.close()


def test_a3_reports_are_for_managers_and_the_system_team(store):
    with pytest.raises(AccessDenied):
        rep.baseline(store, BOULDER, FY, AS_OF)
    with pytest.raises(AccessDenied):
        rep.cost(store, BOULDER, FY, AS_OF)
    assert rep.require_reader(MANAGER) is MANAGER


def test_b1_report_years_and_days():
    assert rep.fiscal_years(AS_OF) == [2027, 2026, 2025, 2024, 2023]
    assert rep.report_day(2027, AS_OF) == AS_OF
    assert rep.report_day(2025, AS_OF) == date(2025, 6, 30)
    with pytest.raises(EcommError):
        rep.report_day(2028, AS_OF)
    assert rep.clean_campuses(["boulder adv", "Denver"]) == ["Boulder Advancement", "Denver"]
    assert rep.clean_campuses(list(ref.CAMPUSES)) is None
    with pytest.raises(EcommError):
        rep.clean_campuses(["Atlantis"])


def test_b4_b5_demo_cost_agrees_with_the_billing_module(tmp_path, demo_copy):
    pytest.importorskip("ecomm.demo")
    with Store(demo_copy(tmp_path / "demo.duckdb", as_of=AS_OF, licenses=150)) as store:
        rates = reads.load_rates(store, FY)
        for kind, as_of in (("annual", date(2026, 7, 31)), ("january", AS_OF)):
            lics = reads.load_licenses_for_billing(store, as_of, since=fy_start(FY))
            want = {(i.campus, i.group): (len(i.lines), i.total) for i in assemble(
                lics, rates, P, fiscal_year=FY, kind=kind, as_of=as_of)}
            window = None if kind == "annual" else true_up_window(FY, kind)
            got = sql_totals(db.charged_amounts(store, kind=kind, as_of=as_of,
                                                july_end=date(2026, 7, 31), window=window,
                                                **{**COMMON, "rates": rates}))
            assert got == want and len(got) > 0
