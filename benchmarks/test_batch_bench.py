"""The monthly batch at 1x and 100x: preview and process the demo cycle's pending requests
(69 at 1x, about 6,900 at 100x: more than the issue's 5,000) on a private copy of the demo
database per round. Target at 100x: under 10 s."""
from __future__ import annotations

from datetime import datetime, time


from benchmarks.conftest import label
from ecomm.batch import plan as planner
from ecomm.batch import service
from ecomm.identity import CLI_ACTOR


def test_bench_batch_preview_and_process(benchmark, demo, demo_store, scale, fresh_copy):
    cycle = planner.next_cycle(service.current_cycle(demo_store, demo.as_of))
    on = service.default_processing_day(demo_store, cycle, demo.as_of)
    now = datetime.combine(on, time(18))
    waiting = demo_store.query_value("SELECT count(*) FROM requests WHERE status = 'pending'")
    label(benchmark, "Batch: preview + process the cycle's requests", scale, target_s=10.0,
          requests=waiting)

    def run(store):
        preview = service.preview_batch(store, CLI_ACTOR, cycle, on=on)
        return preview, service.process_batch(store, CLI_ACTOR, cycle, on=on, now_utc=now)

    # one round at 100x (each round first copies the 235 MB demo database)
    preview, outcome = benchmark.pedantic(run, setup=fresh_copy,
                                          rounds=3 if scale == "1x" else 1)
    assert not outcome.already_processed
    assert outcome.record.plan.sentence() == preview.sentence()
    assert waiting > 0.03 * demo.licenses
