"""The app on the demo data set (ecomm.demo): every demo user signs in and sees their role's
pages; Home's counts are their campus's; the System team's pages render on real volumes."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ecomm import clock
from ecomm.storage import Store
from tests.apptest.conftest import APP, TODAY, page_paths, texts

demo = pytest.importorskip("ecomm.demo")

ALL_PAGES = sorted(["app_pages/home.py", "app_pages/import_data.py", "app_pages/admin.py",
                   "app_pages/batch.py", "app_pages/check.py", "app_pages/request_form.py",
                   "app_pages/requests.py", "app_pages/group_changes.py", "app_pages/contact.py",
                   "app_pages/license.py"])
SPECIALIST_PAGES = sorted(["app_pages/home.py", "app_pages/check.py", "app_pages/request_form.py",
                           "app_pages/requests.py", "app_pages/group_changes.py",
                           "app_pages/contact.py", "app_pages/license.py"])
MANAGER_PAGES = sorted(["app_pages/home.py", "app_pages/check.py", "app_pages/requests.py",
                        "app_pages/contact.py", "app_pages/license.py"])
# Issue 5 (dashboard): the Dashboard for everyone, Reports for managers and the System team.
ALL_PAGES = sorted([*ALL_PAGES, "app_pages/dashboard.py", "app_pages/reports.py"])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, "app_pages/dashboard.py"])
MANAGER_PAGES = sorted([*MANAGER_PAGES, "app_pages/dashboard.py", "app_pages/reports.py"])
# Issue 6 (billing): Billing for the System team, Invoices for specialists and managers.
ALL_PAGES = sorted([*ALL_PAGES, "app_pages/billing.py"])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, "app_pages/invoices.py"])
MANAGER_PAGES = sorted([*MANAGER_PAGES, "app_pages/invoices.py"])
# Issue 4 (compliance, messages): Compliance for everyone; records and Messages for the System team.
ALL_PAGES = sorted([*ALL_PAGES, "app_pages/compliance.py", "app_pages/compliance_records.py",
                    "app_pages/notifications.py"])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, "app_pages/compliance.py"])
MANAGER_PAGES = sorted([*MANAGER_PAGES, "app_pages/compliance.py"])
# Issue 7 (trust): the Audit log for every role (a specialist reads their campus's entries).
ALL_PAGES = sorted([*ALL_PAGES, "app_pages/audit.py"])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, "app_pages/audit.py"])
MANAGER_PAGES = sorted([*MANAGER_PAGES, "app_pages/audit.py"])
# Issue 19 (run as a service): the Jobs page for the System team.
ALL_PAGES = sorted([*ALL_PAGES, "app_pages/jobs.py"])
# Issue 17 (rules revision 2, Q5): the June review for every role (managers read it).
ALL_PAGES = sorted([*ALL_PAGES, "app_pages/june_review.py"])
SPECIALIST_PAGES = sorted([*SPECIALIST_PAGES, "app_pages/june_review.py"])
MANAGER_PAGES = sorted([*MANAGER_PAGES, "app_pages/june_review.py"])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_copy):
    return demo_copy(tmp_path_factory.mktemp("demo") / "demo.duckdb", as_of=TODAY, licenses=150)


@pytest.fixture
def demo_app(demo_db, monkeypatch):
    monkeypatch.setenv("ECOMM_DB", str(demo_db))
    monkeypatch.setattr(clock, "today_denver", lambda: TODAY)

    def make(email: str, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["as"] = email
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at
    yield make
    st.cache_resource.clear()


@pytest.mark.parametrize("user", demo.DEMO_USERS, ids=lambda u: u.email)
def test_a1_a3_every_demo_user_signs_in_and_sees_their_roles_pages(demo_app, user):
    at = demo_app(user.email)
    assert at.title[0].value == f"Welcome, {user.name}"
    expected = {"system": ALL_PAGES, "specialist": SPECIALIST_PAGES,
                "manager": MANAGER_PAGES}[user.role]
    assert page_paths(at) == expected
    assert ("P14" in texts(at)) == (user.role == "specialist" and not user.quiz_passed)


def test_a1_demo_specialist_home_counts_are_their_campus_only(demo_app, demo_db):
    at = demo_app("ecomm.denver@ucdenver.edu", "app_pages/home.py")
    metrics = {m.label: int(m.value) for m in at.metric}
    st.cache_resource.clear()  # release the app's Store before opening our own
    with Store(demo_db) as store:
        licenses = store.query_value(
            "SELECT count(*) FROM licenses WHERE affiliated_campus = 'Denver'")
        pending = store.query_value(
            "SELECT count(*) FROM requests WHERE campus = 'Denver' AND status = 'pending'")
        all_licenses = store.query_value("SELECT count(*) FROM licenses")
    assert metrics["License records"] == licenses
    assert metrics["Pending requests"] == pending
    assert 0 < licenses < all_licenses


@pytest.mark.parametrize("page", ["app_pages/admin.py", "app_pages/import_data.py"])
def test_system_pages_render_on_demo_data(demo_app, page):
    at = demo_app("sam.system@cu.edu", page)
    assert not at.error
    if page.endswith("admin.py"):
        at.selectbox(key="ref_campus").select("Anschutz")
        at.selectbox(key="ref_kind").select("business_unit").run()
        assert len(at.dataframe[1].value) > 0  # the demo's Anschutz business units
