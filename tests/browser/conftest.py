"""Browser tests: Debian's chromium (headless, via playwright) against a real `streamlit run
app.py` on a free port and a tmp database. Without chromium they skip, except in CI (CI set),
where they fail. Never sleep: wait for the app with ``wait_idle(page)``."""
from __future__ import annotations

import os
import shutil
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from ecomm.storage import Store
from tests.conftest import PINNED_TODAY
from tools import appserver

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT_MS = 30_000

try:  # expect() assertions wait as long as actions do: playwright's own 5 s default is too
    from playwright.sync_api import expect  # short for a rerun on a loaded 2-core machine

    expect.set_options(timeout=WAIT_MS)
except ImportError:  # without playwright the browser tests skip (see chromium_path)
    pass

DEMO_LICENSES = 150
FALLBACK_USERS = [  # email, name, role, campus, quiz_passed_on (if ecomm.demo is absent)
    ("sam.system@cu.edu", "Sam Rivera", "system", None, None),
    ("morgan.manager@cu.edu", "Morgan Lee", "manager", None, None),
    ("ecomm.boulder@colorado.edu", "Priya Natarajan", "specialist", "Boulder", date(2026, 1, 5)),
    ("ecomm.denver@ucdenver.edu", "Marcus Bell", "specialist", "Denver", date(2026, 1, 5)),
    ("new.specialist@colorado.edu", "Casey Novak", "specialist", "Boulder", None),
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; skip without it, except in CI where the browser tests must run."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed, and CI must run the browser tests "
                    "(.ci/run installs Debian's chromium).")
    pytest.skip("chromium is not installed (apt-get install chromium): browser tests skipped")


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory) -> Path:
    """A tmp database with a small demo data set (ecomm.demo), or at least the demo's users."""
    path = tmp_path_factory.mktemp("browser") / "ecomm.duckdb"
    with Store(path) as store:
        try:
            from ecomm.demo import load_demo
        except ImportError:
            store.write(lambda cur: cur.executemany(
                "INSERT INTO app_users (email, name, role, campus, quiz_passed_on, active) "
                "VALUES (?, ?, ?, ?, ?, TRUE)", [list(u) for u in FALLBACK_USERS]))
        else:
            load_demo(store, as_of=PINNED_TODAY, licenses=DEMO_LICENSES)
    return path


@contextmanager
def served(db: Path, workdir: Path, **options) -> Iterator[str]:
    """`streamlit run app.py` on a free port against ``db`` (tools/appserver.py, the one way
    the tests, benchmarks and screenshots start the app); yields its URL. The server inherits
    the suite's pinned clock (ECOMM_NOW, tests/conftest.py); ``options`` go to
    ``appserver.serve`` (``port``, ``secrets``)."""
    with ExitStack() as stack:
        try:
            app = stack.enter_context(appserver.serve(db, workdir, **options))
        except RuntimeError as exc:  # the server did not start: its log says why
            pytest.fail(str(exc))
        yield app.url


@pytest.fixture(scope="session")
def app_url(chromium_path, browser_db, tmp_path_factory):
    """The app on a free port against the session's tmp demo database; yields its URL."""
    with served(browser_db, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    pg = context.new_page()
    yield pg
    context.close()


def wait_idle(page, timeout: int = WAIT_MS) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout)


def open_as(page, base_url: str, email: str, path: str = "") -> None:
    """Open the app (optionally a page's URL path) signed in as ``email`` (dev sign-in)."""
    page.goto(f"{base_url}/{path}?as={quote(email)}")
    wait_idle(page)


def nav_titles(page) -> list[str]:
    """The page titles the sidebar navigation lists (none when there is only one page)."""
    links = page.locator("[data-testid='stSidebarNav'] [data-testid='stSidebarNavLink']")
    # a link's text is its material icon's name, then its title
    return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts()]
