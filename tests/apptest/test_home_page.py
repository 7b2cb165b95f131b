"""Home page: who you are (A1-A3), the cycle's key dates (C1, C2) and the data-health line."""
from __future__ import annotations

from datetime import date

from ecomm.ui import ROLE_NOTICE_A3, ROLE_NOTICE_P14
from tests.apptest.conftest import BOULDER, MANAGER, NEW_SPECIALIST, SYSTEM, texts

HOME = "app_pages/home.py"  # the dashboard is the page people open first (issue 5)


def add_data(store) -> None:
    """Two Boulder licenses (one app each, one removed) and one Denver license, requests."""
    def run(cur):
        cur.execute("INSERT INTO contacts (contact_id, last_name) VALUES "
                    "('C-1', 'Lopez'), ('C-2', 'Nguyen'), ('C-3', 'Bell'), ('C-4', 'Stray')")
        cur.execute("INSERT INTO licenses (license_number, contact_id, affiliated_campus) VALUES "
                    "('LN-0001', 'C-1', 'Boulder'), ('LN-0002', 'C-2', 'Boulder'), "
                    "('LN-0003', 'C-3', 'Denver')")
        cur.execute("INSERT INTO license_apps (license_number, application, provisioned_on, "
                    "deprovisioned_on) VALUES "
                    "('LN-0001', 'Salesforce', '2025-08-01', NULL), "
                    "('LN-0001', 'Cvent', '2025-08-01', NULL), "
                    "('LN-0002', 'Salesforce', '2025-08-01', '2026-02-01'), "
                    "('LN-0003', 'Salesforce', '2026-01-02', NULL)")
        cur.execute("INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, "
                    "submitted_by, status) VALUES "
                    "('R-1', 'provision', 'C-2', 'Boulder', '2026-11-20 17:00:00', ?, 'pending'), "
                    "('R-2', 'provision', 'C-3', 'Denver', '2026-11-20 17:00:00', ?, 'pending'), "
                    "('R-3', 'provision', 'C-3', 'Denver', '2026-10-20 17:00:00', ?, 'held')",
                    [BOULDER, SYSTEM, SYSTEM])
    store.write(run)


def test_home_names_the_person_their_role_and_campus(open_app):
    at = open_app(BOULDER, HOME)
    page = texts(at)
    assert at.title[0].value == "Welcome, Priya Natarajan"
    assert "**eComm specialist** for **Boulder**" in page
    assert "P14" not in page  # she passed the quiz


def test_c1_c2_home_shows_this_months_cutoff_processing_and_credentials_dates(open_app):
    # Today is Mon 2026-11-23: November's last business day is Mon the 30th; December's
    # first business day is Tue the 1st; the 5th is a Saturday, so credentials on Mon the 7th.
    page = texts(open_app(SYSTEM, HOME))
    assert "Cutoff for 2026-11: Mon Nov 30, 2026 (in 7 days)" in page
    assert "2026-12 batch" in page
    assert "processed from Tue Dec 1, 2026" in page
    assert "credentials on Mon Dec 7, 2026" in page


def test_c1_home_cutoff_moves_with_an_extra_closure(open_app, app_store):
    app_store.write(lambda cur: cur.execute(
        "INSERT INTO extra_holidays VALUES (DATE '2026-11-30', 'Campus closure')"))
    page = texts(open_app(BOULDER, HOME))
    # Thursday the 26th is Thanksgiving; Friday the 27th is a business day.
    assert "Cutoff for 2026-11: Fri Nov 27, 2026 (in 4 days)" in page


def test_c2_home_shows_the_credentials_date_the_system_team_set(open_app, app_store):
    app_store.write(lambda cur: cur.execute(
        "INSERT INTO cycles (cycle, credentials_date) VALUES ('2026-12', DATE '2026-12-09')"))
    page = texts(open_app(BOULDER, HOME))
    assert "credentials on Wed Dec 9, 2026 (date set by the System team)" in page


def test_a1_specialist_health_line_counts_only_their_campus(open_app, app_store):
    add_data(app_store)
    at = open_app(BOULDER, HOME)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Contacts": "2", "License records": "2", "Active applications": "2",
                       "Pending requests": "1"}
    assert "Boulder: 2 contacts, 2 license records" in texts(at)
    assert "No import yet." in texts(at)


def test_a2_system_health_line_counts_all_campuses(open_app, app_store):
    add_data(app_store)
    at = open_app(SYSTEM, HOME)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Contacts"] == "4"  # C-4 has no campus yet but is in the directory
    assert metrics["License records"] == "3"
    assert metrics["Active applications"] == "3"
    assert metrics["Pending requests"] == "2"
    assert "All campuses:" in texts(at) and "1 held" in texts(at)


def test_home_shows_the_last_import_time_in_denver_time(open_app, app_store):
    app_store.write(lambda cur: cur.execute(
        "INSERT INTO audit_log (happened_at, actor, action, entity) "
        "VALUES (TIMESTAMP '2026-11-20 18:30:00', ?, 'import', 'contacts')", [SYSTEM]))
    assert "Last import 2026-11-20 11:30 (Denver time)." in texts(open_app(SYSTEM, HOME))


def test_p14_specialist_without_quiz_pass_is_told_they_cannot_submit(open_app):
    page = texts(open_app(NEW_SPECIALIST, HOME))
    assert "P14" in page and "cannot submit requests" in page


def test_a3_manager_home_says_they_read_everything_and_change_nothing(open_app):
    at = open_app(MANAGER, HOME)
    assert "**Manager**" in texts(at)
    assert "A3" in texts(at)


def test_p14_a3_home_and_dashboard_show_the_same_role_notice(open_app):
    """One notice (ui.role_notice) on both pages: P14 as a warning, A3 as an info, none for
    the System team or a specialist who passed the quiz."""
    for page in (HOME, "app_pages/dashboard.py"):
        at = open_app(NEW_SPECIALIST, page)
        assert [w.value for w in at.warning if w.value.startswith("P14")] == [ROLE_NOTICE_P14]
        at = open_app(MANAGER, page)
        assert [i.value for i in at.info if i.value.startswith("A3")] == [ROLE_NOTICE_A3]
        for email in (SYSTEM, BOULDER):
            at = open_app(email, page)
            notes = [n.value for n in [*at.warning, *at.info]]
            assert ROLE_NOTICE_P14 not in notes and ROLE_NOTICE_A3 not in notes
