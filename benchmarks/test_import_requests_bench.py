"""requests.csv's rule check (issue 3 item 11) over every request of the demo data set: 6,950
requests at 100x (4,500 provisioning, 2,250 deprovisioning, 200 group changes), ~70 at 1x.
What the rules read is loaded set-based and the form's rule functions run per row
(``ecomm.requests.check_imported_requests``). Target at 100x: well under 2 s (it is part of
the whole import; the ~50 ms a row of one-by-one loading would be ~6 minutes)."""
from __future__ import annotations

from benchmarks.conftest import label
from ecomm.requests import check_imported_requests


def test_bench_import_request_rule_check(benchmark, demo_store, scale):
    label(benchmark, "requests.csv rule check (P1-P14, C4/C5 kinds), every demo request",
          scale, target_s=2.0)
    ids = [r[0] for r in demo_store.query("SELECT request_id FROM requests ORDER BY request_id")]
    lines = {rid: i + 2 for i, rid in enumerate(ids)}

    def check():
        with demo_store.cursor() as cur:
            return check_imported_requests(cur, lines)

    problems = benchmark.pedantic(check, rounds=3, iterations=1, warmup_rounds=1)
    assert problems == [], problems[:5]
    assert len(ids) > (5_000 if scale == "100x" else 50)
