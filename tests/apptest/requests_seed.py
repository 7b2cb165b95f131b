"""Seed data for the AppTests of the request pages (issue 3): contacts, licenses, reference
values and FY2027 rates written with plain SQL into the AppTest's tmp database, and a fixed
'now' (Monday 2026-11-23, 08:00 in Denver: cutoff 2026-11-30, batch of December)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import admin, clock
from ecomm import reference as ref
from tests.apptest.conftest import TODAY
from tests.integration.requests_fixtures import PNG, add_contact, add_license

NOW = datetime(2026, 11, 23, 15, 0)
assert clock.denver_date(NOW) == TODAY
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 8
NOT_AN_IMAGE = b"MZ\x90\x00 this is not a picture"

REFERENCE = [  # kind, campus, value, label
    ("business_unit", "Boulder", "CUB Advancement", None),
    ("business_unit", "Boulder", "CUB Arts and Sciences", None),
    ("public_group", "Boulder", "01 Adv Boulder", None),
    ("public_group", "Boulder", "01 Arts Communications", None),
    ("speedtype", "Boulder", "11504317", "Boulder campus eComm billing"),
    ("speedtype", "Boulder", "11520844", "Arts and Sciences communications"),
    ("speedtype", "Boulder", "11531092", "Leeds marketing"),
    ("business_unit", "Denver", "CUD Advancement", None),
    ("public_group", "Denver", "03 Adv Denver", None),
    ("speedtype", "Denver", "40100220", "Denver campus eComm billing"),
]
RATES_FY2027 = {ref.SALESFORCE: "30.00", ref.MARKETING_CLOUD: "20.00", ref.CVENT: "15.00",
                ref.APSONA: "0.00", ref.GEOPOINTE: "0.00"}


def seed_requests(store) -> None:
    """Rates, reference values and five contacts: C-ELIG (ready at Boulder), C-BAD (P1, P4,
    P5 fail), C-USER (LN-0776: Salesforce, Marketing Cloud, Cvent), C-GONE (LN-0900,
    deprovisioned: replaceable), C-DEN (Denver, LN-0100)."""
    def fn(cur):
        for app, rate in RATES_FY2027.items():
            cur.execute("INSERT INTO rates VALUES (2027, ?, ?, FALSE)", [app, rate])
        cur.executemany("INSERT INTO reference_values (kind, campus, value, label, active) "
                        "VALUES (?, ?, ?, ?, TRUE)", [list(r) for r in REFERENCE])
    store.write(fn)
    add_contact(store, "C-ELIG", "Ready", "Rita", employee_id="111",
                ucb="rita.ready@colorado.edu")
    add_contact(store, "C-BAD", "Notyet", "Ned", employee_id="222", ucb=None, agreement=False,
                courses_on=date(2023, 1, 10))
    add_contact(store, "C-USER", "Holder", "Hana", employee_id="333", ucb="hana@colorado.edu")
    add_license(store, "LN-0776", "C-USER", "Boulder",
                [ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT])
    add_contact(store, "C-GONE", "Left", "Lee", employee_id="444", ucb="lee@colorado.edu",
                employment=None)
    add_license(store, "LN-0900", "C-GONE", "Boulder", [ref.SALESFORCE],
                deprovisioned_on=date(2026, 10, 31))
    add_contact(store, "C-DEN", "Mile", "Dana", employee_id="555", ucd="dana@ucdenver.edu",
                employment="Denver")
    add_license(store, "LN-0100", "C-DEN", "Denver", [ref.SALESFORCE, ref.CVENT],
                units=("CUD Advancement",), groups=("03 Adv Denver",))


def who(store, email: str):
    """The app user with this email, as the services take them."""
    return admin.find_identity(store, email)


@pytest.fixture
def seeded(app_store, monkeypatch):
    """The AppTest database with the request seed, and 'now' fixed at NOW."""
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    seed_requests(app_store)
    return app_store


def count(store, table: str, where: str = "TRUE", params=None) -> int:
    assert table.isidentifier()
    return store.query_value(f"SELECT count(*) FROM {table} WHERE {where}", params or [])


__all__ = ["JPEG", "NOT_AN_IMAGE", "NOW", "PNG", "count", "seed_requests", "seeded", "who"]
