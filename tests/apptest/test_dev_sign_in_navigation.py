"""Issue 18: the development sign-in (``?as=EMAIL`` or the sidebar picker) is kept across
in-app navigation. A sidebar click drops the URL's query: the person stays signed in from the
session and goes back into the URL (``as=``), so a reload or a new session keeps them too."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ecomm import ui
from tests.apptest.conftest import APP, BOULDER, SYSTEM, page_paths, texts

WALK = ["app_pages/dashboard.py", "app_pages/requests.py", "app_pages/compliance.py",
        "app_pages/audit.py", "app_pages/check.py", "app_pages/home.py",
        "app_pages/compliance.py", "app_pages/requests.py"]


def signed_in_as(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption if c.value.startswith("Signed in as"))


def navigate(at: AppTest, page: str) -> AppTest:
    """A sidebar click: another page, the URL's query dropped."""
    for name in list(at.query_params):
        del at.query_params[name]
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_dev_sign_in_is_kept_across_sidebar_navigation(open_app):
    at = open_app(SYSTEM)
    assert "Sam Rivera" in signed_in_as(at)
    for page in WALK:
        navigate(at, page)
        assert "Sam Rivera" in signed_in_as(at), page
        assert at.query_params["as"] == SYSTEM, page       # back in the URL
        assert page in page_paths(at)
    # a new session on the URL the app left (a reload, a lost connection) is signed in too
    fresh = AppTest.from_file(APP, default_timeout=30)
    fresh.query_params["as"] = at.query_params["as"]
    fresh.run()
    assert "Sam Rivera" in signed_in_as(fresh)


def test_dev_sign_in_picked_in_the_sidebar_is_kept_across_navigation(open_app):
    at = open_app()
    at.sidebar.selectbox(key=ui.DEV_PICKER_KEY).set_value(BOULDER).run()
    assert "Welcome, Priya Natarajan" in texts(at)
    for page in WALK[:4]:
        navigate(at, page)
        assert "Priya Natarajan" in signed_in_as(at), page
        assert at.query_params["as"] == BOULDER


def test_an_empty_pick_does_not_sign_out_the_sign_out_button_does(open_app):
    at = open_app(BOULDER)
    navigate(at, "app_pages/requests.py")
    # the picker sends no one (a stale widget state on a click during a rerun)
    at.sidebar.selectbox(key=ui.DEV_PICKER_KEY).set_value(None).run()
    assert "Priya Natarajan" in signed_in_as(at)
    at.sidebar.button(key="dev_sign_out").click().run()
    assert not signed_in_as(at) and "as" not in at.query_params
    assert page_paths(at) == ["app_pages/no_access.py"]
