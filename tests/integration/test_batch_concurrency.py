"""C6: two people pressing "Process" at once produce one batch, and the other is told it was
already processed (the batches primary key claims the cycle inside the transaction)."""
from __future__ import annotations

import threading

from ecomm import batch
from ecomm.batch import service
from ecomm.identity import Identity
from ecomm.storage import Store
from ecomm.storage import batch as sb
from tests.integration.batch_seed import CYCLE, ON, PROCESS_AT, seed_cycle, snapshot
from tests.integration.requests_fixtures import SYSTEM

OTHER = Identity(email="other.system@cu.edu", name="Other System", role="system")


def _race(stores_and_actors) -> list:
    """Run process_batch in one thread per (store, actor), all released at once."""
    start = threading.Barrier(len(stores_and_actors))
    results: list = [None] * len(stores_and_actors)

    def run(i, s, actor):
        start.wait(timeout=10)
        try:
            results[i] = batch.process_batch(s, actor, CYCLE, on=ON, now_utc=PROCESS_AT)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, s, a))
               for i, (s, a) in enumerate(stores_and_actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _one_result(store, results) -> None:
    assert all(not isinstance(r, BaseException) for r in results), results
    done = [r for r in results if not r.already_processed]
    told = [r for r in results if r.already_processed]
    assert len(done) == 1 and len(told) == len(results) - 1
    for r in told:
        assert r.message.startswith(f"Cycle {CYCLE} was already processed on {ON.isoformat()}")
        assert f"by {done[0].record.processed_by}" in r.message
        assert r.plan == done[0].plan
    assert store.query_value("SELECT count(*) FROM batches") == 1
    # each provisioning landed once
    assert store.query_value("SELECT count(*) FROM license_apps WHERE provisioned_on = ?",
                             [ON]) == sum(len(p.applications) for p in done[0].plan.provisioned)
    assert store.query_value("SELECT count(*) FROM audit_log WHERE action = 'process_batch'") == 1


def test_c6_two_people_processing_at_once_in_the_app_get_one_result(store):
    seed_cycle(store)
    results = _race([(store, SYSTEM), (store, OTHER)])
    _one_result(store, results)


def test_c6_concurrent_transactions_are_guarded_by_the_batches_key(store, db_path, monkeypatch):
    """Two connections (two Stores on the file) both get inside their transaction and claim
    the cycle before either commits: the primary key lets one commit; the other is told."""
    seed_cycle(store)
    both_claimed = threading.Barrier(2)
    real_claim = sb.claim_batch

    def claim_then_wait(cur, cycle, **kw):
        real_claim(cur, cycle, **kw)
        both_claimed.wait(timeout=10)

    monkeypatch.setattr(service.sb, "claim_batch", claim_then_wait)
    second = Store(db_path)
    try:
        results = _race([(store, SYSTEM), (second, OTHER)])
    finally:
        second.close()
    _one_result(store, results)


def test_c6_a_failed_batch_leaves_nothing_behind(store, monkeypatch):
    """All or nothing: a failure half-way rolls every change back, the cycle stays open."""
    seed_cycle(store)
    before = snapshot(store)
    calls = {"n": 0}
    real = sb.mark_held_many

    def fail(*a, **kw):
        calls["n"] += 1
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.sb, "mark_held_many", fail)
    try:
        batch.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=PROCESS_AT)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure was swallowed")
    assert calls["n"] == 1
    assert snapshot(store) == before
    monkeypatch.setattr(service.sb, "mark_held_many", real)
    assert not batch.process_batch(store, SYSTEM, CYCLE, on=ON,
                                   now_utc=PROCESS_AT).already_processed
