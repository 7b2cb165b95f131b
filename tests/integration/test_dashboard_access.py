"""A1-A3 on the dashboard: a specialist gets their own campus's rows whatever filter or link
asks for another campus; unknown campuses are ignored with a notice; nobody signed in gets
nothing."""
from __future__ import annotations

import itertools

import pytest

from ecomm import reference as ref
from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters, from_params, resolve, to_params
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from tests.integration.dashboard_seed import (ARTS, AS_OF, ATHLETICS, BOULDER, DENVER, MANAGER,
                                              SYSTEM, seed_random, seed_small)

CAMPUS_COLUMN = {dash.PROVISION: "campus", dash.HELD: "campus", dash.DEPROVISION: "campus",
                 dash.QUIZ: "campus", dash.IDLE: "campus", dash.COURSES: "campus",
                 dash.ACTIVE: "campus", dash.LEAVERS: "campus", dash.QUEUE: "campus"}


def campuses_seen(b) -> set[str]:
    return {c for key, p in b.panels.items() for c in p.frame[CAMPUS_COLUMN[key]]}


def test_a1_resolve_pins_a_specialists_campus_and_says_so():
    r = resolve(BOULDER, DashboardFilters(campus="Denver", billing_campus="Denver",
                                          public_group=ARTS))
    assert r.campus_pinned and r.campuses == ["Boulder"]
    assert r.filters == DashboardFilters(campus="Boulder", billing_campus="Denver",
                                         public_group=ARTS)
    assert r.notices == ["A1: as the eComm specialist for Boulder you see Boulder only, not Denver (plus licenses naming you as an additional specialist)."]
    assert r.where().campuses == ("Boulder",)


def test_a2_a3_resolve_lets_system_and_managers_pick_any_campus_or_all():
    for who in (SYSTEM, MANAGER):
        assert resolve(who, DashboardFilters()).campuses is None
        r = resolve(who, DashboardFilters(campus="boulder adv"))
        assert r.filters.campus == "Boulder Advancement" and not r.notices


def test_resolve_ignores_an_unknown_campus_with_a_notice():
    r = resolve(SYSTEM, DashboardFilters(campus="Atlantis", billing_campus="Nowhere"))
    assert r.filters.campus is None and r.filters.billing_campus is None
    assert len(r.notices) == 2 and "Atlantis" in r.notices[0]


def test_a1_nobody_signed_in_or_inactive_or_campusless_gets_nothing():
    with pytest.raises(AccessDenied):
        resolve(None, DashboardFilters())
    with pytest.raises(AccessDenied):
        resolve(BOULDER.model_copy(update={"active": False}), DashboardFilters())
    with pytest.raises(AccessDenied):
        resolve(Identity(email="x@cu.edu", name="X", role=ref.APP_SPECIALIST), DashboardFilters())


def test_filters_round_trip_through_the_url():
    f = DashboardFilters(campus="Denver", billing_campus=None, public_group=ARTS)
    assert to_params(f) == {"campus": "Denver", "group": ARTS}
    assert from_params(to_params(f)) == f
    assert from_params({"campus": "  ", "group": ""}) == DashboardFilters()


ASKED = list(itertools.product((None, "Denver", "Boulder"), (None, "Denver", "Boulder"),
                               (None, ARTS, ATHLETICS)))


@pytest.mark.parametrize("campus,billing,group", ASKED)
def test_a1_a_specialist_never_gets_another_campuss_rows(store, campus, billing, group):
    seed_small(store)
    asked = DashboardFilters(campus=campus, billing_campus=billing, public_group=group)
    b = dash.dashboard(store, BOULDER, asked, AS_OF, limit=None)
    assert campuses_seen(b) <= {"Boulder"}
    for key in dash.SPECS:   # the downloads too
        rows = dash.panel_rows(store, BOULDER, asked, AS_OF, key)
        assert set(rows[CAMPUS_COLUMN[key]]) <= {"Boulder"}
    # and what Boulder gets is exactly the System team's view of Boulder with the same filters
    mine = dash.dashboard(store, SYSTEM, asked.model_copy(update={"campus": "Boulder"}), AS_OF,
                          limit=None)
    for key in dash.SPECS:
        assert b.panels[key].frame.equals(mine.panels[key].frame), key
        assert b.panels[key].counts == mine.panels[key].counts


def test_a1_specialists_of_two_campuses_split_the_organisation(store):
    seed_random(store, 7)
    everyone = dash.dashboard(store, SYSTEM, DashboardFilters(), AS_OF, limit=None)
    b = dash.dashboard(store, BOULDER, DashboardFilters(), AS_OF, limit=None)
    d = dash.dashboard(store, DENVER, DashboardFilters(), AS_OF, limit=None)
    assert campuses_seen(b) == {"Boulder"} and campuses_seen(d) == {"Denver"}
    for key in (dash.QUIZ, dash.IDLE, dash.ACTIVE):
        frame = everyone.panels[key].frame
        assert b.panels[key].count == (frame["campus"] == "Boulder").sum() > 0
        assert d.panels[key].count == (frame["campus"] == "Denver").sum() > 0


def test_a1_filter_choices_are_the_specialists_campus_and_groups(store):
    seed_small(store)
    store.write(lambda cur: cur.execute(
        "INSERT INTO reference_values (kind, campus, value) VALUES "
        "('public_group', 'Boulder', '01 Athletics'), ('public_group', 'Boulder', '01 Band'), "
        "('public_group', 'Denver', '03 Music')"))
    mine = dash.filter_choices(store, resolve(BOULDER, DashboardFilters()))
    assert mine["campus"] == ["Boulder"]
    assert mine["public_group"] == ["01 Admissions", "01 Athletics", "01 Band"]
    everything = dash.filter_choices(store, resolve(MANAGER, DashboardFilters()))
    assert everything["campus"] == list(ref.CAMPUSES)
    assert {"03 Music", ARTS, "04 Admissions"} <= set(everything["public_group"])
