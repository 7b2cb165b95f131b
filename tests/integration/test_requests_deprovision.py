"""Deprovisioning (C4): Salesforce goes at once, the rest waits for the batch."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.requests import submit_deprovision
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NO_QUIZ, NOW, SYSTEM,
                                                 count, seed)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def _app(store, number, app):
    return store.query_one("SELECT deprovisioned_on FROM license_apps WHERE license_number = ? "
                           "AND application = ?", [number, app])[0]


def test_c4_salesforce_removed_at_once_and_others_wait_for_the_batch(seeded):
    conf = submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE, ref.CVENT], now_utc=NOW)
    assert _app(seeded, "LN-0776", ref.SALESFORCE) == date(2026, 11, 23)
    assert _app(seeded, "LN-0776", ref.CVENT) is None
    assert _app(seeded, "LN-0776", ref.MARKETING_CLOUD) is None
    req = seeded.query_dicts("SELECT * FROM requests WHERE request_id = ?", [conf.request_id])[0]
    assert (req["kind"], req["status"], req["cycle"]) == ("deprovision", "pending", "2026-12")
    assert req["salesforce_removed_on"] == date(2026, 11, 23)
    assert req["applications"] == [ref.SALESFORCE, ref.CVENT]
    assert conf.salesforce_removed_on == date(2026, 11, 23)
    assert conf.cycle == "2026-12" and conf.cutoff == date(2026, 11, 30)
    text = " ".join(conf.effects)
    assert "billed for Salesforce through the end of November 2026" in text
    assert "Cvent: removed in the batch" in text
    audit = {r[0] for r in seeded.query("SELECT action FROM audit_log")}
    assert {"remove_salesforce", "submit_deprovision"} <= audit
    assert seeded.query_value("SELECT count(*) FROM request_status_history WHERE request_id = ?",
                              [conf.request_id]) == 1


def test_c4_salesforce_only_request_is_complete_at_submission(seeded):
    conf = submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE], now_utc=NOW)
    assert conf.status == "completed" and conf.cycle is None
    assert seeded.query_value("SELECT status FROM requests") == "completed"
    hist = [r[0] for r in seeded.query("SELECT status FROM request_status_history "
                                       "ORDER BY happened_at, status DESC")]
    assert hist == ["pending", "completed"]


def test_c4_removal_date_is_the_denver_day(seeded):
    # 03:00 UTC on Dec 1 is still Nov 30 in Denver.
    conf = submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE],
                              now_utc=datetime(2026, 12, 1, 3, 0))
    assert conf.salesforce_removed_on == date(2026, 11, 30)
    assert _app(seeded, "LN-0776", ref.SALESFORCE) == date(2026, 11, 30)


def test_c4_salesforce_already_removed_is_not_removed_again(seeded):
    submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE, ref.CVENT], now_utc=NOW)
    later = datetime(2026, 11, 25, 15, 0)
    with pytest.raises(EcommError) as err:
        submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE], now_utc=later)
    assert any(p.startswith("P7:") and "Salesforce" in p for p in err.value.problems)
    assert _app(seeded, "LN-0776", ref.SALESFORCE) == date(2026, 11, 23)
    assert count(seeded, "requests") == 1


def test_p7_only_held_applications_and_no_second_pending_removal(seeded):
    with pytest.raises(EcommError) as err:
        submit_deprovision(seeded, BOULDER, "LN-0776", [ref.GEOPOINTE], now_utc=NOW)
    assert any("does not hold Geopointe" in p for p in err.value.problems)
    submit_deprovision(seeded, BOULDER, "LN-0776", [ref.CVENT], now_utc=NOW)
    with pytest.raises(EcommError) as err:
        submit_deprovision(seeded, BOULDER, "LN-0776", [ref.CVENT], now_utc=NOW)
    assert any("already requested" in p for p in err.value.problems)
    assert count(seeded, "requests") == 1


def test_a1_specialist_of_another_campus_gets_not_found(seeded):
    with pytest.raises(NotFound):
        submit_deprovision(seeded, DENVER, "LN-0776", [ref.SALESFORCE], now_utc=NOW)
    assert _app(seeded, "LN-0776", ref.SALESFORCE) is None


def test_a1_additional_specialist_may_deprovision(seeded):
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET additional_specialists = [?] WHERE license_number = 'LN-0776'",
        [DENVER.email]))
    conf = submit_deprovision(seeded, DENVER, "LN-0776", [ref.CVENT], now_utc=NOW)
    assert conf.status == "pending"


def test_a3_manager_and_p14_specialist_without_quiz_cannot_deprovision(seeded):
    with pytest.raises(AccessDenied):
        submit_deprovision(seeded, MANAGER, "LN-0776", [ref.SALESFORCE], now_utc=NOW)
    with pytest.raises(EcommError) as err:
        submit_deprovision(seeded, NO_QUIZ, "LN-0776", [ref.SALESFORCE], now_utc=NOW)
    assert any(p.startswith("P14:") for p in err.value.problems)
    assert _app(seeded, "LN-0776", ref.SALESFORCE) is None
    assert count(seeded, "requests") == 0


def test_unknown_license_is_not_found(seeded):
    with pytest.raises(NotFound):
        submit_deprovision(seeded, SYSTEM, "LN-9999", [ref.SALESFORCE], now_utc=NOW)


def test_c4_b3_chatter_free_user_is_told_salesforce_costs_nothing(seeded):
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET salesforce_profile = ? WHERE license_number = 'LN-0776'",
        [ref.PROFILE_CHATTER_FREE]))
    conf = submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE], now_utc=NOW)
    assert any("not charged for Salesforce (B3)" in e for e in conf.effects)
