"""The Q1-Q3 compliance lists at 1x and 100x: on the demo data set, and on the synthetic
seed of tests/integration/test_compliance_lists.py (1,500 / 150,000 licenses with a realistic
share flagged). (Replaces the timed test of tests/integration/test_compliance_lists.py.)"""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.conftest import LICENSES, label
from ecomm.policy import Policy
from ecomm.storage import Store
from ecomm.storage import compliance as sc
from tests.integration.test_compliance_lists import seed_large

AS_OF = date(2027, 2, 3)
LISTS = {"q1_quiz": (sc.quiz_list, "Q1 quiz list"), "q2_idle": (sc.idle_list, "Q2 idle list"),
         "q3_courses": (sc.course_list, "Q3 course list")}


@pytest.fixture(scope="session")
def synthetic_store(scale, tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("bench") / "compliance.duckdb")
    seed_large(s, LICENSES[scale], AS_OF)
    yield s
    s.close()


@pytest.mark.parametrize("which", list(LISTS))
def test_bench_compliance_list_synthetic(benchmark, synthetic_store, scale, which):
    fn, name = LISTS[which]
    label(benchmark, f"{name}, synthetic seed", scale)
    rows = benchmark(fn, synthetic_store, AS_OF, Policy())
    assert rows


@pytest.mark.parametrize("which", list(LISTS))
def test_bench_compliance_list_demo(benchmark, demo, demo_store, scale, which):
    fn, name = LISTS[which]
    label(benchmark, f"{name}, demo data", scale)
    rows = benchmark(fn, demo_store, demo.as_of, Policy())
    assert isinstance(rows, list)
