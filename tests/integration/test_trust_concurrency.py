"""Concurrency: 20 people submitting at the same moment through the service the New request form
calls lose nothing and duplicate nothing; two people moving the same invoice at once (approve,
mark billed) or drafting the same run give one result, and the other gets a clear B8 message.
(Two people processing the same batch at once: tests/integration/test_batch_concurrency.py.)"""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

from ecomm.billing import workflow as wf
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.requests import submit_provision
from ecomm.storage import Store
from tests.integration import billing_seed as bs
from tests.integration import requests_fixtures as rf

SESSIONS = 20
DRAFT_AT = datetime(2027, 1, 15, 17)
OTHER_BOULDER = Identity(email="second.boulder@colorado.edu", name="Sec Ond", role="specialist",
                         campus="Boulder", quiz_passed_on=date(2026, 3, 2))


def race(calls) -> list:
    """Run each call in its own thread, all released at the same moment by a barrier; returns
    each call's result or the exception it raised."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        start.wait(timeout=30)
        try:
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - inspected by the tests
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a session never finished"
    return results


def _contacts(store, n: int) -> list[str]:
    ids = [f"C-RACE{i:02d}" for i in range(n)]
    for i, cid in enumerate(ids):
        rf.add_contact(store, cid, f"Racer{i:02d}", "Rae", employee_id=f"9{i:03d}",
                       ucb=f"racer{i:02d}@colorado.edu")
    return ids


def test_c1_twenty_sessions_submitting_at_once_lose_and_duplicate_nothing(db_path):
    """One Store per process, as the app has (ecomm.ui caches it): its write path serialises
    the sessions' transactions, so each numbers its request and license after the last one
    committed. (Without that lock the cursors' transactions overlap and two take the same
    LN- number: the second then fails on the licenses primary key.)"""
    stores = 1
    opened = [Store(db_path)]
    try:
        store = opened[0]
        rf.seed(store)
        people = _contacts(store, SESSIONS)
        before = store.query_value("SELECT count(*) FROM requests")
        calls = [lambda cid=cid, s=opened[i % stores]: submit_provision(
                     s, rf.BOULDER, cid, rf.draft(), [rf.upload()], now_utc=rf.NOW)
                 for i, cid in enumerate(people)]
        results = race(calls)
        failures = [r for r in results if isinstance(r, BaseException)]
        assert not failures, failures
        request_ids = [r.request_id for r in results]
        numbers = [r.license_number for r in results]
        assert len(set(request_ids)) == SESSIONS
        assert len(set(numbers)) == SESSIONS
        rows = store.query("SELECT request_id, license_number, contact_id FROM requests "
                           "WHERE contact_id LIKE 'C-RACE%'")
        assert len(rows) == SESSIONS == store.query_value("SELECT count(*) FROM requests") - before
        assert sorted(r[0] for r in rows) == sorted(request_ids)
        assert sorted(r[2] for r in rows) == sorted(people)
        assert store.query_value(
            "SELECT count(DISTINCT license_number) FROM licenses WHERE contact_id LIKE 'C-RACE%'"
        ) == SESSIONS
        assert store.query_value(
            "SELECT count(*) FROM audit_log WHERE action = 'submit_provision'") == SESSIONS
        assert store.query_value("SELECT count(*) FROM evidence_files WHERE request_id IN "
                                 "(SELECT unnest(?::VARCHAR[]))", [request_ids]) == SESSIONS
        files = [p for p in (db_path.parent / "uploads").rglob("*") if p.is_file()]
        assert len(files) == SESSIONS  # no orphan file from a retried attempt
    finally:
        for s in opened:
            s.close()


@pytest.fixture
def billing(store):
    bs.seed(store)
    out = wf.draft_run(store, bs.SYSTEM, fiscal_year=bs.FY, kind="january", as_of=bs.JAN_AS_OF,
                       now_utc=DRAFT_AT, capture=True)
    ids = {(i.campus, i.group): i.invoice_id for i in out.invoices}
    return store, ids[("Boulder", "cvent")]


def _one_winner(results, words: str):
    done = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(done) == 1, results
    assert len(refused) == len(results) - 1
    for exc in refused:
        assert isinstance(exc, EcommError), repr(exc)
        assert str(exc).startswith("B8:") and words in str(exc), str(exc)
    return done[0]


def test_b8_two_specialists_approving_the_same_invoice_at_once_give_one_approval(billing):
    store, invoice_id = billing
    wf.send_for_review(store, bs.SYSTEM, [invoice_id], now_utc=DRAFT_AT)
    results = race([lambda who=who: wf.approve(store, who, invoice_id, now_utc=DRAFT_AT)
                    for who in (bs.BOULDER, OTHER_BOULDER)])
    _one_winner(results, "is approved")
    assert store.query_value("SELECT status FROM invoices WHERE invoice_id = ?",
                             [invoice_id]) == "approved"
    assert store.query_value("SELECT count(*) FROM invoice_events WHERE invoice_id = ? AND "
                             "status = 'approved'", [invoice_id]) == 1


def test_b8_two_system_members_billing_the_same_invoice_at_once_bill_it_once(billing):
    store, invoice_id = billing
    wf.send_for_review(store, bs.SYSTEM, [invoice_id], now_utc=DRAFT_AT)
    wf.approve(store, bs.BOULDER, invoice_id, now_utc=DRAFT_AT)
    results = race([lambda who=who: wf.mark_billed(store, who, [invoice_id], now_utc=DRAFT_AT)
                    for who in (bs.SYSTEM, bs.OTHER_SYSTEM)])
    _one_winner(results, "is billed")
    assert store.query_value("SELECT count(*) FROM invoice_events WHERE invoice_id = ? AND "
                             "status = 'billed'", [invoice_id]) == 1


def test_b8_two_system_members_drafting_the_same_run_at_once_make_one_set_of_drafts(store):
    bs.seed(store)
    results = race([lambda who=who: wf.draft_run(store, who, fiscal_year=bs.FY, kind="january",
                                                 as_of=bs.JAN_AS_OF, now_utc=DRAFT_AT,
                                                 capture=True)
                    for who in (bs.SYSTEM, bs.OTHER_SYSTEM)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert store.query_value("SELECT count(*) FROM invoices") == 3
    assert store.query_value("SELECT count(*) FROM (SELECT campus, invoice_group, revision, "
                             "count(*) AS n FROM invoices GROUP BY ALL) WHERE n > 1") == 0
