"""The dashboard's panels on a hand-built organisation: every panel's rows, row by row, with
and without each filter (001 rows 1-3, C1, C3, C4, Q1-Q3, B3)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters
from tests.integration.dashboard_seed import (ADMISSIONS, ARTS, AS_OF, ATHLETICS, MANAGER, SYSTEM,
                                              seed_small)


@pytest.fixture
def small(store):
    seed_small(store)
    return store


def board(store, who=SYSTEM, **filters):
    return dash.dashboard(store, who, DashboardFilters(**filters), AS_OF, limit=None)


def col(b, key, name):
    """A panel column as plain values (dates as ``date``)."""
    return [v.date() if isinstance(v, pd.Timestamp) else v for v in b.panels[key].frame[name]]


def test_c1_provisioning_queue_rows_order_cycles_and_applications(small):
    b = board(small)
    p = b.panels[dash.PROVISION]
    assert col(b, dash.PROVISION, "request") == ["R-2", "R-3", "R-10", "R-1"]
    # R-2 was submitted at 23:30 Denver time on October's cutoff day, R-3 an hour later
    assert col(b, dash.PROVISION, "cycle") == ["2026-11", "2026-12", "2026-12", "2026-12"]
    assert p.counts["by_cycle"] == {"2026-11": 1, "2026-12": 3}
    r1 = p.frame[p.frame["request"] == "R-1"].iloc[0]
    assert r1["applications"] == "Salesforce; Cvent"
    assert (r1["Salesforce"], r1["Cvent"], r1["Marketing Cloud"]) == (True, True, False)
    assert r1["name"] == "First8 Last8" and r1["billing_campus"] == "Boulder"
    r10 = p.frame[p.frame["request"] == "R-10"].iloc[0]
    assert "New UCCS Group" in r10["public_groups"]
    assert "1 for the batch of 2026-11" in p.summary and "3 for the batch of 2026-12" in p.summary


def test_c3_held_requests_list_the_missing_requirements(small):
    b = board(small)
    assert col(b, dash.HELD, "request") == ["R-4"]
    assert col(b, dash.HELD, "missing") == [
        "P5: PCI Compliance is missing | P4: the agreement is not signed"]
    assert col(b, dash.HELD, "cycle") == ["2026-12"]


def test_c4_deprovisioning_queue_says_salesforce_was_already_removed(small):
    b = board(small)
    assert col(b, dash.DEPROVISION, "request") == ["R-5", "R-6"]
    assert col(b, dash.DEPROVISION, "note")[0] == (
        "Salesforce already removed on 2026-11-05 (billed through the end of November 2026)")
    assert col(b, dash.DEPROVISION, "billing_campus") == ["Boulder", "Boulder"]  # R-6: LN-0005's


def test_q1_quiz_panel_overdue_first(small):
    b = board(small)
    p = b.panels[dash.QUIZ]
    assert col(b, dash.QUIZ, "license_number") == ["LN-0002", "LN-0003"]
    assert col(b, dash.QUIZ, "overdue") == [True, False]
    assert col(b, dash.QUIZ, "days_since") == [83, 22]
    assert col(b, dash.QUIZ, "quiz_deadline") == [date(2026, 10, 31), date(2026, 12, 31)]
    assert list(p.frame["latest_reminder"].astype("object"))[1] == 14
    assert p.counts == {"n_rows": 2, "n_overdue": 1}


def test_q2_idle_panel_lists_applications_idle_six_months(small):
    b = board(small)
    assert list(zip(col(b, dash.IDLE, "license_number"), col(b, dash.IDLE, "application"))) == [
        ("LN-0004", "Cvent"), ("LN-0001", "Cvent")]
    assert col(b, dash.IDLE, "idle_on") == [date(2024, 7, 1), date(2026, 10, 1)]
    assert b.panels[dash.IDLE].counts == {"n_rows": 2, "n_licenses": 2}


def test_q3_course_panel_expiring_and_non_compliant(small):
    b = board(small)
    rows = set(zip(col(b, dash.COURSES, "contact_id"), col(b, dash.COURSES, "course"),
                   col(b, dash.COURSES, "status")))
    assert rows == {("C1", "PCI Compliance", "expiring"), ("C3", "PCI Compliance", "non_compliant"),
                    *{("C4", c, "non_compliant") for c in (
                        "Information Security & Privacy Awareness",
                        "Information Security for IT Service Providers", "PCI Compliance")}}
    assert b.panels[dash.COURSES].counts == {"n_rows": 5, "n_expiring": 1, "n_non_compliant": 4,
                                             "n_contacts": 3}
    assert col(b, dash.COURSES, "status")[-1] == "expiring"  # non-compliant ones first


def test_b3_active_users_and_counts_chatter_free_apart(small):
    b = board(small)
    assert col(b, dash.ACTIVE, "license_number") == ["LN-0001", "LN-0002", "LN-0003", "LN-0004",
                                                     "LN-0005"]
    assert b.user_counts == {"Number of Users": 5, "Salesforce Users": 2, "Chatter Free Users": 1,
                             "Marketing Cloud Users": 1, "Cvent Users": 2, "Apsona Users": 0,
                             "Geopointe Users": 0}
    row = b.panels[dash.ACTIVE].frame.iloc[1]
    assert row["public_groups"] == f"{ATHLETICS}; {ADMISSIONS}"
    assert row["applications"] == "Salesforce" and row["salesforce_profile"] == "Chatter Free User"


EXPECTED = {  # filters -> panel -> first column's values, in order
    (("campus", "Boulder"),): {
        dash.PROVISION: ["R-2", "R-1"], dash.HELD: ["R-4"], dash.DEPROVISION: ["R-5"],
        dash.QUIZ: ["LN-0002", "LN-0003"], dash.IDLE: ["LN-0001"],
        dash.COURSES: ["LN-0003", "LN-0001"], dash.ACTIVE: ["LN-0001", "LN-0002", "LN-0003"]},
    (("billing_campus", "Boulder"),): {
        dash.PROVISION: ["R-1"], dash.HELD: [], dash.DEPROVISION: ["R-5", "R-6"],
        dash.QUIZ: ["LN-0003"], dash.IDLE: ["LN-0001"], dash.COURSES: ["LN-0003", "LN-0001"],
        dash.ACTIVE: ["LN-0001", "LN-0003", "LN-0005"]},
    (("campus", "Denver"), ("billing_campus", "Boulder")): {
        dash.PROVISION: [], dash.HELD: [], dash.DEPROVISION: ["R-6"], dash.QUIZ: [],
        dash.IDLE: [], dash.COURSES: [], dash.ACTIVE: ["LN-0005"]},
    (("public_group", ATHLETICS),): {
        dash.PROVISION: ["R-1"], dash.HELD: ["R-4"], dash.DEPROVISION: ["R-5", "R-6"],
        dash.QUIZ: ["LN-0002"], dash.IDLE: ["LN-0001"], dash.COURSES: ["LN-0001"],
        dash.ACTIVE: ["LN-0001", "LN-0002", "LN-0005"]},
    (("campus", "Boulder"), ("public_group", ATHLETICS)): {
        dash.PROVISION: ["R-1"], dash.HELD: ["R-4"], dash.DEPROVISION: ["R-5"],
        dash.QUIZ: ["LN-0002"], dash.IDLE: ["LN-0001"], dash.COURSES: ["LN-0001"],
        dash.ACTIVE: ["LN-0001", "LN-0002"]},
    (("public_group", ADMISSIONS),): {  # its license LN-0002 is in the group
        dash.PROVISION: ["R-2"], dash.HELD: ["R-4"], dash.DEPROVISION: [],
        dash.QUIZ: ["LN-0002", "LN-0003"], dash.IDLE: [], dash.COURSES: ["LN-0003"],
        dash.ACTIVE: ["LN-0002", "LN-0003"]},
    (("public_group", "New UCCS Group"),): {
        dash.PROVISION: ["R-10"], dash.HELD: [], dash.DEPROVISION: [], dash.QUIZ: [],
        dash.IDLE: [], dash.COURSES: [], dash.ACTIVE: []},
    (("campus", "UCCS"), ("public_group", ARTS)): {k: [] for k in dash.SPECS},
}


@pytest.mark.parametrize("filters", list(EXPECTED), ids=lambda f: "+".join(v for _, v in f))
def test_a1_filters_combine_row_by_row(small, filters):
    b = board(small, **dict(filters))
    for key, expected in EXPECTED[filters].items():
        frame = b.panels[key].frame
        first = frame.columns[0]
        assert list(frame[first]) == expected, (key, filters)
        assert b.panels[key].count == len(expected)


def test_a3_manager_sees_every_campus_like_the_system_team(small):
    a, b = board(small, MANAGER), board(small, SYSTEM)
    for key in dash.SPECS:
        assert a.panels[key].frame.equals(b.panels[key].frame)


def test_panel_limit_keeps_order_and_counts_every_row(small):
    full = board(small)
    short = dash.dashboard(small, SYSTEM, DashboardFilters(), AS_OF, limit=1)
    for key in dash.SPECS:
        assert short.panels[key].counts == full.panels[key].counts
        assert short.panels[key].frame.equals(full.panels[key].frame.head(1))
        assert short.panels[key].truncated == (full.panels[key].count > 1)


def test_panel_rows_give_every_row_for_downloads(small):
    rows = dash.panel_rows(small, SYSTEM, DashboardFilters(campus="Boulder"), AS_OF, dash.ACTIVE)
    assert list(rows["license_number"]) == ["LN-0001", "LN-0002", "LN-0003"]


def test_q1_q3_deprovision_items_one_per_license(small):
    b = board(small)
    quiz = dash.deprovision_items(dash.QUIZ, b.panels[dash.QUIZ].frame, "Q1: quiz")
    assert [(i.license_number, i.applications, i.reason) for i in quiz] == [
        ("LN-0002", None, "Q1: quiz"), ("LN-0003", None, "Q1: quiz")]   # None: all held
    idle = dash.deprovision_items(dash.IDLE, b.panels[dash.IDLE].frame, "Q2")
    assert [(i.license_number, i.applications) for i in idle] == [
        ("LN-0004", ["Cvent"]), ("LN-0001", ["Cvent"])]
    courses = dash.deprovision_items(dash.COURSES, b.panels[dash.COURSES].frame, "Q3")
    assert sorted(i.license_number for i in courses) == ["LN-0001", "LN-0003", "LN-0004"]
    assert all(i.applications is None for i in courses)
    with pytest.raises(ValueError):
        dash.deprovision_items(dash.ACTIVE, b.panels[dash.ACTIVE].frame, "x")
    assert dash.deprovision_reason(small, dash.IDLE) == "Q2: no login for 6 months"
    for key in (dash.QUIZ, dash.IDLE, dash.COURSES):  # the page's: from the Policy already read
        assert b.deprovision_reason(key) == dash.deprovision_reason(small, key)
