"""The Store: owns the DuckDB file, its connection, its migrations and the single write path.

All SQL in the product lives in ``ecomm.storage``. Reads go through ``query*`` (results are
fetched completely); writes go through ``write(fn)``, which runs ``fn(cur)`` in an explicit
transaction, serialised inside the process and retried on DuckDB's "Transaction conflict".
"""
from __future__ import annotations

import os
import re
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import duckdb

from ecomm.errors import DatabaseBusy, EcommError
from ecomm.storage.migrations import LATEST_VERSION, MIGRATIONS

T = TypeVar("T")

DEFAULT_DB = Path("data") / "ecomm.duckdb"
ENV_VAR = "ECOMM_DB"


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """``--db`` if given, else the ECOMM_DB environment variable, else data/ecomm.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return DEFAULT_DB


def _busy_message(path: Path, exc: Exception) -> str:
    pid = re.search(r"PID (\d+)", str(exc))
    who = f" (process {pid.group(1)})" if pid else ""
    return (
        f"The database {path} is in use by another program{who}, most likely the running app. "
        "DuckDB lets only one program open a database file for writing. Stop the app "
        "(Ctrl+C in its terminal) and try again, or point this command at a copy with --db."
    )


class Store:
    """One DuckDB database file: connection, schema version, reads and the write path."""

    MAX_RETRIES = 8

    def __init__(self, path: str | os.PathLike, *, migrate: bool = True):
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseBusy(_busy_message(self.path, exc)) from exc
            raise EcommError(f"Cannot open the database {self.path}: {exc}") from exc
        self._write_lock = threading.RLock()
        self._con.execute("SET TimeZone = 'UTC'")
        if migrate:
            self.migrate()
            self.use_practice_clock()

    def use_practice_clock(self) -> None:
        """A demo database made ``--as-of DATE`` keeps DATE as today (ecomm.practice): the
        process's clock takes the practice date of the database it opened, or none."""
        from ecomm import clock
        from ecomm.storage.facts import PRACTICE_DATE, get_fact

        text = get_fact(self, PRACTICE_DATE)
        clock.set_practice_date(date.fromisoformat(text) if text else None)

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor (its own connection to the same database) for the calling thread."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    # -- reads -----------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] | dict | None = None) -> tuple | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def query_value(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        row = self.query_one(sql, params)
        return row[0] if row else None

    def query_dicts(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
        with self.cursor() as cur:
            res = cur.execute(sql, params or [])
            cols = [d[0] for d in res.description]
            return [dict(zip(cols, r)) for r in res.fetchall()]

    def query_df(self, sql: str, params: Sequence[Any] | dict | None = None):
        """A pandas DataFrame, fetched completely."""
        with self.cursor() as cur:
            return cur.execute(sql, params or []).df()

    # -- the write path --------------------------------------------------------------
    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cur)`` in one transaction; all of it lands or none of it does.

        Writers in this process are serialised; a DuckDB "Transaction conflict" (another
        process or connection wrote the same rows) is retried with a short back-off.
        """
        attempt = 0
        while True:
            attempt += 1
            with self._write_lock, self.cursor() as cur:
                cur.execute("BEGIN TRANSACTION")
                try:
                    result = fn(cur)
                    _test_pause("before_commit")
                    cur.execute("COMMIT")
                    return result
                except BaseException as exc:
                    try:
                        cur.execute("ROLLBACK")
                    except duckdb.Error:
                        pass
                    if _is_conflict(exc) and attempt < self.MAX_RETRIES:
                        pass  # retry below, outside the lock
                    else:
                        raise
            time.sleep(0.01 * attempt)

    # -- schema ----------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.query_value(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        )
        if not exists:
            return 0
        return int(self.query_value("SELECT coalesce(max(version), 0) FROM schema_version"))

    def migrate(self, target: int | None = None) -> list[int]:
        """Bring the schema up to ``target`` (default: latest); returns versions applied."""
        target = LATEST_VERSION if target is None else target
        applied: list[int] = []
        current = self.schema_version()
        if current > LATEST_VERSION:
            raise EcommError(
                f"The database {self.path} was made by a newer version of eComm Licenses "
                f"(schema {current}; this program knows up to {LATEST_VERSION}). Update the app."
            )
        for version, description, steps in MIGRATIONS:
            if version <= current or version > target:
                continue

            def run(cur, steps=steps, version=version, description=description):
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
                )
                for step in steps:
                    if callable(step):
                        step(cur)
                    else:
                        cur.execute(step)
                cur.execute(
                    "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)",
                    [version, description],
                )

            self.write(run)
            applied.append(version)
        return applied


PAUSE_ENV = "ECOMM_TEST_PAUSE_AT"


def _test_pause(point: str) -> None:
    """Crash-safety test hook (tests/integration/test_crash_safety.py), inert unless the
    ECOMM_TEST_PAUSE_AT environment variable names ``point``: then say so on stderr and sleep,
    holding the open transaction, so that the test can kill the process at that moment.
    The one point is "before_commit": every change of the transaction made, none committed."""
    if os.environ.get(PAUSE_ENV) != point:
        return
    import sys

    print(f"ECOMM_TEST_PAUSED {point}", file=sys.stderr, flush=True)
    time.sleep(float(os.environ.get("ECOMM_TEST_PAUSE_SECONDS", "60")))


def _is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open (creating and upgrading as needed) the database at ``resolve_db_path(path)``; in
    the app's server process, its own Store for that file (``ecomm.storage.served``)."""
    from ecomm.storage.served import Borrowed, served_store

    resolved = resolve_db_path(path)
    held = served_store(resolved) if resolved.exists() else None
    if held is not None:
        return Borrowed(held)
    return Store(resolved)
