"""Q4 leavers: the pure rule (ecomm.leavers) at its boundaries, its SQL twin giving the same
answers day by day, and the list's scope (A1)."""
from __future__ import annotations

from datetime import date, timedelta

from ecomm import compliance as q
from ecomm.leavers import (EMPLOYMENT_ENDED, EMPLOYMENT_INACTIVE, NO_EMPLOYMENT, POI_INACTIVE,
                           PersonStatus, q4_leaver, q4_leavers)
from ecomm.rules.models import Employment
from ecomm.storage.leavers import leaver_list
from tests.integration.dashboard_seed import BOULDER, bulk

END = date(2026, 10, 31)
D = date.fromisoformat


def emp(status="Active", end=None, campus="Boulder", start=date(2020, 1, 1)) -> Employment:
    return Employment(campus=campus, status=status, start_date=start, end_date=end)


def test_q4_employment_ending_on_a_day_makes_a_leaver_the_day_after():
    person = PersonStatus(contact_id="C1", employments=[emp(end=END)])
    assert q4_leaver(person, END) is None                       # still employed that day
    assert q4_leaver(person, END + timedelta(days=1)) == (
        EMPLOYMENT_ENDED, END + timedelta(days=1))


def test_q4_one_active_employment_is_enough_and_an_inactive_poi_is_a_leaver():
    two = PersonStatus(contact_id="C1", employments=[emp(end=END), emp(campus="Denver")])
    assert q4_leaver(two, END + timedelta(days=40)) is None
    assert q4_leaver(PersonStatus(contact_id="P", poi=True, poi_active=True),
                            END) is None
    assert q4_leaver(PersonStatus(contact_id="P", poi=True, poi_active=False),
                            END) == (POI_INACTIVE, None)
    assert q4_leaver(PersonStatus(contact_id="P", poi=True), END) == (POI_INACTIVE, None)
    assert q4_leaver(PersonStatus(contact_id="N"), END) == (NO_EMPLOYMENT, None)
    inactive = PersonStatus(contact_id="I", employments=[emp(status="Inactive")])
    assert q4_leaver(inactive, END) == (EMPLOYMENT_INACTIVE, None)
    # Inactive with an end date still ahead: inactive, the data does not say since when
    later = PersonStatus(contact_id="I", employments=[emp(status="Inactive", end=END)])
    assert q4_leaver(later, END) == (EMPLOYMENT_INACTIVE, None)
    assert q4_leaver(later, END + timedelta(days=1)) == (
        EMPLOYMENT_ENDED, END + timedelta(days=1))


PEOPLE = {  # contact -> (poi, poi_active, employments as (status, end))
    "C1": (False, None, [("Active", END)]),
    "C2": (False, None, [("Active", END), ("Active", END + timedelta(days=20))]),
    "C3": (False, None, [("Inactive", None)]),
    "C4": (False, None, []),
    "C5": (True, True, []),
    "C6": (True, False, []),
    "C7": (False, None, [("Active", None)]),
    "C8": (False, None, [("Inactive", END + timedelta(days=5)), ("active ", END)]),
}
APPS = {  # license -> (contact, campus, provisioned, deprovisioned)
    "LN-0001": ("C1", "Boulder", D("2025-01-01"), None),
    "LN-0002": ("C2", "Boulder", D("2025-01-01"), END + timedelta(days=10)),
    "LN-0003": ("C3", "Denver", D("2025-01-01"), None),
    "LN-0004": ("C4", "Denver", END + timedelta(days=3), None),
    "LN-0005": ("C5", "Boulder", D("2025-01-01"), None),
    "LN-0006": ("C6", "Boulder", D("2025-01-01"), None),
    "LN-0007": ("C7", "Boulder", D("2025-01-01"), None),
    "LN-0008": ("C8", "Boulder", D("2025-01-01"), None),
    "LN-0009": ("C1", "Denver", D("2025-01-01"), None),
}


def seed(store) -> None:
    bulk(store, "contacts", [{"contact_id": c, "last_name": c, "poi": poi, "poi_active": act}
                             for c, (poi, act, _) in PEOPLE.items()])
    bulk(store, "employments", [{"contact_id": c, "campus": "Boulder", "status": s,
                                 "start_date": D("2020-01-01"), "end_date": e}
                                for c, (_, _, emps) in PEOPLE.items() for s, e in emps])
    bulk(store, "licenses", [{"license_number": ln, "contact_id": c, "affiliated_campus": campus,
                              "ecomm_specialist": f"spec.{campus.lower()}@cu.edu"}
                             for ln, (c, campus, _, _) in APPS.items()])
    bulk(store, "license_apps", [{"license_number": ln, "application": "Cvent",
                                  "provisioned_on": p, "deprovisioned_on": d}
                                 for ln, (_, _, p, d) in APPS.items()])


def pure(as_of: date) -> list[tuple]:
    people = {c: PersonStatus(contact_id=c, poi=poi, poi_active=act, employments=[
        Employment(campus="Boulder", status=s, start_date=D("2020-01-01"), end_date=e)
        for s, e in emps]) for c, (poi, act, emps) in PEOPLE.items()}
    lics = [q.LicenseFacts(license_number=ln, contact_id=c, apps=[q.AppFacts(
        application="Cvent", provisioned_on=p, deprovisioned_on=d)])
        for ln, (c, _, p, d) in APPS.items()]
    return [r.core() for r in q4_leavers(lics, people, as_of)]


def test_q4_leaver_sql_equals_the_pure_rule_at_every_boundary(store):
    seed(store)
    for n in range(-3, 30):
        as_of = END + timedelta(days=n)
        assert [r.core() for r in leaver_list(store, as_of)] == pure(as_of), as_of


def test_q4_leaver_list_by_hand_the_day_after_employment_ended(store):
    seed(store)
    rows = {r.license_number: r for r in leaver_list(store, END + timedelta(days=1))}
    # C1 ended on END (both licenses); C3 inactive; C6 an inactive POI; C4 not yet provisioned;
    # C2 still employed until END+20; C8's "active " employment ended on END, the other is
    # Inactive: inactive (no date)
    assert sorted(rows) == ["LN-0001", "LN-0003", "LN-0006", "LN-0008", "LN-0009"]
    assert rows["LN-0001"].reason_text == "CU employment ended (leaver since 2026-11-01)"
    assert rows["LN-0001"].specialists == ["spec.boulder@cu.edu"]
    assert rows["LN-0003"].reason == EMPLOYMENT_INACTIVE and rows["LN-0003"].since is None
    assert rows["LN-0006"].reason == POI_INACTIVE
    assert rows["LN-0008"].reason == EMPLOYMENT_INACTIVE
    later = {r.license_number for r in leaver_list(store, END + timedelta(days=21))}
    assert "LN-0002" not in later          # removed before C2's employment ended
    assert "LN-0004" in later              # provisioned on END+3 with no employment at all


def test_q4_a1_specialist_sees_only_their_campus_leavers(store):
    seed(store)
    rows = leaver_list(store, END + timedelta(days=1), BOULDER)
    assert [r.license_number for r in rows] == ["LN-0001", "LN-0006", "LN-0008"]


def test_q4_dashboard_leavers_row_and_its_rows_to_deprovisioning_items(store):
    from ecomm.dashboard import panels as dash
    from ecomm.dashboard.filters import DashboardFilters
    from tests.integration.dashboard_seed import SYSTEM

    seed(store)
    board = dash.dashboard(store, SYSTEM, DashboardFilters(), END + timedelta(days=1))
    row = board.panels[dash.LEAVERS]
    assert list(row.frame["license_number"]) == ["LN-0001", "LN-0003", "LN-0006", "LN-0008",
                                                 "LN-0009"]
    assert row.counts == {"n_rows": 5, "n_contacts": 4}
    assert "5 license(s) of 4 user(s) who no longer meet P3" in row.summary
    items = dash.deprovision_items(dash.LEAVERS, row.frame.iloc[[0, 4]], "left CU")
    assert [(i.license_number, i.applications, i.reason) for i in items] == [
        ("LN-0001", None, "left CU"), ("LN-0009", None, "left CU")]
