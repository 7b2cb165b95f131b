"""Fiscal year setup (System team): monthly rates per application (B1, B2; demo rates marked)
and the license counts at the year's start (B7: from the data as of July 1, corrected with a
reason); every change audited (A4)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ecomm.billing import fiscal_setup as fs
from ecomm.errors import AccessDenied, EcommError
from ecomm.storage.billing_reads import load_rates
from tests.integration.billing_seed import BOULDER, FY, MANAGER, SYSTEM, seed


def test_b2_the_system_team_sets_a_years_rates_demo_rates_marked(store):
    changed = fs.set_rates(store, SYSTEM, 2028, {"Salesforce": "52", "Cvent": "$29.00",
                                                 "Marketing Cloud": Decimal("38.5")}, is_demo=True)
    assert sorted(changed) == ["Cvent", "Marketing Cloud", "Salesforce"]
    assert load_rates(store, 2028) == {"Salesforce": Decimal("52.00"), "Cvent": Decimal("29.00"),
                                       "Marketing Cloud": Decimal("38.50")}
    assert {r["application"]: r["is_demo"] for r in fs.rate_rows(store, BOULDER, 2028)} == {
        "Cvent": True, "Marketing Cloud": True, "Salesforce": True}
    assert fs.set_rates(store, SYSTEM, 2028, {"Salesforce": "52.00", "Cvent": "30"}) == [
        "Salesforce", "Cvent"]                                  # the demo mark goes: both change
    assert fs.set_rates(store, SYSTEM, 2028, {"Salesforce": "52.00"}) == []
    entries = store.query_dicts("SELECT entity_id, before, after FROM audit_log "
                                "WHERE entity = 'rate' ORDER BY audit_id")
    assert [e["entity_id"] for e in entries] == [
        "FY2028:Salesforce", "FY2028:Cvent", "FY2028:Marketing Cloud", "FY2028:Salesforce",
        "FY2028:Cvent"]
    assert json.loads(entries[4]["before"]) == {"monthly_rate": "29.00", "is_demo": True}
    assert json.loads(entries[4]["after"]) == {"monthly_rate": "30.00", "is_demo": False}


@pytest.mark.parametrize("rates, words", [
    ({"Salesforce": "-1"}, "0 or more"), ({"Salesforce": "12.345"}, "two decimals"),
    ({"Salesforce": "lots"}, "amount in dollars"), ({"Zoom": "1"}, "not one of them"),
])
def test_b2_rates_refused_with_a_sentence(store, rates, words):
    with pytest.raises(EcommError, match=words):
        fs.set_rates(store, SYSTEM, FY, rates)
    assert load_rates(store, FY) == {}


@pytest.mark.parametrize("who", [BOULDER, MANAGER])
def test_a2_only_the_system_team_sets_rates_and_baselines(store, who):
    with pytest.raises(AccessDenied):
        fs.set_rates(store, who, FY, {"Salesforce": "1"})
    with pytest.raises(AccessDenied):
        fs.capture_baselines(store, who, FY)
    with pytest.raises(AccessDenied):
        fs.correct_baseline(store, who, FY, "Boulder", "Salesforce", 3, reason="x")
    assert store.query_value("SELECT count(*) FROM audit_log") == 0


def test_b7_baselines_taken_after_the_july_batch_with_chatter_free_apart(store):
    # rev 2 (B7): the July count is taken after the July batch (no batch row here: as of
    # July 31, the July invoice's licenses), Chatter Free apart from paid Salesforce
    seed(store)
    assert fs.capture_baselines(store, SYSTEM, FY) == 6 * 6   # every campus x counted app
    counts = {(r["campus"], r["application"]): r["license_count"]
              for r in fs.baseline_rows(store, MANAGER, FY)}
    # LN-0001 (Boulder Salesforce, 2022); the July 6 batch: LN-0005 (Denver, Chatter Free
    # Salesforce and Cvent) and LN-0006 (UCCS Cvent)
    assert counts[("Boulder", "Salesforce")] == 1
    assert counts[("Denver", "Chatter Free")] == 1 and counts[("Denver", "Salesforce")] == 0
    assert counts[("Denver", "Cvent")] == 1 and counts[("UCCS", "Cvent")] == 1
    assert sum(counts.values()) == 4
    with pytest.raises(EcommError, match="Correct a count with a reason"):
        fs.capture_baselines(store, SYSTEM, FY)
    report = {(r.campus, r.application): (r.baseline, r.current, r.difference)
              for r in fs.baseline_comparison(store, SYSTEM, date(2026, 11, 20))}
    assert report[("Denver", "Cvent")] == (1, 1, 0)
    assert report[("Denver", "Salesforce")] == (0, 1, 1)           # LN-0004 came in August
    assert report[("Boulder", "Salesforce")] == (1, 2, 1)          # LN-0003 came in November


def test_b7_baselines_wait_for_the_july_batch(store):
    seed(store)
    store.write(lambda cur: cur.execute(
        "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
        "applications, status, cycle) VALUES ('R-000001', 'provision', 'C1', 'Boulder', "
        "TIMESTAMP '2026-06-20 16:00:00', 'x@cu.edu', ['Cvent'], 'pending', '2026-07')"))
    with pytest.raises(EcommError, match="B7: The July count is taken after the July batch"):
        fs.capture_baselines(store, SYSTEM, FY)


def test_b7_a_recorded_count_is_corrected_with_a_reason_audited(store):
    seed(store)
    fs.capture_baselines(store, SYSTEM, FY)
    with pytest.raises(EcommError, match="Say why"):
        fs.correct_baseline(store, SYSTEM, FY, "Denver", "Cvent", 1, reason=" ")
    with pytest.raises(EcommError, match="whole number"):
        fs.correct_baseline(store, SYSTEM, FY, "Denver", "Cvent", -1, reason="x")
    fs.correct_baseline(store, SYSTEM, FY, "Denver", "Cvent", 2,
                        reason="LN-0005 was provisioned early")
    row = next(r for r in fs.baseline_rows(store, SYSTEM, FY)
               if (r["campus"], r["application"]) == ("Denver", "Cvent"))
    assert (row["license_count"], row["reason"], row["captured_by"]) == (
        2, "LN-0005 was provisioned early", SYSTEM.email)
    entry = store.query_dicts("SELECT action, before, after, detail FROM audit_log "
                              "WHERE entity = 'baseline' ORDER BY audit_id")[-1]
    assert (entry["action"], json.loads(entry["before"]), json.loads(entry["after"])) == (
        "correct", {"license_count": 1}, {"license_count": 2})
    assert entry["detail"] == "LN-0005 was provisioned early"


def test_b1_a_fiscal_year_is_named_by_the_year_it_ends(store):
    with pytest.raises(EcommError, match="B1"):
        fs.set_rates(store, SYSTEM, 27, {"Salesforce": "1"})
    with pytest.raises(AccessDenied):
        fs.baseline_rows(store, BOULDER, FY)
