"""Off-cycle group changes (C5): asked by the campus, completed by the System team."""
from __future__ import annotations

import json

import pytest

from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.requests import complete_group_change, list_group_change_queue, request_group_change
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NOW, SYSTEM, count,
                                                 seed)


@pytest.fixture
def seeded(store):
    seed(store)
    store.write(lambda cur: cur.execute(  # P11: a second Boulder business unit to add
        "INSERT INTO reference_values VALUES ('business_unit', 'Boulder', 'CUB Athletics', "
        "NULL, TRUE)"))
    return store


def test_p11_adding_a_business_unit_the_campus_does_not_keep_is_refused(seeded):
    with pytest.raises(EcommError) as err:
        request_group_change(seeded, BOULDER, "LN-0776", ["CUB Retired Unit"], [], [], [],
                             now_utc=NOW)
    assert err.value.problems == [
        "P11: 'CUB Retired Unit' is not an active business unit of Boulder: choose one of "
        "Boulder's business units (the System team keeps the list)"]
    assert count(seeded, "requests") == 0


def _groups(store, number):
    return store.query_one("SELECT business_units, public_groups FROM licenses "
                           "WHERE license_number = ?", [number])


def test_c5_group_change_is_queued_off_cycle_then_completed_by_system_team(seeded):
    conf = request_group_change(seeded, BOULDER, "LN-0776", ["CUB Athletics"], [],
                                [ref.NEW_PUBLIC_GROUP], ["01 Adv Boulder"],
                                new_public_group="07 Boulder Music", now_utc=NOW)
    assert conf.status == "pending" and conf.cycle is None
    req = seeded.query_dicts("SELECT * FROM requests")[0]
    assert (req["kind"], req["status"], req["cycle"]) == ("change_groups", "pending", None)
    # Not applied yet.
    assert _groups(seeded, "LN-0776") == (["CUB Advancement"], ["01 Adv Boulder"])

    queue = list_group_change_queue(seeded, SYSTEM)
    assert [r["request_id"] for r in queue] == [conf.request_id]
    assert [r["request_id"] for r in list_group_change_queue(seeded, BOULDER)] == [conf.request_id]
    assert list_group_change_queue(seeded, DENVER) == []

    with pytest.raises(AccessDenied):
        complete_group_change(seeded, BOULDER, conf.request_id, now_utc=NOW)
    out = complete_group_change(seeded, SYSTEM, conf.request_id, now_utc=NOW)
    assert out.status == "completed"
    assert _groups(seeded, "LN-0776") == (["CUB Advancement", "CUB Athletics"],
                                          ["07 Boulder Music"])
    assert seeded.query_value("SELECT status FROM requests") == "completed"
    assert list_group_change_queue(seeded, SYSTEM) == []
    entry = seeded.query_dicts("SELECT * FROM audit_log WHERE action = 'complete_group_change'")[0]
    assert json.loads(entry["before"])["public_groups"] == ["01 Adv Boulder"]
    assert json.loads(entry["after"])["public_groups"] == ["07 Boulder Music"]
    hist = [r[0] for r in seeded.query("SELECT status FROM request_status_history "
                                       "ORDER BY status DESC")]
    assert hist == ["pending", "completed"]

    with pytest.raises(EcommError, match="only a pending one"):
        complete_group_change(seeded, SYSTEM, conf.request_id, now_utc=NOW)


def test_p11_removing_a_group_the_license_is_not_in_is_refused(seeded):
    with pytest.raises(EcommError) as err:
        request_group_change(seeded, BOULDER, "LN-0776", [], [], [], ["99 Nowhere"], now_utc=NOW)
    assert any(p.startswith("P11:") for p in err.value.problems)
    assert count(seeded, "requests") == 0


def test_p11_change_leaving_no_business_unit_is_refused(seeded):
    with pytest.raises(EcommError) as err:
        request_group_change(seeded, BOULDER, "LN-0776", [], ["CUB Advancement"], [], [],
                             now_utc=NOW)
    assert any("business unit" in p for p in err.value.problems)


def test_a1_a3_other_campus_and_manager_cannot_ask(seeded):
    with pytest.raises(NotFound):
        request_group_change(seeded, DENVER, "LN-0776", ["X"], [], [], [], now_utc=NOW)
    with pytest.raises(AccessDenied):
        request_group_change(seeded, MANAGER, "LN-0776", ["X"], [], [], [], now_utc=NOW)
    assert count(seeded, "requests") == 0


def test_completing_something_that_is_not_a_group_change_is_not_found(seeded):
    with pytest.raises(NotFound):
        complete_group_change(seeded, SYSTEM, "R-999999", now_utc=NOW)
