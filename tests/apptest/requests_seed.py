"""Seed data for the AppTests of the request pages (issue 3): contacts, licenses, reference
values and FY2027 rates written with plain SQL into the AppTest's tmp database, and a fixed
'now' (Monday 2026-11-23, 08:00 in Denver: cutoff 2026-11-30, batch of December)."""
from __future__ import annotations

from datetime import datetime

import pytest

from ecomm import admin, clock
from ecomm import reference as ref
from tests.apptest.conftest import TODAY
from tests.integration.requests_fixtures import PNG, seed_people

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
    # P12 (rev 2): each campus's default campus billing speedtype
    ("campus_billing_speedtype", "Boulder", "11504317", None),
    ("campus_billing_speedtype", "Denver", "40100220", None),
]
RATES_FY2027 = {ref.SALESFORCE: "30.00", ref.MARKETING_CLOUD: "20.00", ref.CVENT: "15.00",
                ref.APSONA: "0.00", ref.GEOPOINTE: "0.00"}


def seed_requests(store) -> None:
    """Rates, reference values (with labels) and the five contacts of ``seed_people``."""
    def fn(cur):
        for app, rate in RATES_FY2027.items():
            cur.execute("INSERT INTO rates VALUES (2027, ?, ?, FALSE)", [app, rate])
        cur.executemany("INSERT INTO reference_values (kind, campus, value, label, active) "
                        "VALUES (?, ?, ?, ?, TRUE)", [list(r) for r in REFERENCE])
    store.write(fn)
    seed_people(store)


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
