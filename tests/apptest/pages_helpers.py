"""Helpers for the AppTests of the request pages: open a page (with query parameters) signed
in as someone, and walk the New request form screen by screen."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest.conftest import APP, texts

CHECK = "app_pages/check.py"
FORM = "app_pages/request_form.py"
REQUESTS = "app_pages/requests.py"
GROUPS = "app_pages/group_changes.py"
CONTACT = "app_pages/contact.py"
LICENSE = "app_pages/license.py"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    return at


def open_page(email: str, page: str, **params: str) -> AppTest:
    """app.py signed in as ``email``, switched to ``page`` with ``params`` in the URL."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["as"] = email
    at.query_params.update(params)
    ok(at.run())
    return ok(at.switch_page(page).run())


def start_request(email: str, search: str) -> AppTest:
    """Check a person: search, keep the one match, and press "Start a request"."""
    at = open_page(email, CHECK)
    ok(at.text_input(key="check_search").input(search).run())
    ok(at.button(key="check_start").click().run())
    assert "User Access Change Request for" in texts(at), texts(at)
    return stay(at, FORM)


def stay(at: AppTest, page: str) -> AppTest:
    """After the script switched pages itself (st.switch_page), pin AppTest to that page:
    AppTest otherwise reruns the page its own last switch_page() asked for."""
    return ok(at.switch_page(page).run())


def click(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


def to_user_step(at: AppTest, *, campus: str | None = None, action: str = "Provision") -> AppTest:
    """From the acknowledgement to the screen after 'campus and request type'."""
    click(at, "rf_ack")
    if campus:
        ok(at.selectbox(key="rf_campus").select(campus).run())
    ok(at.radio(key="rf_action").set_value(action).run())
    return click(at, "rf_next")


def fill_user(at: AppTest, apps: list[str]) -> AppTest:
    return ok(at.multiselect(key="rf_apps").set_value(apps).run())


def fill_unit(at: AppTest, units: list[str], groups: list[str],
              split: dict[str, int] | None = None, billing: str = "Boulder") -> AppTest:
    at.multiselect(key="rf_units").set_value(units)
    ok(at.multiselect(key="rf_groups").set_value(groups).run())
    if split:
        ok(at.multiselect(key=f"rf_unit_sts_{billing}").set_value(list(split)).run())
        for code, pct in split.items():
            at.number_input(key=f"rf_pct_{billing}_{len(split)}_{code}").set_value(pct)
        ok(at.run())
    return at


def upload(at: AppTest, files: list[tuple[str, bytes, str]]) -> AppTest:
    return ok(at.file_uploader[0].set_value(files).run())


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)
