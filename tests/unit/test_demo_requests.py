"""requests.csv: the current cycle's requests (and the two cycles' before, issue 13), each from the campus's own specialist, for
contacts eligible on the day of submission; a few will be held at the next batch (C3)."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import reference as ref
from tests.unit.test_demo_support import Demo, d, dt, lst

# Ordinary days, a cutoff day, the Saturday after a cutoff, New Year, the fiscal year's end,
# a batch day, and a Saturday before the fiscal year's first batch.
AS_OF_DAYS = (date(2026, 11, 23), date(2026, 7, 31), date(2026, 10, 31), date(2027, 1, 4),
              date(2027, 6, 30), date(2026, 12, 1), date(2028, 7, 1))


@pytest.fixture(scope="module", params=AS_OF_DAYS, ids=str)
def demo(request, tmp_path_factory) -> Demo:
    from ecomm.demo import write_demo

    as_of = request.param
    return Demo(write_demo(tmp_path_factory.mktemp("demo"), as_of=as_of, licenses=400), as_of)


def _requests(demo, kind=None):
    return [r for r in demo.rows["requests"] if kind is None or r["kind"] == kind]


def test_c1_requests_were_submitted_in_the_current_cycle_or_the_two_before(demo):
    """Issue 13: the current cycle's requests join one batch, still ahead; the two cycles
    before it have requests too (the loader processes their batches, or leaves the one in its
    first processing week to the System team), on the two batch days before."""
    cal = demo.calendar
    batches = sorted({cal.processing_day_for(dt(r["submitted_at"]).date())
                      for r in _requests(demo)})
    assert len(batches) == 3
    assert batches[-1] > demo.as_of
    assert [(b.year * 12 + b.month) for b in batches] == \
        [(batches[-1].year * 12 + batches[-1].month) - k for k in (2, 1, 0)]
    current = [r for r in _requests(demo)
               if cal.processing_day_for(dt(r["submitted_at"]).date()) == batches[-1]]
    # Issue 17 (P15) adds the demo's change requests, pending in the current cycle too.
    assert {r["kind"] for r in current} == {"provision", "deprovision", "change_groups",
                                            "change"}
    for r in _requests(demo):
        assert dt(r["submitted_at"]).date() <= demo.as_of


def test_p6_p14_every_request_is_submitted_by_its_campus_specialist_who_passed_the_quiz(demo):
    specialists = {u["campus"]: u for u in demo.rows["users"]
                   if u["role"] == "specialist" and u["quiz_passed_on"]}
    assert set(specialists) == set(ref.CAMPUSES)
    for r in _requests(demo):
        u = specialists[r["campus"]]
        assert r["submitted_by"] == u["email"]
        assert d(u["quiz_passed_on"]) <= dt(r["submitted_at"]).date()


def test_p1_to_p5_every_provision_request_is_eligible_on_its_submission_day(demo):
    provisions = _requests(demo, "provision")
    assert len(provisions) >= 10
    for r in provisions:
        at = dt(r["submitted_at"])
        assert demo.failures(r["contact_id"], r["campus"], at.date(), at) == [], r["request_id"]


def test_c3_a_few_provision_requests_will_be_held_at_the_batch_for_a_course_only(demo):
    held = []
    for r in _requests(demo, "provision"):
        batch = demo.calendar.processing_day_for(dt(r["submitted_at"]).date())
        failing = demo.failures(r["contact_id"], r["campus"], batch)
        assert failing in ([], ["P5"]), (r["request_id"], failing)
        if failing:
            held.append(r["request_id"])
    assert 2 <= len(held) <= len(_requests(demo, "provision")) // 3


def test_p5_request_course_dates_are_the_contacts_latest_completions(demo):
    for r in _requests(demo, "provision"):
        day = dt(r["submitted_at"]).date()
        for col, course in ref.COURSE_REQUEST_COLUMNS.items():
            assert d(r[col]) == demo.latest_course(r["contact_id"], course, day), (r["request_id"], col)


def test_p7_p10_p11_p12_provision_requests_are_complete_and_consistent(demo):
    by_contact = {}
    for n, lic in demo.licenses.items():
        by_contact.setdefault(lic["contact_id"], []).append(n)
    kinds = {"new": 0, "more_apps": 0, "replaces": 0, "poi": 0, "mec": 0}
    for r in _requests(demo, "provision"):
        apps = lst(r["applications"])
        assert apps, r["request_id"]
        held = {a for n in by_contact.get(r["contact_id"], []) for a in demo.active_apps(n)}
        assert not set(apps) & held, r["request_id"]  # P7
        assert lst(r["business_units"]) and lst(r["public_groups"])  # P11
        assert r["billing_campus"] and r["campus_speedtype"]  # P12
        if r["license_number"]:
            assert demo.licenses[r["license_number"]]["contact_id"] == r["contact_id"]
            kinds["more_apps"] += 1
        else:
            kinds["new"] += 1
            assert r["contact_id"] not in by_contact
        if r["replaces_license"]:  # P10
            old = demo.licenses[r["replaces_license"]]
            assert old["affiliated_campus"] == r["campus"]
            assert not demo.license_active(r["replaces_license"])
            assert all(d(a["deprovisioned_on"]) <= dt(r["submitted_at"]).date()
                       for a in demo.apps[r["replaces_license"]])
            kinds["replaces"] += 1
        if demo.contacts[r["contact_id"]]["poi"] == "true":
            kinds["poi"] += 1
        if r["ecomm_role"] == ref.ROLE_MEC:
            kinds["mec"] += 1
    assert all(kinds.values()), kinds
    assert len({r["campus"] for r in _requests(demo, "provision")}) == len(ref.CAMPUSES)
    assert len({r["replaces_license"] for r in _requests(demo) if r["replaces_license"]}) == kinds["replaces"]


def test_c4_deprovision_requests_some_with_salesforce_for_applications_held(demo):
    deps = _requests(demo, "deprovision")
    assert len(deps) >= 4
    for r in deps:
        lic = demo.licenses[r["license_number"]]
        assert lic["contact_id"] == r["contact_id"] and lic["affiliated_campus"] == r["campus"]
        apps = lst(r["applications"])
        others = set(apps) - {ref.SALESFORCE}
        assert apps and others <= set(demo.active_apps(r["license_number"]))
        if ref.SALESFORCE in apps:  # C4: removed at once, on the day of submission
            day = dt(r["submitted_at"]).date()
            sf = [a for a in demo.apps[r["license_number"]] if a["application"] == ref.SALESFORCE]
            assert [d(a["deprovisioned_on"]) for a in sf if a["deprovisioned_on"]
                    and d(a["deprovisioned_on"]) >= day] == [day], r["request_id"]
    with_sf = [r for r in deps if ref.SALESFORCE in lst(r["applications"])]
    assert with_sf and len(with_sf) < len(deps)


def test_c5_change_groups_requests_for_active_licenses(demo):
    changes = _requests(demo, "change_groups")
    assert len(changes) >= 2
    for r in changes:
        lic = demo.licenses[r["license_number"]]
        assert demo.license_active(r["license_number"])
        assert lic["contact_id"] == r["contact_id"]
        # a change lists only what it adds, never what the license is in already (P11)
        assert lst(r["public_groups"])
        assert not set(lst(r["public_groups"])) & set(lst(lic["public_groups"]))
        assert not set(lst(r["business_units"])) & set(lst(lic["business_units"]))


def test_one_request_per_contact_and_license(demo):
    contacts = [r["contact_id"] for r in _requests(demo)]
    assert len(contacts) == len(set(contacts))
    numbers = [r["license_number"] for r in _requests(demo) if r["license_number"]]
    assert len(numbers) == len(set(numbers))
