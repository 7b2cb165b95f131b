"""Dashboard page: key dates, the three filters (widgets and links), the panels with counts,
record links, downloads and the A1 pin of a specialist's campus; fresh numbers after a write."""
from __future__ import annotations

from datetime import datetime

import pytest

from ecomm.dashboard import panels as dash
from ecomm.storage import audit
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, SYSTEM, page_paths, texts
from tests.apptest.pages_helpers import ok, open_page
from tests.integration.dashboard_seed import ARTS, ATHLETICS, seed_small

PAGE = "app_pages/dashboard.py"
REPORTS = "app_pages/reports.py"


@pytest.fixture
def seeded(app_store):
    seed_small(app_store)
    return app_store


def frame(at, key):
    """The table of one row (rows with nothing show none), or None. D1 (rev 2): the rows come
    in the order of 000 (``dash.D1_ROWS``), the held requests inside row 1."""
    titles = [s.value.rsplit(" · ", 1) for s in at.subheader if " · " in s.value]
    assert [t for t, _ in titles] == [dash.ROW_SPECS[k].title for k in dash.D1_ROWS]
    shown = [k for k, (_, n) in zip(dash.D1_ROWS, titles) if n != "0"]
    assert len(at.dataframe) == len(shown)
    return at.dataframe[shown.index(key)].value if key in shown else None


def counts(at) -> dict[str, str]:
    """Panel title -> count, from the subheaders 'Title · n'."""
    return dict(s.value.rsplit(" · ", 1) for s in at.subheader if " · " in s.value)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_dashboard_is_in_every_roles_navigation_and_reports_only_for_managers_and_system(
        open_app):
    for email in (SYSTEM, MANAGER, BOULDER):
        assert PAGE in page_paths(open_app(email))
    assert REPORTS in page_paths(open_app(MANAGER)) and REPORTS in page_paths(open_app(SYSTEM))
    assert REPORTS not in page_paths(open_app(BOULDER))


def test_c1_c2_b4_key_dates_strip(seeded):
    at = open_page(SYSTEM, PAGE)
    m = metrics(at)
    assert m["Cutoff for 2026-11 (C1)"] == "Mon Nov 30"
    assert m["Batch 2026-12 processed from"] == "Tue Dec 1"
    assert m["New users' credentials (C2)"] == "Mon Dec 7"
    # issue 18: the January batch is processed from Mon Jan 4 (C1), not the Jan 1 holiday
    assert m["Next billing step"] == "Jan 4"
    assert "January true-up: the System team processes the January batch: from Mon Jan 4, 2027" \
        in texts(at)


def test_a2_system_team_sees_every_panel_with_its_count_and_the_user_counts(seeded):
    at = open_page(SYSTEM, PAGE)
    # D1 (rev 2): row 1 holds the 4 pending requests and the held one, marked
    assert list(counts(at).items()) == [
        ("Provisioning requests in the queue", "5"),
        ("Deprovisioning requests in the queue", "2"), ("Quiz due and overdue", "2"),
        ("Idle six months", "2"), ("Courses expiring or non-compliant", "5"),
        ("Leavers: employment ended or POI inactive", "1"), ("Active eComm users", "5")]
    m = metrics(at)
    assert (m["Number of Users"], m["Salesforce Users"], m["Chatter Free Users"],
            m["Cvent Users"]) == ("5", "2", "1", "2")
    quiz = frame(at, dash.QUIZ)
    assert list(quiz["license"]) == [f"license?license=LN-0002&as={SYSTEM.replace('@', '%40')}",
                                     f"license?license=LN-0003&as={SYSTEM.replace('@', '%40')}"]
    assert list(quiz["contact"].str.extract(r"contact=([^&]*)")[0]) == ["C2", "C3"]
    queue = frame(at, dash.QUEUE)
    assert list(queue["request"]) == ["R-4", "R-2", "R-3", "R-10", "R-1"]  # by submission
    assert list(queue["held"]) == [True, False, False, False, False]
    assert queue.iloc[0]["missing"].startswith("P5: PCI Compliance is missing")
    # issue 18: the request, the person's name, the record links, then why it waits (held now,
    # will be held by the next batch, what is missing)
    assert list(queue.columns[:7]) == ["request", "name", "license", "contact", "held",
                                       "will be held", "missing"]
    leavers = frame(at, dash.LEAVERS)
    assert list(leavers["license"].str.extract(r"license=([^&]*)")[0]) == ["LN-0004"]
    assert list(leavers["reason"]) == ["CU employment ended"]
    assert leavers.iloc[0]["leaver since"] == "2026-11-01"    # the day after it ended
    assert "Salesforce already removed on 2026-11-05" in frame(at, dash.DEPROVISION).iloc[0]["note"]
    keys = {b.key for b in at.get("download_button")}
    assert {f"dash_{kind}_{k}" for kind in ("csv", "xlsx") for k in dash.D1_ROWS} <= keys


def test_filters_by_widget_combine(seeded):
    at = open_page(MANAGER, PAGE)
    ok(at.selectbox(key="dash_campus").select("Boulder").run())
    assert counts(at)["Active eComm users"] == "3"
    ok(at.selectbox(key="dash_group").select(ATHLETICS).run())
    assert counts(at)["Active eComm users"] == "2"
    assert list(frame(at, dash.ACTIVE)["license"].str.extract(r"license=([^&]*)")[0]) == [
        "LN-0001", "LN-0002"]
    ok(at.selectbox(key="dash_campus").select("All").run())
    ok(at.selectbox(key="dash_billing").select("Boulder").run())
    assert counts(at)["Active eComm users"] == "2"      # LN-0001 and LN-0005, in Athletics
    assert set(frame(at, dash.ACTIVE)["campus"]) == {"Boulder", "Denver"}
    assert at.query_params["billing"] == "Boulder" and at.query_params["group"] == ATHLETICS
    assert "campus" not in at.query_params


def test_filters_from_a_link(seeded):
    at = open_page(SYSTEM, PAGE, campus="Denver", group=ARTS)
    assert at.selectbox(key="dash_campus").value == "Denver"
    assert at.selectbox(key="dash_group").value == ARTS
    assert counts(at)["Active eComm users"] == "1"
    assert counts(at)["Provisioning requests in the queue"] == "1"


def test_a1_specialist_is_held_to_their_campus_whatever_the_link_says(seeded):
    at = open_page(BOULDER, PAGE, campus="Denver", billing="Denver", group=ARTS)
    assert "A1: as the eComm specialist for Boulder you see Boulder only, not Denver (plus licenses naming you as an additional specialist)." in texts(at)
    box = at.selectbox(key="dash_campus")
    assert box.value == "Boulder" and box.disabled and box.options == ["Boulder"]
    assert all(n == "0" for n in counts(at).values())     # Boulder has nothing in Arts & Media
    ok(at.selectbox(key="dash_group").select("All").run())
    ok(at.selectbox(key="dash_billing").select("All").run())
    assert counts(at)["Active eComm users"] == "3"
    assert "not Denver" not in texts(at)     # the link's notice goes once filters change
    for key in dash.D1_ROWS:
        shown = frame(at, key)
        if shown is not None:
            assert set(shown["campus"]) == {"Boulder"}, key
    assert ARTS not in at.selectbox(key="dash_group").options


def test_a1_additional_specialist_sees_the_named_license_of_another_campus(seeded):
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET additional_specialists = [?] WHERE license_number = 'LN-0004'",
        [BOULDER.upper()]))
    at = open_page(BOULDER, PAGE, campus="Denver", group=ARTS)
    assert counts(at)["Active eComm users"] == "1"
    assert list(frame(at, dash.ACTIVE)["campus"]) == ["Denver"]     # LN-0004 names them
    assert list(frame(at, dash.QUEUE)["request"]) == ["R-3"]    # its request (D1 row 1)
    assert ARTS in at.selectbox(key="dash_group").options
    # Denver's LN-0005 (billed to Boulder) does not name them: no link or filter reaches it
    at = open_page(BOULDER, PAGE, campus="Denver", billing="Boulder")
    for key in dash.D1_ROWS:
        shown = frame(at, key)
        if shown is not None:
            assert set(shown["campus"]) == {"Boulder"}, key
            assert not shown["license"].fillna("").str.contains("LN-0005").any(), key
    at = open_page(BOULDER, "app_pages/license.py", license="LN-0004")
    assert "was not found" not in texts(at) and at.dataframe
    at = open_page(BOULDER, "app_pages/license.py", license="LN-0005")
    assert "License record LN-0005 was not found" in texts(at) and not at.dataframe


def test_a1_denver_specialist_sees_denvers_rows(seeded):
    at = open_page(DENVER, PAGE)
    assert counts(at)["Active eComm users"] == "2"
    assert set(frame(at, dash.ACTIVE)["campus"]) == {"Denver"}


def test_long_panels_show_their_first_rows_and_say_so(seeded, monkeypatch):
    monkeypatch.setattr(dash, "DISPLAY_LIMIT", 2)
    at = open_page(SYSTEM, PAGE)
    assert len(frame(at, dash.ACTIVE)) == 2
    assert "Showing the first 2 of 5 rows; the downloads have all of them." in texts(at)
    assert counts(at)["Active eComm users"] == "5"


def test_a4_numbers_are_fresh_after_a_write(seeded):
    at = open_page(SYSTEM, PAGE)
    assert counts(at)["Provisioning requests in the queue"] == "5"   # 4 pending + 1 held (D1)

    def add_request(cur):
        cur.execute("INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, "
                    "submitted_by, status, applications) VALUES ('R-99', 'provision', 'C7', "
                    "'Boulder', ?, 'x@cu.edu', 'pending', ['Cvent'])", [datetime(2026, 11, 20, 16)])
        audit.record(cur, actor="x@cu.edu", action="submit", entity="request", entity_id="R-99")
    seeded.write(add_request)
    ok(at.run())
    assert counts(at)["Provisioning requests in the queue"] == "6"


def test_a3_manager_gets_no_deprovisioning_action(seeded):
    at = open_page(MANAGER, PAGE)
    assert not [b for b in at.button if b.key and b.key.startswith("dash_deprov_")]


def test_q1_selected_rows_become_deprovisioning_requests(seeded):
    at = open_page(BOULDER, PAGE)
    button = at.button(key="dash_deprov_quiz")
    assert button.disabled                      # nothing selected yet
    table_key = "dash_df_quiz_0"
    at.session_state[table_key] = {"selection": {"rows": [0], "columns": []}}   # LN-0002
    ok(at.run())
    assert "1 row(s) selected: 1 license record(s), LN-0002." in texts(at)
    ok(at.button(key="dash_deprov_quiz").click().run())
    # issue 18: the confirmation first (nothing submitted yet); C4: Salesforce goes at once
    assert "Deprovision 1 license record(s)?" in texts(at)
    assert "Salesforce is removed from 1 license record(s). This cannot be undone" in texts(at)
    assert not seeded.query("SELECT 1 FROM requests WHERE kind = 'deprovision' "
                            "AND license_number = 'LN-0002'")
    ok(at.button(key="deprov_yes_dash_quiz").click().run())
    assert "1 deprovisioning request(s) created" in texts(at)
    made = seeded.query("SELECT license_number, kind, applications, status FROM requests "
                        "WHERE kind = 'deprovision' AND license_number = 'LN-0002'")
    # C4: Salesforce alone goes at once, so the request is completed, not queued
    assert [(r[0], r[1], list(r[2]), r[3]) for r in made] == [
        ("LN-0002", "deprovision", ["Salesforce"], "completed")]
    # the panels count it at once (caches cleared), and the selection is gone
    assert counts(at)["Quiz due and overdue"] == "1"
    assert counts(at)["Active eComm users"] == "2"
    assert at.button(key="dash_deprov_quiz").disabled


def test_b10_the_last_row_shows_the_seats_available(seeded):
    from ecomm import reference as ref
    from ecomm import seats
    from tests.integration.dashboard_seed import SYSTEM as SYSTEM_ID

    seats.record_seats(seeded, SYSTEM_ID, fiscal_year=2027, application=ref.CVENT, purchased=40)
    at = open_page(BOULDER, PAGE)
    # Cvent held by LN-0001 and LN-0004; R-1 asks for it: 40 - 2 - 1 = 37
    assert ("Seats FY2027 (B10, all campuses): Cvent 37 available of 40 (2 assigned, 1 in the "
            "queue).") in texts(at)
