"""The app shell: development sign-in, OIDC sign-in, no-access page, and pages per role (A1-A3)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest.conftest import (APP, BOULDER, MANAGER, NEW_SPECIALIST, RETIRED, SYSTEM,
                                    page_paths, texts)

HOME, IMPORT, ADMIN = "app_pages/home.py", "app_pages/import_data.py", "app_pages/admin.py"
BATCH = "app_pages/batch.py"
# Issue 3 (the specialist's daily work): the pages everyone reads, and those that change things.
READ_PAGES = ["app_pages/check.py", "app_pages/requests.py", "app_pages/contact.py",
              "app_pages/license.py"]
WORK_PAGES = ["app_pages/request_form.py", "app_pages/group_changes.py"]
SYSTEM_PAGES = sorted([HOME, IMPORT, ADMIN, BATCH, *READ_PAGES, *WORK_PAGES])
SPECIALIST_PAGES = sorted([HOME, *READ_PAGES, *WORK_PAGES])
MANAGER_PAGES = sorted([HOME, *READ_PAGES])
# Issue 6 (billing): the System team's Billing page; the Invoices page of specialists and managers.
BILLING, INVOICES = "app_pages/billing.py", "app_pages/invoices.py"
SYSTEM_PAGES = sorted([*SYSTEM_PAGES, BILLING])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, INVOICES])
MANAGER_PAGES = sorted([*MANAGER_PAGES, INVOICES])
# Issue 4 (compliance): Compliance for every role; Compliance records and Messages for the System team.
COMPLIANCE = "app_pages/compliance.py"
SYSTEM_PAGES = sorted([*SYSTEM_PAGES, COMPLIANCE, "app_pages/compliance_records.py",
                       "app_pages/notifications.py"])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, COMPLIANCE])
MANAGER_PAGES = sorted([*MANAGER_PAGES, COMPLIANCE])
# Issue 5 (dashboard): the Dashboard for everyone (the page people open first), Reports for
# managers and the System team.
DASHBOARD, REPORTS = "app_pages/dashboard.py", "app_pages/reports.py"
SYSTEM_PAGES = sorted([*SYSTEM_PAGES, DASHBOARD, REPORTS])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, DASHBOARD])
MANAGER_PAGES = sorted([*MANAGER_PAGES, DASHBOARD, REPORTS])
# Issue 7 (trust): the Audit log for every role (scoped to the campus for specialists, A1).
AUDIT = "app_pages/audit.py"
SYSTEM_PAGES = sorted([*SYSTEM_PAGES, AUDIT])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, AUDIT])
MANAGER_PAGES = sorted([*MANAGER_PAGES, AUDIT])
# Issue 19 (run as a service): the Jobs page for the System team.
SYSTEM_PAGES = sorted([*SYSTEM_PAGES, "app_pages/jobs.py"])
# Issue 17 (rules revision 2, Q5): the June review for every role (managers read it).
JUNE_REVIEW = "app_pages/june_review.py"
SYSTEM_PAGES = sorted([*SYSTEM_PAGES, JUNE_REVIEW])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, JUNE_REVIEW])
MANAGER_PAGES = sorted([*MANAGER_PAGES, JUNE_REVIEW])
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                 "cookie_secret": "x" * 32, "client_id": "id", "client_secret": "secret",
                 "server_metadata_url": "https://login.example.edu/.well-known/openid-configuration"}}


def test_a2_system_team_sees_every_page(open_app):
    at = open_app(SYSTEM)
    assert page_paths(at) == SYSTEM_PAGES
    assert "Welcome, Sam Rivera" in texts(at)


@pytest.mark.parametrize("email", [BOULDER, NEW_SPECIALIST])
def test_a1_specialist_sees_their_work_pages_not_import_admin_or_batch(open_app, email):
    at = open_app(email)
    assert page_paths(at) == SPECIALIST_PAGES
    for page in (IMPORT, ADMIN, BATCH):
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_a3_manager_sees_read_pages_and_no_change_widgets(open_app):
    at = open_app(MANAGER)
    assert page_paths(at) == MANAGER_PAGES
    for page in (ADMIN, *WORK_PAGES):
        with pytest.raises(ValueError):
            at.switch_page(page)
    assert "A3" in texts(at)
    assert not at.main.button and not at.main.form_submit_button and not at.main.text_input


def test_unknown_email_sees_no_access_naming_who_to_contact(open_app):
    at = open_app("stranger@example.com")
    page = texts(at)
    assert "No access" in page
    assert "stranger@example.com" in page and "is not registered" in page
    assert "Sam Rivera, sam.system@cu.edu" in page
    assert page_paths(at) == ["app_pages/no_access.py"]


def test_inactive_user_sees_no_access(open_app):
    at = open_app(RETIRED)
    page = texts(at)
    assert "No access" in page and "is not active" in page
    assert "Welcome" not in page


def test_as_param_is_case_insensitive(open_app):
    at = open_app("Ecomm.Boulder@Colorado.EDU")
    assert "Welcome, Priya Natarajan" in texts(at)


def test_without_sign_in_the_dev_picker_is_offered_and_signs_in(open_app):
    at = open_app()
    assert "Development sign-in" in texts(at)
    assert page_paths(at) == ["app_pages/no_access.py"]
    picker = at.sidebar.selectbox(key="dev_sign_in_picker")
    assert BOULDER in picker.options or any("Priya" in o for o in picker.options)
    picker.set_value(BOULDER).run()
    assert "Welcome, Priya Natarajan" in texts(at)
    assert at.query_params["as"] == BOULDER
    # the person stays signed in on other runs (session state), and can switch
    at.sidebar.selectbox(key="dev_sign_in_picker").set_value(SYSTEM).run()
    assert "Welcome, Sam Rivera" in texts(at)
    assert page_paths(at) == SYSTEM_PAGES


def test_dev_sign_out(open_app):
    at = open_app(BOULDER)
    at.sidebar.button(key="dev_sign_out").click().run()
    assert "Welcome" not in texts(at)
    assert "as" not in at.query_params
    assert page_paths(at) == ["app_pages/no_access.py"]


def test_dev_banner_is_shown_when_signed_in(open_app):
    at = open_app(BOULDER)
    assert any("Development sign-in" in w.value for w in at.sidebar.warning)


def test_with_oidc_configured_the_as_param_is_ignored(app_store):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(AUTH)
    at.query_params["as"] = SYSTEM
    at.run()
    assert not at.exception
    assert "Welcome" not in texts(at)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.sidebar.selectbox  # no development picker
    assert page_paths(at) == ["app_pages/no_access.py"]


def test_with_oidc_the_signed_in_email_gets_its_role_from_app_users(app_store):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": "Sam.System@CU.edu", "name": "Sam"}
    at.run()
    assert not at.exception
    assert "Welcome, Sam Rivera" in texts(at)
    assert page_paths(at) == SYSTEM_PAGES
    assert not any("Development sign-in" in w.value for w in at.sidebar.warning)


def test_with_oidc_an_unknown_account_sees_no_access(app_store):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": "someone@colorado.edu"}
    at.run()
    assert "No access" in texts(at) and "someone@colorado.edu" in texts(at)


def test_missing_database_shows_how_to_create_it(tmp_path, monkeypatch):
    path = tmp_path / "nothing-here.duckdb"
    monkeypatch.setenv("ECOMM_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["as"] = SYSTEM
    at.run()
    assert not at.exception
    page = texts(at)
    assert "make run" in page and "python -m ecomm init --demo" in page
    assert not path.exists()  # the app did not create an empty file


def test_page_registry_files_exist_and_every_role_has_home():
    from ecomm import ui
    from ecomm.identity import Identity
    from tests.apptest.conftest import ROOT
    for page in ui.PAGES:
        assert (ROOT / page.path).is_file(), page.path
    for role in ("specialist", "system", "manager"):
        who = Identity(email="x@cu.edu", name="X", role=role, campus="Boulder")
        assert ui.pages_for(who)[0].title == "Home"
    assert ui.pages_for(None) == []


def test_no_pages_folder_beside_app_py():
    """A pages/ folder beside app.py switches Streamlit to its old pages-folder mode, which
    runs page files without app.py's sign-in on a fresh server's first run and in AppTest."""
    from tests.apptest.conftest import ROOT
    assert not (ROOT / "pages").exists(), "keep page files in app_pages/ (see ecomm/ui/registry.py PAGES)"


def test_a_database_held_by_another_program_is_explained_not_crashed(tmp_path, monkeypatch):
    import subprocess
    import sys

    from ecomm.storage import Store

    path = tmp_path / "busy.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("ECOMM_DB", str(path))
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["as"] = SYSTEM
        at.run()
        assert not at.exception
        assert "in use by another program" in at.error[0].value
        # issue 14 item 10: web users get words of their own, not the terminal's
        assert "Ctrl+C" not in at.error[0].value and "--db" not in at.error[0].value
        assert "reloading this page" in at.error[0].value
        assert "Welcome" not in texts(at)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_database_without_users_says_how_to_load_them(tmp_path, monkeypatch):
    from ecomm.storage import Store

    path = tmp_path / "empty.duckdb"
    Store(path).close()
    monkeypatch.setenv("ECOMM_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    assert any("no app users yet" in w.value for w in at.main.warning)
