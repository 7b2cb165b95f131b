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

THE DATABASE. ``store`` is a real DuckDB file in the test's tmp_path. Migrating an empty file
costs about 0.3 s of CPU, a copy of an already migrated one a sixth of that: the session (each
pytest-xdist worker) migrates one empty template (``empty_db_template``) and every test gets
its own copy of it (``copy_empty_db``).
"""
from __future__ import annotations

import os
import shutil
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


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``make check``/``make test`` run on pytest-xdist workers with ``--dist loadscope``: each
    test module runs on one worker (a module-scoped fixture, most often a demo database, is
    built once), and all the browser journeys share one worker (one served demo app and one
    chromium, not one per worker). (xdist's own ``loadgroup`` cannot be used: with pytest 9 it
    no longer changes the node ids it groups by.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndBrowser(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/browser/"):
                return "tests/browser"
            return nodeid.split("::", 1)[0]

    return ModulesAndBrowser(config, log)


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


@pytest.fixture(scope="session")
def empty_db_template(tmp_path_factory) -> Path:
    """An empty database file at the latest schema, migrated once per session (per worker)."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def copy_empty_db(empty_db_template):
    """copy_empty_db(path): put a copy of the migrated empty database at ``path`` (which must
    not exist yet) and return it; a Store opened on it has nothing left to migrate."""
    def copy(path: Path) -> Path:
        path = Path(path)
        if path.exists():
            raise FileExistsError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(empty_db_template, path)
        return path
    return copy


_DEMO_TEMPLATES: dict[tuple, Path] = {}


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory):
    """demo_copy(path, as_of=..., licenses=..., play_out=...): put at ``path`` (which must not
    exist yet) a copy of the demo database built with those load_demo parameters, and return
    it. Each distinct demo is built once per session (per worker) into a template file; every
    caller gets its own real DuckDB file, so a test may write to its copy."""
    def copy(path: Path, **params) -> Path:
        from ecomm.demo import load_demo
        key = tuple(sorted(params.items()))
        if key not in _DEMO_TEMPLATES:
            template = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
            with Store(template) as s:
                load_demo(s, **params)
            _DEMO_TEMPLATES[key] = template
        path = Path(path)
        if path.exists():
            raise FileExistsError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_DEMO_TEMPLATES[key], path)
        return path
    return copy


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ecomm.duckdb"


@pytest.fixture
def store(db_path, copy_empty_db):
    s = Store(db_path if db_path.exists() else copy_empty_db(db_path))
    yield s
    s.close()
