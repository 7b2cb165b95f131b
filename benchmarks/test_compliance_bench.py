"""Speed of the Q1-Q3 compliance lists at 150,000 licenses (realistic share flagged: about 3,000
not senders, 14,000 idle applications, 33,000 course rows). Targets: Q1 and Q2 under 1 s, Q3
(which reads every completion) under 2 s; on a busy 2-core machine (load 8) medians were
0.27 s, 0.94 s and 4.7 s. Run with `make bench` (pytest-benchmark) on a quiet machine."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm.policy import Policy
from ecomm.storage import Store
from ecomm.storage import compliance as sc
from tests.integration.test_compliance_lists import seed_large

AS_OF = date(2027, 2, 3)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("bench") / "ecomm.duckdb")
    seed_large(s, 150_000, AS_OF)
    yield s
    s.close()


@pytest.mark.parametrize("fn, target", [(sc.quiz_list, 1.0), (sc.idle_list, 1.0),
                                        (sc.course_list, 2.0)], ids=["q1_quiz", "q2_idle", "q3_courses"])
def test_bench_compliance_list_at_150k(benchmark, big_store, fn, target):
    rows = benchmark(fn, big_store, AS_OF, Policy())
    assert rows
    if benchmark.enabled:
        assert benchmark.stats.stats.median < target
