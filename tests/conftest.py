"""Shared fixtures: one clock for every test, and a real DuckDB file in tmp_path for every test
that needs storage.

THE CLOCK. No test reads the wall clock. The autouse fixture ``pinned_now`` sets ECOMM_NOW
(which ``ecomm.clock`` honours, and which every process a test starts inherits: the CLI, the
served ``streamlit run``) to ``PINNED_NOW``, America/Denver time, for every test. To pin another
moment:

- one test or module: ``@pytest.mark.pinned_now("2027-01-04T08:00:00")`` (or
  ``pytestmark = pytest.mark.pinned_now(...)``); a date alone means 10:00 that day;
- inside a test: ``monkeypatch.setenv("ECOMM_NOW", "...")`` again (the clock reads it per call);
- session- and module-scoped fixtures run before the autouse fixture: for them the pin is set
  in os.environ when pytest starts (``pytest_configure``), so they, and the processes they
  start, see ``PINNED_NOW`` too; they should name ``PINNED_TODAY`` when they need the date.

A practice date that a demo database set (``ecomm.clock.set_practice_date``) is cleared after
every test, so it never leaks into the next one.
"""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ecomm import clock  # noqa: E402
from ecomm.storage import Store  # noqa: E402

PINNED_NOW = "2026-11-23T10:00:00"
"""The suite's "now" (Denver): a Monday, a week before November's cutoff (Monday the 30th)."""
PINNED_TODAY = date.fromisoformat(PINNED_NOW[:10])


def pytest_configure(config) -> None:
    """Pin the clock for the whole process before any fixture runs (whatever the shell's
    ECOMM_NOW says: the suite's dates are worked out from PINNED_NOW)."""
    os.environ[clock.PIN_ENV] = PINNED_NOW


@pytest.fixture(autouse=True)
def pinned_now(request, monkeypatch) -> str:
    """Every test runs with ECOMM_NOW pinned (PINNED_NOW, or the test's ``pinned_now`` marker);
    returns the pinned text."""
    marker = request.node.get_closest_marker("pinned_now")
    now = str(marker.args[0]) if marker else PINNED_NOW
    monkeypatch.setenv(clock.PIN_ENV, now)
    clock.set_practice_date(None)
    yield now
    clock.set_practice_date(None)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ecomm.duckdb"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()
