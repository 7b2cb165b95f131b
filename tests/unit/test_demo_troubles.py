"""Every trouble the sources describe is in the demo, counted from its CSV files."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from ecomm import reference as ref
from ecomm.demo import write_demo
from tests.unit.test_demo_support import Demo, d, lst, truthy

AS_OF = date(2026, 11, 23)
SIX_MONTHS_AGO = date(2026, 5, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    return Demo(write_demo(tmp_path_factory.mktemp("demo"), as_of=AS_OF), AS_OF)


def _employed(demo, cid) -> list[str]:
    return [e["campus"] for e in demo.employments[cid] if e["status"] == "Active"]


def _holders(demo) -> dict[str, str]:
    """contact_id -> campus of every license that still holds an application."""
    return {r["contact_id"]: r["affiliated_campus"] for n, r in demo.licenses.items()
            if demo.license_active(n)}


def test_p1_contacts_missing_their_campus_email_or_with_it_in_another_field(demo):
    missing, wrong_field = 0, 0
    for cid, c in demo.contacts.items():
        for campus in _employed(demo, cid):
            field = ref.CAMPUS_EMAIL_FIELD[campus]
            if c["employee_id"] and not c[field]:
                missing += 1
                others = [c[f] for f in ref.EMAIL_FIELD_LABEL if f != field and c[f]]
                if any(a.endswith("@" + c_domain(campus)) for a in others):
                    wrong_field += 1
    assert missing >= 3
    assert wrong_field >= 1


def c_domain(campus: str) -> str:
    return {"Boulder": "colorado.edu", "Boulder Advancement": "colorado.edu",
            "Denver": "ucdenver.edu", "Anschutz": "cuanschutz.edu", "UCCS": "uccs.edu",
            "System": "cu.edu"}[campus]


def test_p2_contacts_without_employee_id(demo):
    n = sum(1 for cid, c in demo.contacts.items()
            if not c["employee_id"] and _employed(demo, cid)
            and any(c[ref.CAMPUS_EMAIL_FIELD[k]] for k in _employed(demo, cid)))
    assert n >= 2


def test_p3_active_and_inactive_pois_have_no_employment(demo):
    pois = [c for c in demo.contacts.values() if truthy(c["poi"])]
    assert sum(1 for c in pois if truthy(c["poi_active"])) >= 2
    assert sum(1 for c in pois if c["poi_active"] == "false") >= 2
    assert all(not demo.employments[c["contact_id"]] for c in pois)
    assert all(c["poi_active"] == "" for c in demo.contacts.values() if not truthy(c["poi"]))


def test_p3_inactive_employments_including_licensed_people_who_left(demo):
    left = [cid for cid, es in demo.employments.items() if es and all(e["status"] == "Inactive" for e in es)]
    assert len(left) >= 3
    assert all(e["end_date"] for cid in left for e in demo.employments[cid])
    holders = _holders(demo)
    assert sum(1 for cid in left if cid in holders) >= 2


def _duplicate_pairs(demo) -> list[tuple[str, str]]:
    by_id, by_name = defaultdict(list), defaultdict(list)
    for cid, c in demo.contacts.items():
        if c["employee_id"]:
            by_id[c["employee_id"]].append(cid)
        by_name[(c["first_name"], c["last_name"])].append(cid)
    pairs = set()
    for ids in by_id.values():
        pairs |= {(a, b) for a in ids for b in ids if a < b}
    fields = ("email",) + tuple(ref.EMAIL_FIELD_LABEL)
    for ids in by_name.values():
        for a in ids:
            for b in ids:
                ea = {demo.contacts[a][f] for f in fields} - {""}
                eb = {demo.contacts[b][f] for f in fields} - {""}
                if a < b and ea & eb:
                    pairs.add((a, b))
    return sorted(pairs)


def test_p13_duplicates_by_employee_id_and_by_name_with_matching_email(demo):
    pairs = _duplicate_pairs(demo)
    same_id = [p for p in pairs if demo.contacts[p[0]]["employee_id"] == demo.contacts[p[1]]["employee_id"]]
    assert len(same_id) >= 2
    assert len(pairs) - len(same_id) >= 2


def test_p4_agreement_sits_on_the_duplicate_and_some_were_added_by_hand(demo):
    on_duplicate = 0
    for a, b in _duplicate_pairs(demo):
        signed = [x for x in (a, b) if x in demo.agreement and not demo.agreement[x]["added_by"]]
        if len(signed) == 1:
            other = b if signed[0] == a else a
            if other not in demo.agreement or demo.agreement[other]["added_by"]:
                on_duplicate += 1
    assert on_duplicate >= 3
    manual = [r for r in demo.rows["campaign_members"] if r["added_by"]]
    assert manual and all(r["reason"] and r["signed_at"] for r in manual)
    assert all(r["contact_id"] in _holders(demo) for r in manual)


def _course_state(demo, cid) -> list[int]:
    """Days until each course goes out of date (negative: already out of date)."""
    out = []
    for course in ref.COURSES:
        c = demo.latest_course(cid, course, AS_OF)
        if c is not None:
            out.append((c + timedelta(days=demo.policy.course_valid_days(course)) - AS_OF).days)
    return out


def test_q3_licensed_users_with_courses_expiring_within_60_days_and_out_of_date(demo):
    holders = _holders(demo)
    states = {cid: _course_state(demo, cid) for cid in holders}
    expiring = [cid for cid, s in states.items() if min(s) > 0 and min(s) <= 60]
    out_of_date = [cid for cid, s in states.items() if min(s) <= 0]
    assert len(expiring) >= 3
    assert len(out_of_date) >= 3
    assert len(expiring) + len(out_of_date) < len(holders) / 3  # most users are compliant


def test_p5_pci_is_valid_365_days_the_others_730_in_the_data(demo):
    pci = [c for cid in _holders(demo) for n, c in demo.courses[cid] if n == ref.COURSE_PCI]
    other = [c for cid in _holders(demo) for n, c in demo.courses[cid] if n == ref.COURSE_PRIVACY]
    assert min(pci) > AS_OF - timedelta(days=3 * 365)
    # compliant users retake PCI yearly, the others every two years
    assert sum(1 for c in pci if c > AS_OF - timedelta(days=365)) > len(pci) / 2
    assert sum(1 for c in other if c <= AS_OF - timedelta(days=365)) > len(other) / 5


def test_b3_chatter_free_licenses_are_cvent_only(demo):
    chatter = [n for n, r in demo.licenses.items() if r["salesforce_profile"] == ref.PROFILE_CHATTER_FREE]
    assert len(chatter) >= 3
    for n in chatter:
        assert sorted(a["application"] for a in demo.apps[n]) == sorted([ref.SALESFORCE, ref.CVENT])


def test_mec_role_licenses_exist(demo):
    mec = [r for r in demo.licenses.values() if r["ecomm_role"] == ref.ROLE_MEC]
    assert len(mec) >= 2
    assert all(lst(r["business_units"]) == [ref.NA_MEC] for r in mec)


def test_p8_super_users_only_at_anschutz_uccs_and_system(demo):
    su = [r for r in demo.licenses.values() if r["super_user_permissions"]]
    assert len(su) >= 2
    assert {r["affiliated_campus"] for r in su} <= {"Anschutz", "UCCS", "System"}


def test_p9_cvent_add_ons_only_with_cvent(demo):
    with_addons = [n for n, r in demo.licenses.items() if r["cvent_add_ons"]]
    assert with_addons
    assert all(ref.CVENT in demo.active_apps(n) for n in with_addons)
    paid_approval = [n for n, r in demo.licenses.items()
                     if ref.SUPER_USER_PERMISSIONS[0] in lst(r["super_user_permissions"])]
    assert all(ref.CVENT in demo.active_apps(n) for n in paid_approval)


def test_p12_unit_speedtype_splits_and_other_billing_campuses(demo):
    splits = [r for r in demo.licenses.values() if len(lst(r["unit_speedtypes"])) >= 2]
    assert len(splits) >= 3
    assert all(r["speedtype_notes"] for r in splits)
    assert any(r["billing_campus"] != r["affiliated_campus"] for r in demo.licenses.values())


def test_a1_additional_specialists_on_some_licenses(demo):
    extra = [r for r in demo.licenses.values() if r["additional_specialists"]]
    assert len(extra) >= 2
    assert all(r["ecomm_specialist"] not in lst(r["additional_specialists"]) for r in extra)
    assert any("new.specialist@colorado.edu" in lst(r["additional_specialists"]) for r in extra)


def _start(demo, number) -> date:
    return min(d(a["provisioned_on"]) for a in demo.apps[number])


def test_p10_transfers_replace_a_deprovisioned_license_of_the_same_campus_and_are_not_net_new(demo):
    transfers = [r for r in demo.licenses.values() if r["replaces_license"]]
    assert len(transfers) >= 2
    for r in transfers:
        old = demo.licenses[r["replaces_license"]]
        assert old["affiliated_campus"] == r["affiliated_campus"]
        start = _start(demo, r["license_number"])
        assert all(a["deprovisioned_on"] and d(a["deprovisioned_on"]) <= start
                   for a in demo.apps[old["license_number"]])
        first = [a for a in demo.apps[r["license_number"]] if d(a["provisioned_on"]) == start]
        # rev 2 (P10): per application: a transfer only when the replaced license held it and
        # it left this fiscal year (a Chatter Free Salesforce makes no paid one)
        left = {a["application"]: d(a["deprovisioned_on"]) for a in demo.apps[old["license_number"]]}
        free_to_paid = (old["salesforce_profile"] == ref.PROFILE_CHATTER_FREE
                        and r["salesforce_profile"] != ref.PROFILE_CHATTER_FREE)
        for a in first:
            moved = (a["application"] in left and left[a["application"]] >= date(2026, 7, 1)
                     and not (a["application"] == ref.SALESFORCE and free_to_paid))
            assert a["net_new"] == ("false" if moved else "true"), (r["license_number"], a)


def test_b5_the_demo_has_seats_continued_within_the_fiscal_year(demo):
    """B5 (rev 2): a seat net new this year (after the July batch) whose holder left and was
    replaced by a transfer: the chain the true-ups bill once."""
    chains = []
    for r in demo.licenses.values():
        if not r["replaces_license"]:
            continue
        root = demo.apps[r["replaces_license"]]
        if any(a["net_new"] == "true" and d(a["provisioned_on"]) > date(2026, 7, 31)
               for a in root) and any(a["net_new"] == "false" for a in demo.apps[r["license_number"]]):
            chains.append(r["license_number"])
    assert len(chains) >= 2, chains


def test_b6_net_new_applications_in_every_month_of_this_fiscal_year_so_far(demo):
    cal = demo.calendar
    months = [(2026, m) for m in range(7, 12)]  # FY2027 up to AS_OF
    assert all(cal.first_business_day(y, m) <= AS_OF for y, m in months)
    for y, m in months:
        rows = [a for apps in demo.apps.values() for a in apps
                if d(a["provisioned_on"]).replace(day=1) == date(y, m, 1)]
        assert any(a["net_new"] == "true" for a in rows), (y, m)
        assert all(d(a["provisioned_on"]) == cal.first_business_day(y, m) for a in rows)
    in_fy = [a for apps in demo.apps.values() for a in apps if d(a["provisioned_on"]) >= date(2026, 7, 1)]
    assert any(a["net_new"] == "false" for a in in_fy)


def test_deprovisioned_applications_and_whole_licenses(demo):
    rows = [a for apps in demo.apps.values() for a in apps]
    assert sum(1 for a in rows if a["deprovisioned_on"]) >= 10
    gone = [n for n in demo.licenses if not demo.license_active(n)]
    assert len(gone) >= 4
    for a in rows:
        if a["deprovisioned_on"]:
            assert d(a["provisioned_on"]) <= d(a["deprovisioned_on"]) <= AS_OF
        if a["last_login_on"]:
            assert d(a["provisioned_on"]) <= d(a["last_login_on"]) <= AS_OF
            assert not a["deprovisioned_on"] or d(a["last_login_on"]) <= d(a["deprovisioned_on"])


def test_q2_users_idle_for_more_than_six_months(demo):
    idle = {n for n, apps in demo.apps.items() for a in apps
            if not a["deprovisioned_on"] and a["last_login_on"] and d(a["last_login_on"]) < SIX_MONTHS_AGO}
    assert len(idle) >= 3
    assert len(idle) < len(demo.licenses) / 5


def test_q1_new_users_past_60_days_without_quiz_are_not_senders(demo):
    overdue, recent_unpassed = 0, 0
    for n, r in demo.licenses.items():
        assert (r["not_a_sender"] == "true") == (r["quiz_passed_on"] == ""), n
        if r["quiz_passed_on"]:
            assert d(r["quiz_passed_on"]) >= _start(demo, n)
        if demo.license_active(n) and not r["quiz_passed_on"]:
            if _start(demo, n) <= AS_OF - timedelta(days=61):
                overdue += 1
            else:
                recent_unpassed += 1
    assert overdue >= 2
    assert recent_unpassed >= 1


@pytest.mark.parametrize("as_of", (date(2028, 7, 1), date(2027, 7, 1), date(2027, 8, 31),
                                   date(2027, 2, 15), date(2026, 12, 31)), ids=str)
def test_demo_troubles_are_present_whatever_day_it_is_made(tmp_path, as_of):
    """Made on any day (even before the fiscal year's first batch), the demo still has
    transfers, net-new applications this FY where there were batches, Q1-Q3 cases."""
    demo = Demo(write_demo(tmp_path, as_of=as_of, licenses=300), as_of)
    fy_start = date(as_of.year if as_of.month >= 7 else as_of.year - 1, 7, 1)
    assert any(r["replaces_license"] for r in demo.licenses.values())
    y, m = fy_start.year, fy_start.month
    while demo.calendar.first_business_day(y, m) <= as_of:
        assert any(a["net_new"] == "true" and d(a["provisioned_on"]).replace(day=1) == date(y, m, 1)
                   for apps in demo.apps.values() for a in apps), (y, m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    active = [n for n in demo.licenses if demo.license_active(n)]
    assert any(not demo.licenses[n]["quiz_passed_on"] and _start(demo, n) <= as_of - timedelta(days=61)
               for n in active)
    assert any(a["last_login_on"] and d(a["last_login_on"]) < as_of - timedelta(days=184)
               for n in active for a in demo.apps[n] if not a["deprovisioned_on"])
    states = [min(_state_on(demo, demo.licenses[n]["contact_id"], as_of)) for n in active]
    assert any(0 < s <= 60 for s in states) and any(s <= 0 for s in states)
    assert all(d(a["provisioned_on"]) <= as_of for apps in demo.apps.values() for a in apps)


def _state_on(demo, cid, on) -> list[int]:
    out = []
    for course in ref.COURSES:
        c = demo.latest_course(cid, course, on)
        out.append((c + timedelta(days=demo.policy.course_valid_days(course)) - on).days if c else -1)
    return out


def test_p5_p13_a_course_completion_sits_on_the_duplicate_contact(demo):
    """The contact has two of the three courses; the third is recorded on its duplicate."""
    found = 0
    for pair in _duplicate_pairs(demo):
        for me, dup in (pair, pair[::-1]):
            mine = [c for c in ref.COURSES if demo.course_valid(me, c, AS_OF)]
            theirs = [c for c in ref.COURSES if demo.course_valid(dup, c, AS_OF)]
            if len(mine) == 2 and theirs and not set(theirs) & set(mine):
                found += 1
    assert found >= 1
