"""One eligibility check (load a contact's facts + P1-P5, P13) at 1x and 100x: on the demo
data set (2,500 / 250,000 contacts) and on the synthetic contact base of
tests/integration/contacts_synthetic.py (the same sizes). Target at 100x: under 20 ms.
(Replaces the timed test of tests/integration/test_contacts_storage.py.)"""
from __future__ import annotations

import itertools

import pytest

from benchmarks.conftest import label
from ecomm.rules import check_contact
from ecomm.storage import Store
from ecomm.storage.contacts import load_contact_facts, search_contacts
from ecomm.storage.settings import load_policy
from tests.integration.contacts_synthetic import seed_contacts

CONTACTS = {"1x": 2_500, "100x": 250_000}


@pytest.fixture(scope="session")
def synthetic_store(scale, tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("bench") / "contacts.duckdb")
    s.write(lambda cur: seed_contacts(cur, CONTACTS[scale]))
    yield s
    s.close()


def test_bench_check_contact_demo(benchmark, demo, demo_store, scale):
    label(benchmark, "Eligibility check (facts + P1-P5, P13), demo data", scale, target_s=0.020)
    policy = load_policy(demo_store)
    rows = demo_store.query("SELECT l.contact_id, l.affiliated_campus FROM licenses l "
                            "ORDER BY l.license_number")
    picks = itertools.cycle(rows[(i * 7919) % len(rows)] for i in range(1000))

    def one():
        cid, campus = next(picks)
        return check_contact(load_contact_facts(demo_store, cid), campus, demo.as_of, policy)

    result = benchmark(one)
    assert result.results


def test_bench_check_contact_synthetic(benchmark, synthetic_store, scale):
    n = CONTACTS[scale]
    label(benchmark, "Eligibility check, synthetic contact base", scale, target_s=0.020)
    policy = load_policy(synthetic_store)
    from datetime import date
    ids = itertools.cycle(f"C{(i * 7919) % n}" for i in range(1000))

    def one():
        return check_contact(load_contact_facts(synthetic_store, next(ids)), "Boulder",
                             date(2026, 11, 23), policy)

    result = benchmark(one)
    assert result.results


def test_bench_search_contacts(benchmark, synthetic_store, scale):
    label(benchmark, "Contact search (name words, campus), synthetic contact base", scale)
    rows = benchmark(search_contacts, synthetic_store, "last123 first", campus="Boulder")
    assert rows
