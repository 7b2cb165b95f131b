"""C6: processing re-reads every input inside its transaction, even right after a preview: what
it reuses from the preview (a request's draft) is reused only for a request row that reads
exactly the same, and what changed in between is what processing does."""
from __future__ import annotations

from ecomm import batch
from ecomm.batch import service
from ecomm.storage import batch as sb
from tests.integration.batch_seed import CYCLE, ON, PROCESS_AT, seed_cycle
from tests.integration.requests_fixtures import SYSTEM


def test_c6_a_request_changed_after_the_preview_is_processed_as_it_reads_now(store):
    ids = seed_cycle(store)
    preview = batch.preview_batch(store, SYSTEM, CYCLE, on=ON)
    before = next(p for p in preview.provisioned if p.request_id == ids["new"])
    assert before.license_after["unit_speedtypes"] != "61000342:40;61000530:60"
    store.write(lambda cur: cur.execute(
        "UPDATE requests SET unit_speedtypes = '61000530: 60 ; 61000342:40' WHERE request_id = ?",
        [ids["new"]]))
    outcome = batch.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=PROCESS_AT)
    after = next(p for p in outcome.plan.provisioned if p.request_id == ids["new"])
    assert after.license_after["unit_speedtypes"] == "61000530:60;61000342:40"   # P12's text
    assert store.query_value("SELECT unit_speedtypes FROM licenses WHERE license_number = ?",
                             [after.license_number]) == "61000530:60;61000342:40"
    unchanged = [p.request_id for p in outcome.plan.provisioned if p.request_id != ids["new"]]
    assert unchanged == [p.request_id for p in preview.provisioned if p.request_id != ids["new"]]


def test_c6_drafts_are_reused_only_for_rows_that_read_the_same(store):
    seed_cycle(store)
    rows = [r for r in sb.open_requests(store) if r["kind"] == "provision"]
    first = service._drafts(rows)
    again = service._drafts([dict(r) for r in rows])
    assert all(again[rid] is first[rid] for rid in first)        # read once
    changed = [dict(r, notes="changed") if i == 0 else r for i, r in enumerate(rows)]
    third = service._drafts(changed)
    assert third[rows[0]["request_id"]].notes == "changed"
    assert third[rows[0]["request_id"]] is not first[rows[0]["request_id"]]
    assert all(third[r["request_id"]] is first[r["request_id"]] for r in rows[1:])
