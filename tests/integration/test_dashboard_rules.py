"""The dashboard's SQL panels agree with the pure rules (ecomm.compliance Q1-Q3, held on a day)
and with the existing SQL lists (ecomm.storage.compliance), under every combination of the
filters, on random organisations; the request panels' batch agrees with the batch planner (C1)."""
from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from ecomm import compliance as q
from ecomm.batch.plan import effective_cycle
from ecomm.batch.models import QueuedRequest
from ecomm.dashboard import panels as dash
from ecomm.policy import Policy
from ecomm.storage import compliance as sc
from ecomm.storage.dashboard import Where
from tests.integration.dashboard_seed import (CAMPUSES, GROUPS, bulk, facts, licenses_table,
                                              matching, seed_random)

P = Policy()
OTHER = Policy(quiz_reminder_days=[3, 10], quiz_deadline_days=20, idle_months=2,
               course_expiring_days=15, course_valid_days_pci=200)
DAYS = [date(2026, 9, 1), date(2026, 11, 23), date(2027, 2, 28), date(2027, 3, 31)]
FILTERS = [dict(zip(("campus", "billing", "group"), f)) for f in itertools.product(
    (None, "Boulder", "Denver"), (None, "Boulder", "UCCS"), (None, "G1"))]


def _d(v):
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v.item() if hasattr(v, "item") else v


def rows(frame: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(_d(r[c]) for c in cols) for r in frame.to_dict("records")]


def ctx(store, as_of, policy):
    c = dash.context(store, as_of)
    c.policy = policy
    return c


def panel(store, key, as_of, policy, **f):
    w = Where(campus=f.get("campus"), billing_campus=f.get("billing"), public_group=f.get("group"))
    c = ctx(store, as_of, policy)
    frame, counts = dash._query(key)(store, w, c, None)
    return frame, counts


# `make check` keeps one seed per policy (default-policy-11, other-policy-12); the other two
# cases (about 10 s each) run in `make test`.
@pytest.mark.parametrize("policy,seed", [
    pytest.param(P, 11, id="default-policy-11"),
    pytest.param(P, 12, id="default-policy-12", marks=pytest.mark.slow),
    pytest.param(OTHER, 11, id="other-policy-11", marks=pytest.mark.slow),
    pytest.param(OTHER, 12, id="other-policy-12")])
def test_q1_q2_q3_panels_agree_with_the_pure_rules_under_every_filter(store, seed, policy):
    seed_random(store, seed)
    table = licenses_table(store)
    reached = {"quiz": 0, "idle": 0, "course": 0, "active": 0}
    for as_of, f in itertools.product(DAYS, FILTERS):
        keep = matching(table, campus=f["campus"], billing=f["billing"], group=f["group"])
        lics, comps = facts(store, keep)

        frame, counts = panel(store, dash.QUIZ, as_of, policy, **f)
        want = sorted(q.quiz_statuses(lics, as_of, policy),
                      key=lambda s: (not s.overdue, s.provisioned_on, s.license_number))
        assert rows(frame, ["license_number", "contact_id", "provisioned_on", "days_since",
                            "quiz_deadline", "latest_reminder", "overdue"]) == [
            (s.license_number, s.contact_id, s.provisioned_on, s.days_since, s.quiz_deadline,
             s.latest_reminder, s.overdue) for s in want], (as_of, f)
        assert counts == {"n_rows": len(want), "n_overdue": sum(s.overdue for s in want)}
        reached["quiz"] += len(frame)

        frame, counts = panel(store, dash.IDLE, as_of, policy, **f)
        want = sorted(q.idle_apps(lics, as_of, policy),
                      key=lambda r: (r.idle_on, r.license_number, r.application, r.provisioned_on))
        assert rows(frame, ["license_number", "application", "provisioned_on", "last_login_on",
                            "idle_since", "idle_on"]) == [
            (r.license_number, r.application, r.provisioned_on, r.last_login_on, r.idle_since,
             r.idle_on) for r in want], (as_of, f)
        assert counts["n_licenses"] == len({r.license_number for r in want})
        reached["idle"] += len(frame)

        frame, counts = panel(store, dash.COURSES, as_of, policy, **f)
        want = q.course_statuses(lics, comps, as_of, policy)
        assert sorted(rows(frame, ["contact_id", "course", "completed_on", "expires_on",
                                   "status"])) == sorted(c.core() for c in want), (as_of, f)
        assert counts["n_contacts"] == len({c.contact_id for c in want})
        for r in frame.to_dict("records"):   # the license named is one of the contact's kept ones
            assert r["license_number"] in keep and table[r["license_number"]]["contact_id"] == r[
                "contact_id"]

        frame, counts = panel(store, dash.ACTIVE, as_of, policy, **f)
        held = {lic.license_number: {a.application for a in lic.apps
                                     if q.app_held(a.provisioned_on, a.deprovisioned_on, as_of)}
                for lic in lics}
        held = {k: v for k, v in held.items() if v}
        assert list(frame["license_number"]) == sorted(held), (as_of, f)
        chatter = {k for k in held if table[k]["salesforce_profile"] == "Chatter Free User"}
        assert counts["n_Salesforce"] == sum(1 for k, v in held.items()
                                             if "Salesforce" in v and k not in chatter)
        assert counts["n_chatter_free"] == sum(1 for k in chatter if "Salesforce" in held[k])
        assert counts["n_Cvent"] == sum(1 for v in held.values() if "Cvent" in v)

        reached["course"] += len(want)
        reached["active"] += len(held)
    assert all(v > 0 for v in reached.values()), reached


@pytest.mark.parametrize("as_of", [date(2026, 11, 23), date(2027, 2, 28)])
def test_q1_q3_panels_agree_with_the_existing_sql_lists(store, as_of):
    seed_random(store, 5)
    frame, _ = panel(store, dash.QUIZ, as_of, P)
    assert sorted(frame["license_number"]) == [s.license_number for s in sc.quiz_list(store, as_of, P)]
    frame, _ = panel(store, dash.IDLE, as_of, P)
    assert sorted(rows(frame, ["license_number", "application", "provisioned_on"])) == [
        (r.license_number, r.application, r.provisioned_on) for r in sc.idle_list(store, as_of, P)]
    frame, _ = panel(store, dash.COURSES, as_of, P)
    assert sorted(rows(frame, ["contact_id", "course", "status"])) == sorted(
        (c.contact_id, c.course, c.status) for c in sc.course_list(store, as_of, P))


def test_c1_request_panels_batch_is_the_batch_planners(store):
    """Random submission instants around month ends (Denver time, UTC stored) get the cycle
    the batch planner gives them; a stored cycle wins."""
    rnd = random.Random(3)
    rows_, expected = [], {}
    for i in range(300):
        month_end = date(2026, rnd.randint(1, 12), 1) - timedelta(days=1)
        at = datetime.combine(month_end, datetime.min.time()) + timedelta(
            hours=rnd.randint(-72, 72), minutes=rnd.choice([0, 29, 59]))
        cycle = rnd.choice([None] * 5 + ["2026-03"])
        rid = f"R-{i:04d}"
        rows_.append({"request_id": rid, "kind": "provision", "contact_id": "C", "campus":
                      rnd.choice(CAMPUSES), "submitted_at": at, "submitted_by": "x@cu.edu",
                      "status": "pending", "cycle": cycle, "applications": ["Salesforce"],
                      "public_groups": [rnd.choice(GROUPS)]})
        expected[rid] = effective_cycle(QueuedRequest(
            request_id=rid, kind="provision", contact_id="C", campus="Boulder",
            submitted_at=at, submitted_by="x@cu.edu", status="pending", cycle=cycle,
            applications=["Salesforce"]))
    bulk(store, "requests", rows_)
    c = dash.context(store, date(2026, 12, 15))
    frame, counts = dash._query(dash.PROVISION)(store, Where(), c, None)
    assert dict(zip(frame["request"], frame["cycle"])) == expected
    assert counts["by_cycle"] == {k: list(expected.values()).count(k) for k in set(expected.values())}


def test_q1_q2_q3_panel_day_boundaries(store):
    """Day 59 is not overdue, day 60 is; a login six months ago to the day is idle, one a day
    later is not; a course is expiring 60 days before it goes out of date, non-compliant on it."""
    as_of = date(2026, 11, 23)
    pci = P.course_valid_days("PCI Compliance")
    lic = [{"license_number": f"LN-{i}", "contact_id": f"C{i}", "affiliated_campus": "Boulder",
            "quiz_passed_on": None if i < 2 else date(2026, 1, 1)} for i in range(6)]
    bulk(store, "contacts", [{"contact_id": f"C{i}", "last_name": "X"} for i in range(6)])
    bulk(store, "licenses", lic)
    apps = [("LN-0", as_of - timedelta(days=59), None), ("LN-1", as_of - timedelta(days=60), None),
            ("LN-2", date(2025, 1, 1), date(2026, 5, 23)), ("LN-3", date(2025, 1, 1), date(2026, 5, 24)),
            ("LN-4", date(2025, 1, 1), as_of), ("LN-5", date(2025, 1, 1), as_of)]
    bulk(store, "license_apps", [{"license_number": n, "application": "Salesforce",
                                  "provisioned_on": p, "last_login_on": l or as_of}
                                 for n, p, l in apps])
    comps = []
    for i, done in ((4, as_of - timedelta(days=pci - 60)), (5, as_of - timedelta(days=pci - 61))):
        comps += [{"contact_id": f"C{i}", "course": c, "completed_on": date(2026, 6, 1)}
                  for c in ("Information Security & Privacy Awareness",
                            "Information Security for IT Service Providers")]
        comps.append({"contact_id": f"C{i}", "course": "PCI Compliance", "completed_on": done})
    bulk(store, "course_completions", comps)
    frame, counts = panel(store, dash.QUIZ, as_of, P)
    assert dict(zip(frame["license_number"], frame["overdue"])) == {"LN-0": False, "LN-1": True}
    frame, _ = panel(store, dash.IDLE, as_of, P)
    assert list(frame["license_number"]) == ["LN-2"]
    frame, _ = panel(store, dash.COURSES, as_of, P)
    got = {(r["contact_id"], r["course"]): r["status"] for r in frame.to_dict("records")}
    assert got[("C4", "PCI Compliance")] == "expiring"
    assert ("C5", "PCI Compliance") not in got
    assert all(got[(c, k)] == "non_compliant" for c, k in got if c in ("C0", "C1", "C2", "C3"))
