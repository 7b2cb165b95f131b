"""Storage: schema, numbered migrations, the write path."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from ecomm.errors import DatabaseBusy
from ecomm.storage import Store, resolve_db_path
from ecomm.storage.migrations import LATEST_VERSION, MIGRATIONS


def test_new_database_is_at_latest_version(store):
    assert store.schema_version() == LATEST_VERSION
    tables = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")}
    for t in ("contacts", "employments", "campaign_members", "course_completions", "licenses",
              "license_apps", "requests", "request_status_history", "batches", "rates",
              "baselines", "invoices", "invoice_lines", "invoice_events", "reference_values",
              "app_users", "settings", "extra_holidays", "evidence_files", "audit_log", "cycles"):
        assert t in tables, t


def test_old_version_file_is_upgraded_on_open(db_path):
    old = Store(db_path, migrate=False)
    old.migrate(target=1)
    assert old.schema_version() == 1
    assert old.query_value("SELECT count(*) FROM settings") == 0
    old.close()

    upgraded = Store(db_path)
    assert upgraded.schema_version() == LATEST_VERSION
    # migration 2 seeded every Policy value
    assert upgraded.query_value("SELECT value FROM settings WHERE key = 'course_valid_days_pci'") == "365"
    versions = [r[0] for r in upgraded.query("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [m[0] for m in MIGRATIONS]
    upgraded.close()


def test_reopening_applies_nothing(db_path):
    Store(db_path).close()
    s = Store(db_path)
    assert s.migrate() == []
    s.close()


def test_write_is_all_or_nothing(store):
    def bad(cur):
        cur.execute("INSERT INTO extra_holidays VALUES (DATE '2026-12-24', 'Closure')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.write(bad)
    assert store.query_value("SELECT count(*) FROM extra_holidays") == 0


def test_db_path_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("ECOMM_DB", raising=False)
    assert str(resolve_db_path(None)) == "data/ecomm.duckdb"
    monkeypatch.setenv("ECOMM_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path(None) == tmp_path / "env.duckdb"
    assert str(resolve_db_path("x.duckdb")) == "x.duckdb"


def test_second_process_gets_a_clear_busy_message(db_path):
    s = Store(db_path)
    code = textwrap.dedent(f"""
        from ecomm.storage import Store
        from ecomm.errors import DatabaseBusy
        try:
            Store({str(db_path)!r})
        except DatabaseBusy as e:
            print("BUSY:", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    s.close()
    assert "BUSY:" in out.stdout, out.stderr
    assert "in use by another program" in out.stdout
    assert "--db" in out.stdout


def test_concurrency_writers_in_one_process_lose_nothing(store):
    import threading

    def add(i):
        store.write(lambda cur: cur.execute(
            "INSERT INTO extra_holidays VALUES (DATE '2030-01-01' + ?::INTEGER, ?)", [i, f"day {i}"]))

    threads = [threading.Thread(target=add, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.query_value("SELECT count(*) FROM extra_holidays") == 20
