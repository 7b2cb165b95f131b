"""The process's one Store for the pages, and a helpful page when the database is missing,
empty or busy."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecomm.errors import DatabaseBusy, EcommError
from ecomm.storage import Store, resolve_db_path
from ecomm.ui.messages import show_error
from ecomm.ui.registry import APP_TITLE


def db_path() -> Path:
    """ECOMM_DB, else data/ecomm.duckdb."""
    return resolve_db_path()


def db_missing(path: Path | None = None) -> bool:
    """True when the database file does not exist yet or is empty (not initialised)."""
    path = path or db_path()
    return not path.exists() or path.stat().st_size == 0


@st.cache_resource(show_spinner=False, on_release=lambda s: s.close())
def _open_store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """The process's one Store for the configured file: the one the server opened when it
    started (ecomm.storage.served), else opened here (raises DatabaseBusy if it is locked)."""
    from ecomm.storage.served import served_store

    path = db_path()
    held = served_store(path) if path.exists() else None
    return held if held is not None else _open_store(str(path))


def store_or_none() -> Store | None:
    """The Store, or None when the file is missing or busy (``render_store_problem`` says why)."""
    if db_missing():
        return None
    try:
        return get_store()
    except EcommError:
        return None


BUSY_FOR_WEB = (
    "eComm Licenses cannot open its data right now: it is in use by another program (for "
    "example an import or a backup the System team started). Try again in a few minutes by "
    "reloading this page; if this message stays, tell the CU System eComm team.")


def render_store_problem() -> None:
    """A helpful page instead of a crash when the database is missing, empty or busy."""
    path = db_path()
    st.title(APP_TITLE)
    if db_missing(path):
        st.warning(f"There is no eComm Licenses database at `{path}` yet.")
        st.markdown(
            "Create it from a terminal in the project folder, then reload this page:\n\n"
            "- `make run` creates a demo database and starts the app, or\n"
            f"- `python -m ecomm init --demo --db {path}` loads the demo data set, or\n"
            f"- `python -m ecomm init --db {path}` creates an empty one to import your own data.")
        return
    try:
        get_store()
    except DatabaseBusy:
        st.error(BUSY_FOR_WEB)
    except EcommError as exc:
        show_error(exc)
    else:
        st.info("The database is ready: reload the page.")
