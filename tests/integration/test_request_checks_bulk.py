"""The loaders of storage.contacts give for many contacts or licenses at once (the requests.csv
rule check, the batch: one list parameter joined in) what they give for one (the form: a
constant IN list answered from the indexes): the import judges with the same ContactFacts and
licenses as the form would (P1-P5, P7, P10, P13)."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm.demo import load_demo
from ecomm.storage import Store, contacts

LICENSES = 200


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("bulk") / "ecomm.duckdb")
    load_demo(store, as_of=date(2026, 11, 23), licenses=LICENSES)
    yield store
    store.close()


def _norm(value):
    """A model as plain data with lists in a fixed order (rows with equal dates may come back
    from either loader in any order)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_norm(v) for v in value), key=repr)
    return value


def _sample_contacts(store) -> list[str]:
    """Requesters, license holders and contacts that have a duplicate (P13)."""
    return [r[0] for r in store.query(
        "SELECT contact_id FROM (SELECT contact_id FROM requests UNION "
        "SELECT contact_id FROM licenses UNION SELECT c.contact_id FROM contacts c JOIN contacts o "
        "ON o.employee_id = c.employee_id AND o.contact_id <> c.contact_id UNION "
        "SELECT c.contact_id FROM contacts c JOIN contacts o ON lower(o.last_name) = "
        "lower(c.last_name) AND lower(o.first_name) = lower(c.first_name) "
        "AND o.contact_id <> c.contact_id) ORDER BY 1")]


def test_p1_p5_p13_bulk_contact_facts_equal_the_forms_loader(demo):
    ids = _sample_contacts(demo)
    with demo.cursor() as cur:
        loaded = contacts.contact_facts(cur, ids + ["NO-SUCH-CONTACT"])
    assert "NO-SUCH-CONTACT" not in loaded and len(loaded) == len(ids)
    assert any(f.duplicates for f in loaded.values())          # P13 is exercised
    for cid in ids:
        assert _norm(loaded[cid]) == _norm(contacts.load_contact_facts(demo, cid)), cid


def test_p13_duplicates_can_be_added_later_to_the_same_facts(demo):
    ids = _sample_contacts(demo)
    with demo.cursor() as cur:
        bare = contacts.contact_facts(cur, ids, with_duplicates=False)
        assert all(not f.duplicates for f in bare.values())
        assert contacts.add_duplicates(cur, bare) == contacts.contact_facts(cur, ids)


def test_p7_p10_bulk_licenses_equal_the_forms_loader(demo):
    numbers = [r[0] for r in demo.query("SELECT license_number FROM licenses ORDER BY 1")]
    with demo.cursor() as cur:
        loaded = contacts.licenses_by_number(cur, numbers)
        bare = contacts.licenses_by_number(cur, numbers[:5], holders=numbers[:2])
    assert any(lic.pending_deprovision for lic in loaded.values())
    for n in numbers:
        assert _norm(loaded[n]) == _norm(contacts.load_license(demo, n)), n
    assert [lic.contact_name != "" for lic in bare.values()] == [True, True, False, False, False]
