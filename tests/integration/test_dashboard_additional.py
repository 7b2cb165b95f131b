"""A1 on the dashboard for an additional eComm specialist: licenses of another campus that name
the specialist (by email, any case) are on their dashboard, panel by panel and row by row, and
reachable on the record pages; a foreign-campus license that does not name them never is,
whatever filter is asked for."""
from __future__ import annotations

import itertools

import pytest

from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters, resolve
from ecomm.errors import NotFound
from ecomm.identity import Identity
from ecomm.permissions import additional_email
from ecomm.requests import records
from tests.integration.dashboard_seed import (ARTS, AS_OF, ATHLETICS, BOULDER, SYSTEM,
                                              seed_small)

# Boulder's specialist is named (oddly cased, with a space) on Denver's LN-0004 and UCCS's
# LN-0006; Denver's LN-0005 (billed to Boulder) and the UCCS request R-10 do not name them.
NAMED = {"LN-0004", "LN-0006"}
OTHER_BOULDER = Identity(email="other.boulder@cu.edu", name="Other Boulder", role="specialist",
                         campus="Boulder")


@pytest.fixture
def named(store):
    seed_small(store)
    store.write(lambda cur: cur.execute(
        "UPDATE licenses SET additional_specialists = ['someone@cu.edu', ' SPEC.Boulder@cu.edu'] "
        "WHERE license_number IN ('LN-0004', 'LN-0006')"))
    return store


def keys(frame, key: str) -> list[tuple]:
    """A panel's rows as the keys worked out by hand below."""
    if key in (dash.PROVISION, dash.HELD, dash.DEPROVISION, dash.QUEUE):
        return list(frame["request"])
    if key == dash.IDLE:
        return list(zip(frame["license_number"], frame["application"]))
    if key == dash.COURSES:
        return list(zip(frame["contact_id"], frame["course"]))
    return list(frame["license_number"])


PCI, ISPA, ISIT = ("PCI Compliance", "Information Security & Privacy Awareness",
                   "Information Security for IT Service Providers")
# What Boulder's specialist sees on AS_OF (seed_small, worked out in tests/integration/
# test_dashboard_panels.py), with Denver's LN-0004 added where it belongs:
EXPECTED = {
    dash.PROVISION: ["R-2", "R-3", "R-1"],          # Denver's request on LN-0004
    dash.HELD: ["R-4"],
    dash.DEPROVISION: ["R-5"],                      # not R-6 (LN-0005 does not name them)
    dash.QUIZ: ["LN-0002", "LN-0003"],
    dash.IDLE: [("LN-0004", "Cvent"), ("LN-0001", "Cvent")],
    dash.COURSES: [("C3", PCI), ("C4", PCI), ("C4", ISPA), ("C4", ISIT), ("C1", PCI)],
    dash.ACTIVE: ["LN-0001", "LN-0002", "LN-0003", "LN-0004"],  # LN-0006 holds nothing
    dash.LEAVERS: ["LN-0004"],                      # Q4: C4's employment ended 2026-10-31
    dash.QUEUE: ["R-4", "R-2", "R-3", "R-1"],       # D1 row 1: held R-4 with the pending
}


def test_a1_permission_helper_gives_a_specialists_email_only():
    assert additional_email(BOULDER.model_copy(update={"email": " Spec.Boulder@CU.edu "})) \
        == "spec.boulder@cu.edu"
    assert additional_email(SYSTEM) is None
    assert additional_email(BOULDER.model_copy(update={"active": False})) is None
    assert additional_email(None) is None


def test_a1_additional_specialist_sees_named_licenses_panel_by_panel_row_by_row(named):
    board = dash.dashboard(named, BOULDER, DashboardFilters(), AS_OF, limit=None)
    assert {k: keys(p.frame, k) for k, p in board.panels.items()} == EXPECTED
    for key, panel in board.panels.items():
        assert panel.count == len(EXPECTED[key]), key
    assert board.user_counts["Number of Users"] == 4
    assert board.user_counts["Cvent Users"] == 2     # LN-0001 and Denver's LN-0004
    # the rows are the System team's rows of those licenses and requests, column for column
    everyone = dash.dashboard(named, SYSTEM, DashboardFilters(), AS_OF, limit=None)
    for key in (dash.QUIZ, dash.IDLE, dash.ACTIVE, dash.PROVISION, dash.DEPROVISION):
        full = everyone.panels[key].frame
        mine = full[(full["campus"] == "Boulder") | full["license_number"].isin(NAMED)]
        assert board.panels[key].frame.equals(mine.reset_index(drop=True)), key


def test_a1_another_specialist_of_the_same_campus_does_not_get_the_named_licenses(named):
    board = dash.dashboard(named, OTHER_BOULDER, DashboardFilters(), AS_OF, limit=None)
    seen = {ln for p in board.panels.values() for ln in p.frame["license_number"].dropna()}
    assert not seen & NAMED
    assert {c for p in board.panels.values() for c in p.frame["campus"]} <= {"Boulder"}
    assert resolve(OTHER_BOULDER, DashboardFilters()).key() != \
        resolve(BOULDER, DashboardFilters()).key()


ASKED = list(itertools.product((None, "Denver", "UCCS", "Boulder"), (None, "Denver", "Boulder"),
                               (None, ARTS, ATHLETICS)))


@pytest.mark.parametrize("campus,billing,group", ASKED)
def test_a1_a_foreign_license_not_naming_the_specialist_never_shows(named, campus, billing, group):
    asked = DashboardFilters(campus=campus, billing_campus=billing, public_group=group)
    board = dash.dashboard(named, BOULDER, asked, AS_OF, limit=None)
    for key in dash.SPECS:
        for frame in (board.panels[key].frame,
                      dash.panel_rows(named, BOULDER, asked, AS_OF, key)):  # the downloads
            foreign = frame[(frame["campus"] != "Boulder")]
            assert set(foreign["license_number"]) <= NAMED, (key, foreign)
            assert not {"R-6", "R-9", "R-10"} & set(frame.get("request", [])), key
            assert "LN-0005" not in set(frame["license_number"]), key
    # the filters still apply to the named licenses: ARTS is LN-0004's group
    active = set(board.panels[dash.ACTIVE].frame["license_number"])
    if group == ATHLETICS or billing == "Boulder":
        assert "LN-0004" not in active
    elif billing in (None, "Denver") and group in (None, ARTS):
        assert "LN-0004" in active


def test_a1_filter_choices_include_the_groups_of_named_licenses(named):
    mine = dash.filter_choices(named, resolve(BOULDER, DashboardFilters()))
    assert mine["campus"] == ["Boulder"]
    assert ARTS in mine["public_group"]              # Denver's LN-0004 names them
    assert "04 Admissions" in mine["public_group"]   # UCCS's LN-0006 names them
    other = dash.filter_choices(named, resolve(OTHER_BOULDER, DashboardFilters()))
    assert ARTS not in other["public_group"]


def test_a1_every_dashboard_row_opens_its_records_and_foreign_ones_are_not_found(named):
    board = dash.dashboard(named, BOULDER, DashboardFilters(), AS_OF, limit=None)
    for key, panel in board.panels.items():
        for number in panel.frame["license_number"].dropna():
            assert records.license_record(named, BOULDER, number, on=AS_OF)
        for contact in panel.frame["contact_id"].dropna():
            assert records.contact_record(named, BOULDER, contact, on=AS_OF)
    lic = records.license_record(named, BOULDER, "LN-0004", on=AS_OF)
    assert lic.license["affiliated_campus"] == "Denver"
    contact = records.contact_record(named, BOULDER, "C4", on=AS_OF)
    assert [x["license_number"] for x in contact.licenses] == ["LN-0004"]
    for number in ("LN-0005", "LN-9999"):
        with pytest.raises(NotFound):
            records.license_record(named, BOULDER, number, on=AS_OF)
    with pytest.raises(NotFound):
        records.contact_record(named, BOULDER, "C5", on=AS_OF)
    with pytest.raises(NotFound):
        records.license_record(named, OTHER_BOULDER, "LN-0004", on=AS_OF)
