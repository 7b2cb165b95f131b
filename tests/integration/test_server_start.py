"""The server's start (issue 14 item 10, issue 19): the database is opened when the server
starts, not at the first browser session; a schema upgrade is preceded by a copy of the file;
the info file the command line finds the app by is written, and removed when it stops."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from ecomm.server import lifespan
from ecomm.storage import Store
from ecomm.storage.migrations import LATEST_VERSION
from ecomm.storage.served import served_store


def _held_by_another_process(path) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])", str(path)],
        capture_output=True, text=True, timeout=120)
    return probe.returncode != 0 and "lock" in probe.stderr.lower()


def test_item10_the_server_holds_the_database_from_its_start(db_path, monkeypatch):
    Store(db_path).close()
    monkeypatch.setenv("ECOMM_DB", str(db_path))
    monkeypatch.setenv("ECOMM_JOBS", "off")
    services = lifespan.start()
    try:
        assert served_store(db_path) is services.store
        # before any browser session: a command on the file is refused (it will be sent to
        # the app instead), never writing beside the app
        assert _held_by_another_process(db_path)
        info = json.loads((db_path.parent / "ecomm.duckdb.app.json").read_text())
        assert info["pid"] == os.getpid() and info["url"].startswith("http://127.0.0.1:")
    finally:
        lifespan.stop(services)
    assert served_store() is None
    assert not (db_path.parent / "ecomm.duckdb.app.json").exists()
    assert not _held_by_another_process(db_path)


def test_migrations_run_on_start_after_a_backup_copy(db_path, monkeypatch):
    old = Store(db_path, migrate=False)
    old.migrate(target=LATEST_VERSION - 1)
    old.write(lambda cur: cur.execute(
        "INSERT INTO app_users (email, name, role, active) VALUES ('a@cu.edu', 'A', 'system', TRUE)"))
    old.close()
    monkeypatch.setenv("ECOMM_NOW", "2026-12-01T10:00")
    store = lifespan.open_for_serving(db_path)
    try:
        assert store.schema_version() == LATEST_VERSION
    finally:
        store.close()
    [copy] = (db_path.parent / "backups").glob(f"ecomm-before-upgrade-v{LATEST_VERSION - 1}-*.duckdb")
    with Store(copy, migrate=False) as before:  # the copy is the database as it was
        assert before.schema_version() == LATEST_VERSION - 1
        assert before.query_value("SELECT count(*) FROM app_users") == 1
    # up to date: no copy is made on the next start
    lifespan.open_for_serving(db_path).close()
    assert len(list((db_path.parent / "backups").iterdir())) == 1


def test_a_busy_database_at_start_leaves_the_pages_to_explain(db_path, monkeypatch):
    Store(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); sys.stdin.read()", str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("ECOMM_DB", str(db_path))
        assert lifespan.start() is None and served_store() is None
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
