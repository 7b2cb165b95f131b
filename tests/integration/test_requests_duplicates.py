"""One waiting request per thing (P7, C5): identical submissions made at the same moment leave
exactly one request, and each of the others gets a sentence naming the rule and the request
already waiting; the same one after another; and the unique index behind it (migrations 8 and 9).

The "concurrency" tests race 20 threads through one Store, each call on its own cursor, as the
app's sessions do (they are left out of the faked-clock run by their name)."""
from __future__ import annotations

import pytest

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.requests import request_group_change, submit_deprovision, submit_provision
from ecomm.storage import Store
from ecomm.storage import requests as rs
from tests.integration import requests_fixtures as rf
from tests.integration.test_trust_concurrency import race

SESSIONS = 20


@pytest.fixture
def seeded(store):
    rf.seed(store)
    store.write(lambda cur: cur.execute(
        "INSERT INTO reference_values VALUES ('business_unit', 'Boulder', 'CUB Athletics', "
        "NULL, TRUE)"))
    return store


def _one_landed(results, rule_text: str):
    landed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(landed) == 1, refused
    assert len(refused) == SESSIONS - 1
    rid = landed[0].request_id
    for exc in refused:
        assert isinstance(exc, EcommError), repr(exc)
        assert rule_text in exc.message and rid in exc.message and "Nothing was saved" in exc.message
    return landed[0]


def _waiting(store, kind: str) -> list[str]:
    return [r[0] for r in store.query("SELECT request_id FROM requests WHERE kind = ? "
                                      "AND status IN ('pending', 'held')", [kind])]


def test_p7_concurrency_twenty_identical_provisionings_leave_one(seeded):
    results = race([lambda: submit_provision(seeded, rf.BOULDER, "C-ELIG", rf.draft(),
                                             [rf.upload()], now_utc=rf.NOW)] * SESSIONS)
    conf = _one_landed(results, "P7: a provisioning request for Marketing Cloud, Salesforce "
                                "is already requested for")
    assert _waiting(seeded, "provision") == [conf.request_id]
    assert rf.count(seeded, "licenses") == 4  # the seeded three and the one opened
    assert len(rf.uploaded_files(seeded)) == 1  # the refused left no transcript behind


def test_p7_concurrency_twenty_identical_deprovisionings_leave_one(seeded):
    results = race([lambda: submit_deprovision(seeded, rf.BOULDER, "LN-0776", [ref.CVENT],
                                               now_utc=rf.NOW)] * SESSIONS)
    conf = _one_landed(results, "P7: removal of Cvent from LN-0776 is already requested")
    assert _waiting(seeded, "deprovision") == [conf.request_id]


def test_c5_concurrency_twenty_identical_group_changes_leave_one(seeded):
    results = race([lambda: request_group_change(seeded, rf.BOULDER, "LN-0776", ["CUB Athletics"],
                                                 [], [], [], now_utc=rf.NOW)] * SESSIONS)
    conf = _one_landed(results, "C5: the same group change is already requested for LN-0776")
    assert _waiting(seeded, "change_groups") == [conf.request_id]


def test_p7_second_provisioning_names_the_request_waiting(seeded):
    first = submit_provision(seeded, rf.BOULDER, "C-ELIG", rf.draft(apps=[ref.SALESFORCE]),
                             [rf.upload()], now_utc=rf.NOW)
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, rf.BOULDER, "C-ELIG", rf.draft(), [rf.upload()], now_utc=rf.NOW)
    assert err.value.problems == [
        f"P7: a provisioning request for Salesforce is already requested for "
        f"{first.license_number} ({first.request_id}, pending): cancel it first, or wait for "
        "its batch"]
    assert _waiting(seeded, "provision") == [first.request_id]


def test_c5_the_same_group_change_one_after_another_is_refused(seeded):
    first = request_group_change(seeded, rf.BOULDER, "LN-0776", ["CUB Athletics"], [], [], [],
                                 now_utc=rf.NOW)
    with pytest.raises(EcommError) as err:
        request_group_change(seeded, rf.BOULDER, "LN-0776", ["CUB Athletics"], [], [], [],
                             now_utc=rf.NOW)
    assert err.value.problems == [
        f"C5: the same group change is already requested for LN-0776 ({first.request_id}, "
        "pending): wait for the System team to complete it, or cancel it"]
    # a different change of the same license may still wait beside it
    request_group_change(seeded, rf.BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                         new_public_group="07 Boulder Music", now_utc=rf.NOW)
    assert len(_waiting(seeded, "change_groups")) == 2


def test_p11_a_group_the_license_already_has_is_refused(seeded):
    with pytest.raises(EcommError) as err:
        request_group_change(seeded, rf.BOULDER, "LN-0776", ["CUB Advancement"], [],
                             ["01 Adv Boulder"], [], now_utc=rf.NOW)
    assert err.value.problems == [
        "P11: LN-0776 is already in business unit CUB Advancement: ask only for what changes",
        "P11: LN-0776 is already in public group 01 Adv Boulder: ask only for what changes"]
    assert _waiting(seeded, "change_groups") == []


def _request(rid: str, **kw) -> dict:
    return {"request_id": rid, "kind": "deprovision", "contact_id": "C-USER", "campus": "Boulder",
            "submitted_at": rf.NOW, "submitted_by": rf.BOULDER.email,
            "license_number": "LN-0776", "applications": [ref.CVENT], "status": "pending", **kw}


def test_p7_the_unique_index_refuses_an_identical_waiting_request_whoever_writes_it(seeded):
    seeded.write(lambda cur: rs.insert_request(cur, _request("R-900001")))
    with pytest.raises(EcommError) as err:  # written past the services' checks
        seeded.write(lambda cur: rs.insert_request(cur, _request("R-900002")))
    assert err.value.message.startswith("P7: an identical deprovisioning request is already "
                                        "waiting for LN-0776")
    # once the first is no longer waiting, the same request may wait again
    seeded.write(lambda cur: rs.set_status(cur, "R-900001", "cancelled"))
    seeded.write(lambda cur: rs.insert_request(cur, _request("R-900002")))
    assert _waiting(seeded, "deprovision") == ["R-900002"]


def test_migrations_8_9_keep_duplicates_already_waiting_and_keys_the_oldest(db_path):
    old = Store(db_path, migrate=False)
    old.migrate(target=7)  # the schema before open_key (migrations 8 and 9 on main)
    rf.seed(old)
    cols = ("request_id, kind, contact_id, campus, submitted_at, submitted_by, license_number, "
            "applications, status")
    rows = [("R-000003", "pending"), ("R-000001", "pending"), ("R-000002", "cancelled"),
            ("R-000004", "held")]
    old.write(lambda cur: cur.executemany(
        f"INSERT INTO requests ({cols}) VALUES (?, 'deprovision', 'C-USER', 'Boulder', ?, ?, "
        "'LN-0776', ['Cvent'], ?)", [[rid, rf.NOW, rf.BOULDER.email, st] for rid, st in rows]))
    assert old.migrate(target=9) == [8, 9]
    old.migrate()  # the later migrations, which the request writer below expects
    keys = dict(old.query("SELECT request_id, open_key FROM requests"))
    assert keys["R-000001"] == "deprovision|LN-0776|Cvent"  # the oldest waiting one
    assert keys["R-000003"] is None and keys["R-000004"] is None  # left for a specialist
    assert keys["R-000002"] == "deprovision|LN-0776|Cvent"  # cancelled: outside the index
    assert len(_waiting(old, "deprovision")) == 3
    with pytest.raises(EcommError):
        old.write(lambda cur: rs.insert_request(cur, _request("R-000005")))
    old.close()
