"""Crash safety: a real `python -m ecomm` process killed (SIGKILL) in the middle of an import, a
batch or an invoice run leaves the database exactly as it was before (every table's row count
and checksum), and the next start opens, migrates nothing and can do the work again.

The moment of the kill comes from the test hook in ``ecomm/storage/db.py``:
ECOMM_TEST_PAUSE_AT=before_commit makes the process say "ECOMM_TEST_PAUSED" on stderr and sleep
after its transaction has made every change and before COMMIT, the worst moment to die."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from ecomm import clock
from ecomm.batch import service as batch_service
from ecomm.demo import load_demo, write_demo
from ecomm.storage import Store
from ecomm.storage.migrations import LATEST_VERSION

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def table_state(path: Path) -> dict[str, tuple[int, int]]:
    """(row count, checksum of every row) per table of the database file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY 1").fetchall()]
        return {t: tuple(con.execute(
            f'SELECT count(*), coalesce(sum(hash(t)), 0) FROM "{t}" AS t').fetchone())
            for t in tables}
    finally:
        con.close()


def run_cli(args: list[str], db: Path, *, pause: bool, timeout: float = 120):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ECOMM_TEST_PAUSE_AT", None)
    if pause:
        env["ECOMM_TEST_PAUSE_AT"] = "before_commit"
    cmd = [sys.executable, "-m", "ecomm", *args, "--db", str(db)]
    if not pause:
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in proc.stderr:  # progress lines, then the hook's line
            seen.append(line)
            if line.startswith("ECOMM_TEST_PAUSED"):
                break
        else:
            raise AssertionError(f"{args[0]} ended (exit {proc.wait()}) without reaching the "
                                 "commit:\n" + "".join(seen))
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    return proc


def assert_killed_run_left_nothing(args: list[str], db: Path) -> dict:
    before = table_state(db)
    run_cli(args, db, pause=True)
    assert table_state(db) == before, "the killed process left changes behind"
    # The next start is clean: it opens the file, has nothing to migrate, and works.
    with Store(db) as store:
        assert store.migrate() == []
        assert store.schema_version() == LATEST_VERSION
    assert table_state(db) == before
    again = run_cli(args, db, pause=False)
    assert again.returncode == 0, again.stdout + again.stderr
    after = table_state(db)
    assert after != before, "the command changes nothing: the kill proved nothing"
    return after


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """A demo database as of five weeks ago, so that a batch is due today (real clock: the
    CLI asks it)."""
    path = tmp_path_factory.mktemp("crash") / "template.duckdb"
    with Store(path) as store:
        load_demo(store, as_of=clock.today_denver() - timedelta(days=35), licenses=400)
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    path = tmp_path / "ecomm.duckdb"
    shutil.copy(demo_template, path)
    return path


def test_an_import_killed_before_commit_leaves_the_database_as_it_was(tmp_path):
    folder = write_demo(tmp_path / "folder", as_of=clock.today_denver(), licenses=3000)
    db = tmp_path / "ecomm.duckdb"
    Store(db).close()
    after = assert_killed_run_left_nothing(["import", str(folder)], db)
    assert after["licenses"][0] == 3000


def test_c6_a_batch_killed_before_commit_leaves_the_database_as_it_was(demo_db):
    with Store(demo_db) as store:
        cycle = batch_service.due_cycle(store, clock.today_denver())
        assert store.query_value("SELECT count(*) FROM requests WHERE cycle = ? AND "
                                 "status = 'pending'", [cycle]) > 0
    # Since issue 13 the demo has processed its past cycles' batches: the run adds one.
    batches_before = table_state(demo_db)["batches"][0]
    after = assert_killed_run_left_nothing(
        ["batch", cycle, "--on", clock.today_denver().isoformat()], demo_db)
    assert after["batches"][0] == batches_before + 1


def test_b8_an_invoice_run_killed_before_commit_leaves_the_database_as_it_was(demo_db):
    today = clock.today_denver()
    fy = today.year + 1 if today.month >= 7 else today.year
    after = assert_killed_run_left_nothing(
        ["invoice", "annual", "--fy", str(fy), "--on", f"{fy - 1}-07-20"], demo_db)
    assert after["invoices"][0] > 0
