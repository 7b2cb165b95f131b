"""The Q1-Q3 compliance lists at 1x and 100x: on the demo data set, and on the synthetic
seed of tests/integration/test_compliance_lists.py (1,500 / 150,000 licenses with a realistic
share flagged). (Replaces the timed test of tests/integration/test_compliance_lists.py.)

Each list is measured as the Compliance page makes it: the SQL frame and the table shown and
downloaded (``ecomm.compliance_frames``), with no row objects (those are made only for the
messages, ``ecomm.notifications.compliance``)."""
from __future__ import annotations

from datetime import date

import pytest

from benchmarks.conftest import LICENSES, label
from ecomm import compliance_frames as cf
from ecomm.policy import Policy
from ecomm.storage import Store
from ecomm.storage import compliance as sc
from tests.integration.test_compliance_lists import seed_large

AS_OF = date(2027, 2, 3)


def _table(frame, table):
    return lambda store, as_of, policy: table(frame(store, as_of, policy))


LISTS = {"q1_quiz": (_table(sc.quiz_frame, cf.quiz_table), "Q1 quiz list"),
         "q2_idle": (_table(sc.idle_frame, cf.idle_table), "Q2 idle list"),
         "q3_courses": (_table(sc.course_frame, cf.course_table), "Q3 course list")}


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
    table = benchmark(fn, synthetic_store, AS_OF, Policy())
    assert len(table)


@pytest.mark.parametrize("which", list(LISTS))
def test_bench_compliance_list_demo(benchmark, demo, demo_store, scale, which):
    fn, name = LISTS[which]
    label(benchmark, f"{name}, demo data", scale)
    table = benchmark(fn, demo_store, demo.as_of, Policy())
    assert list(table.columns) == {"q1_quiz": cf.QUIZ_COLUMNS, "q2_idle": cf.IDLE_COLUMNS,
                                   "q3_courses": cf.COURSE_COLUMNS}[which]
