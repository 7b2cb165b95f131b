"""AppTest fixtures: the real app.py on a tmp DuckDB file, signed in with the development
sign-in (``?as=EMAIL``). Each test gets its own database; the cached Store is released after."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ecomm.storage import Store
from tests.conftest import PINNED_TODAY

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TODAY = PINNED_TODAY  # 2026-11-23, a Monday; November's cutoff is Monday the 30th

SYSTEM = "sam.system@cu.edu"
MANAGER = "morgan.manager@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"
DENVER = "ecomm.denver@ucdenver.edu"
NEW_SPECIALIST = "new.specialist@colorado.edu"
RETIRED = "retired.specialist@uccs.edu"

USERS = [  # email, name, role, campus, quiz_passed_on, active
    (SYSTEM, "Sam Rivera", "system", None, None, True),
    (MANAGER, "Morgan Lee", "manager", None, None, True),
    (BOULDER, "Priya Natarajan", "specialist", "Boulder", date(2026, 3, 2), True),
    (DENVER, "Marcus Bell", "specialist", "Denver", date(2026, 4, 1), True),
    (NEW_SPECIALIST, "Casey Novak", "specialist", "Boulder", None, True),
    (RETIRED, "Old Timer", "specialist", "UCCS", date(2020, 1, 1), False),
]


def add_users(store: Store, rows) -> None:
    store.write(lambda cur: cur.executemany(
        "INSERT INTO app_users (email, name, role, campus, quiz_passed_on, active) "
        "VALUES (?, ?, ?, ?, ?, ?)", [list(r) for r in rows]))


@pytest.fixture
def app_store(tmp_path, monkeypatch, copy_empty_db):
    """A migrated tmp database with the test users, used by the app through ECOMM_DB."""
    path = copy_empty_db(tmp_path / "app.duckdb")
    monkeypatch.setenv("ECOMM_DB", str(path))   # today: the suite's pinned clock (TODAY)
    store = Store(path)
    add_users(store, USERS)
    yield store
    st.cache_resource.clear()  # releases (closes) the app's Store for this file
    st.cache_data.clear()
    store.close()


@pytest.fixture
def open_app(app_store):
    """open_app(email=None, page=None): run app.py signed in as ``email`` (dev sign-in)."""
    def make(email: str | None = None, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        if email:
            at.query_params["as"] = email
        at.run()
        assert not at.exception, at.exception
        if page:
            at.switch_page(page).run()
            assert not at.exception, at.exception
        return at
    return make


def page_paths(at: AppTest) -> list[str]:
    """The pages the navigation offers in this run, as paths relative to the project."""
    return sorted(str(Path(info["script_path"]).relative_to(ROOT))
                  for info in at._registered_pages.values() if info.get("script_path"))


def texts(at: AppTest) -> str:
    """All the text the main area and sidebar show (titles, markdown, alerts...), one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info",
                 "warning", "error", "code"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)
