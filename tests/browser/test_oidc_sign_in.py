"""Browser: the real sign-in (OIDC, issue 14 item 1). A local OpenID Connect provider
(oidc-provider-mock) on a free localhost port, the app served with a generated secrets.toml
whose [auth] section points at it, and chromium going through the whole round trip:
Sign in -> the provider's authorize page -> /oauth2callback -> the app, signed in.

Role and campus come from the app's users table (A1-A3), an unknown email sees "No access",
Sign out ends the session, and with [auth] configured neither ``?as=EMAIL`` nor the
development picker can choose who is signed in."""
from __future__ import annotations

import os
import re
import secrets
from datetime import date
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from ecomm.storage import Store
from tests.browser.conftest import nav_titles, served, wait_idle
from tools import appserver

pytestmark = pytest.mark.browser

try:
    import oidc_provider_mock
except ImportError:  # like chromium: skipped on a developer's machine, never in CI
    if os.environ.get("CI"):
        raise
    pytest.skip("pip install -r requirements-dev.txt (oidc-provider-mock)", allow_module_level=True)

SYSTEM = "sam.system@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"
STRANGER = "someone.else@colorado.edu"
USERS = [  # email, name, role, campus, quiz_passed_on
    (SYSTEM, "Sam Rivera", "system", None, None),
    (BOULDER, "Priya Natarajan", "specialist", "Boulder", date(2026, 1, 5)),
]


@pytest.fixture(scope="module")
def provider():
    """The OpenID Connect provider on a free localhost port; yields its base URL."""
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_app(chromium_path, provider, tmp_path_factory):
    """The app with [auth] configured against ``provider``, on its own database."""
    tmp = tmp_path_factory.mktemp("oidc")
    db = tmp / "ecomm.duckdb"
    with Store(db) as store:
        store.write(lambda cur: cur.executemany(
            "INSERT INTO app_users (email, name, role, campus, quiz_passed_on, active) "
            "VALUES (?, ?, ?, ?, ?, TRUE)", [list(u) for u in USERS]))
    port = appserver.free_port()
    secrets_toml = tmp / ".streamlit" / "secrets.toml"
    secrets_toml.parent.mkdir()
    cookie, client = secrets.token_hex(32), secrets.token_hex(16)  # made per run, never committed
    secrets_toml.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{cookie}"\n'
        'client_id = "ecomm-licenses-test"\n'
        f'client_secret = "{client}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    with served(db, tmp / "streamlit", port=port, secrets=secrets_toml) as url:
        yield url


def sign_in(page, app: str, provider: str, email: str) -> None:
    """Click Sign in, say who you are on the provider's page, come back to the app."""
    page.goto(app)
    wait_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/authorize"))
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(re.escape(app) + r"/?(\?.*)?$"))
    wait_idle(page)


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def test_a1_a2_oidc_sign_in_takes_role_and_campus_from_the_users_table(page, oidc_app,
                                                                         provider):
    page.goto(oidc_app)
    wait_idle(page)
    expect(page.get_by_text("Sign in with your university account")).to_be_visible()
    expect(page.get_by_text("Development sign-in")).to_have_count(0)

    sign_in(page, oidc_app, provider, BOULDER)
    expect(sidebar(page).get_by_text("Signed in as Priya Natarajan")).to_be_visible()
    expect(sidebar(page).get_by_text("Boulder", exact=False).first).to_be_visible()
    titles = nav_titles(page)
    assert "New request" in titles and "Admin" not in titles and "Import" not in titles


def test_a2_oidc_system_team_sees_the_system_pages(page, oidc_app, provider):
    sign_in(page, oidc_app, provider, SYSTEM)
    expect(sidebar(page).get_by_text("Signed in as Sam Rivera")).to_be_visible()
    assert "Admin" in nav_titles(page) and "Import" in nav_titles(page)


def test_oidc_unknown_email_sees_no_access(page, oidc_app, provider):
    sign_in(page, oidc_app, provider, STRANGER)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text(f"{STRANGER} is not registered")).to_be_visible()
    assert nav_titles(page) == []


def test_oidc_sign_out_ends_the_session(page, oidc_app, provider):
    sign_in(page, oidc_app, provider, BOULDER)
    expect(sidebar(page).get_by_text("Signed in as Priya Natarajan")).to_be_visible()
    sidebar(page).get_by_role("button", name="Sign out").click()
    # the provider's end-session page (oidc-provider-mock asks to confirm), then back
    page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(oidc_app)))
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_oidc_as_parameter_and_picker_are_impossible(page, oidc_app, provider):
    """With [auth] configured, ?as= is ignored, signed out or signed in, and there is no
    development picker."""
    page.goto(f"{oidc_app}/?as={quote(SYSTEM)}")
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_text("Act as")).to_have_count(0)
    assert nav_titles(page) == []

    sign_in(page, oidc_app, provider, BOULDER)
    page.goto(f"{oidc_app}/admin?as={quote(SYSTEM)}")
    wait_idle(page)
    expect(sidebar(page).get_by_text("Signed in as Priya Natarajan")).to_be_visible()
    expect(page.get_by_role("tab", name="Users and roles")).to_have_count(0)
    assert "Admin" not in nav_titles(page)
    expect(page.get_by_text("Act as")).to_have_count(0)
    expect(page.get_by_text("Development sign-in")).to_have_count(0)
