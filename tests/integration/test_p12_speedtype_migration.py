"""P12 (rev 2): an existing database is upgraded by migration 13: missing campus billing
speedtypes are filled from each (billing) campus's default; what cannot be filled is listed
for the System team (audit log, and the Billing page's list)."""
from __future__ import annotations

import json

import pytest

from ecomm.billing import gates
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.storage import Store

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam", role="system")
BOULDER = Identity(email="b@colorado.edu", name="B", role="specialist", campus="Boulder")


def test_p12_migration_fills_missing_speedtypes_from_campus_defaults(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path, migrate=False) as old:
        old.migrate(target=6)
        old.write(lambda cur: cur.executemany(
            "INSERT INTO licenses (license_number, contact_id, affiliated_campus, billing_campus, "
            "campus_speedtype) VALUES (?, ?, ?, ?, ?)",
            [["LN-0001", "C1", "Boulder", None, None],          # Boulder's default
             ["LN-0002", "C2", "Boulder", "Denver", " "],       # billed to Denver: Denver's
             ["LN-0003", "C3", "UCCS", None, None],             # UCCS has no default
             ["LN-0004", "C4", "Boulder", None, "61000342"]]))  # kept
        old.write(lambda cur: cur.executemany(
            "INSERT INTO reference_values (kind, campus, value, active) VALUES (?, ?, ?, TRUE)",
            [["campus_billing_speedtype", "Boulder", "Boulder - 11504317"],
             ["campus_billing_speedtype", "Denver", "Denver - 40100220"]]))
    with Store(path) as store:                                  # opening upgrades it
        got = dict(store.query("SELECT license_number, campus_speedtype FROM licenses"))
        assert got == {"LN-0001": "Boulder - 11504317", "LN-0002": "Denver - 40100220",
                       "LN-0003": None, "LN-0004": "61000342"}
        detail = json.loads(store.query_value(
            "SELECT detail FROM audit_log WHERE action = 'p12_speedtypes_missing'"))
        assert detail == {"rule": "P12", "licenses_without_campus_speedtype": ["LN-0003"]}
        assert [r["license_number"] for r in gates.licenses_missing_speedtype(store, SYSTEM)] \
            == ["LN-0003"]
        with pytest.raises(AccessDenied):
            gates.licenses_missing_speedtype(store, BOULDER)
