"""Speed of one eligibility check (load a contact's facts + P1-P5, P13) at 250,000 contacts.
Target: under 20 ms. Run with `make bench` (pytest-benchmark) on a quiet machine."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from ecomm.rules import check_contact
from ecomm.storage import Store
from ecomm.storage.contacts import load_contact_facts, search_contacts
from ecomm.storage.settings import load_policy
from tests.integration.contacts_synthetic import seed_contacts

N = 250_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("bench") / "ecomm.duckdb")
    s.write(lambda cur: seed_contacts(cur, N))
    yield s
    s.close()


def test_bench_check_contact_at_250k(benchmark, big_store):
    policy = load_policy(big_store)
    ids = itertools.cycle(f"C{(i * 7919) % N}" for i in range(1000))

    def one():
        return check_contact(load_contact_facts(big_store, next(ids)), "Boulder",
                             date(2026, 11, 23), policy)

    result = benchmark(one)
    assert result.results
    if benchmark.enabled:
        assert benchmark.stats.stats.median < 0.020


def test_bench_search_contacts_at_250k(benchmark, big_store):
    rows = benchmark(search_contacts, big_store, "last123 first", campus="Boulder")
    assert rows
