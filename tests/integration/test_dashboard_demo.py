"""The dashboard on the demo data set (counts equal what the rules say), the key dates strip
(C1, C2, B4-B6), the downloads, and the cache stamp that changes with every audited write."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from ecomm import compliance as q
from ecomm import reference as ref
from ecomm.dashboard import export, keydates
from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters
from ecomm.identity import Identity
from ecomm.storage import Store
from ecomm.storage.dashboard import data_version
from ecomm.storage.settings import load_policy
from tests.integration.dashboard_seed import AS_OF, SYSTEM, facts, licenses_table

demo = pytest.importorskip("ecomm.demo")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, demo_copy):
    path = demo_copy(tmp_path_factory.mktemp("demo") / "demo.duckdb", as_of=AS_OF, licenses=150)
    with Store(path) as store:
        yield store


def test_q1_q3_b3_demo_counts_equal_what_the_rules_say(demo_store):
    policy = load_policy(demo_store)
    lics, comps = facts(demo_store)
    b = dash.dashboard(demo_store, SYSTEM, DashboardFilters(), AS_OF, limit=None)
    quiz = q.quiz_statuses(lics, AS_OF, policy)
    assert b.panels[dash.QUIZ].counts == {"n_rows": len(quiz),
                                          "n_overdue": sum(s.overdue for s in quiz)}
    assert len(quiz) > 0
    assert b.panels[dash.IDLE].count == len(q.idle_apps(lics, AS_OF, policy)) > 0
    assert b.panels[dash.COURSES].count == len(q.course_statuses(lics, comps, AS_OF, policy)) > 0
    table = licenses_table(demo_store)
    held = {lic.license_number: {a.application for a in lic.apps
                                 if q.app_held(a.provisioned_on, a.deprovisioned_on, AS_OF)}
            for lic in lics}
    held = {k: v for k, v in held.items() if v}
    chatter = {k for k in held if table[k]["salesforce_profile"] == ref.PROFILE_CHATTER_FREE}
    assert b.user_counts["Number of Users"] == len(held)
    assert b.user_counts["Salesforce Users"] == sum(
        1 for k, v in held.items() if ref.SALESFORCE in v and k not in chatter)
    assert b.user_counts["Chatter Free Users"] == sum(1 for k in chatter if ref.SALESFORCE in held[k])
    for app in (ref.MARKETING_CLOUD, ref.CVENT, ref.APSONA, ref.GEOPOINTE):
        assert b.user_counts[f"{app} Users"] == sum(1 for v in held.values() if app in v)


def test_c1_c4_demo_queue_counts_equal_the_requests_table(demo_store):
    b = dash.dashboard(demo_store, SYSTEM, DashboardFilters(), AS_OF, limit=None)
    count = lambda kind, statuses: demo_store.query_value(  # noqa: E731
        "SELECT count(*) FROM requests WHERE kind = ? AND list_contains(?::VARCHAR[], status)",
        [kind, list(statuses)])
    assert b.panels[dash.PROVISION].count == count("provision", ["pending"]) > 0
    assert b.panels[dash.HELD].count == count("provision", ["held"])
    assert b.panels[dash.DEPROVISION].count == count("deprovision", ["pending", "held"]) > 0


def _numbers(frame) -> set[str]:
    """The license numbers a panel's rows stand for (Q3 rows: every license listed)."""
    if "license_numbers" in frame.columns:
        return {n for v in frame["license_numbers"].dropna() for n in v.split("; ") if n}
    return set(frame["license_number"].dropna())


def test_a1_demo_specialists_counts_add_up_to_the_whole(demo_store):
    """A1: each specialist's own-campus rows add up to the whole; the only rows of another
    campus they get are of licenses naming them as additional specialist."""
    everyone = dash.dashboard(demo_store, SYSTEM, DashboardFilters(), AS_OF, limit=None)
    named: dict[str, set[str]] = {}
    for number, extra in demo_store.query(
            "SELECT license_number, additional_specialists FROM licenses"):
        for email in extra or []:
            named.setdefault(email.strip().lower(), set()).add(number)
    totals = {k: 0 for k in dash.ROW_SPECS}
    foreign_seen = 0
    for user in demo.DEMO_USERS:
        if user.role != "specialist" or user.email.startswith("new."):
            continue
        who = Identity(email=user.email, name=user.name, role=user.role, campus=user.campus)
        # a specialist of the same campus named on no license: the campus's own rows
        plain = who.model_copy(update={"email": "nobody." + user.email})
        own = dash.dashboard(demo_store, plain, DashboardFilters(), AS_OF, limit=None)
        mine = dash.dashboard(demo_store, who, DashboardFilters(), AS_OF, limit=None)
        for key, p in own.panels.items():
            assert set(p.frame["campus"]) <= {user.campus}, (user.email, key)
            totals[key] += p.count
            frame = mine.panels[key].frame
            foreign = frame[frame["campus"] != user.campus]
            assert _numbers(foreign) <= named.get(user.email.lower(), set()), (user.email, key)
            assert len(frame) - len(foreign) >= p.count, (user.email, key)
            foreign_seen += len(foreign)
    assert totals == {k: p.count for k, p in everyone.panels.items()}
    assert foreign_seen > 0    # the demo names specialists on other campuses' licenses


def test_demo_public_group_filter_keeps_only_members(demo_store):
    group = demo_store.query_value(
        "SELECT g FROM (SELECT unnest(public_groups) AS g FROM licenses) GROUP BY g "
        "ORDER BY count(*) DESC, g LIMIT 1")
    b = dash.dashboard(demo_store, SYSTEM, DashboardFilters(public_group=group), AS_OF, limit=None)
    active = b.panels[dash.ACTIVE].frame
    assert len(active) > 0 and all(group in g.split("; ") for g in active["public_groups"])
    members = {r[0] for r in demo_store.query(
        "SELECT license_number FROM licenses WHERE list_contains(public_groups, ?)", [group])}
    assert set(b.panels[dash.QUIZ].frame["license_number"]) <= members


# -- key dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize("day,title,starts,current", [
    # the batch steps start on the batch's first processing day (C1), not on Jan 1 (a holiday)
    (date(2026, 11, 23), "January true-up: the System team processes", date(2027, 1, 4), False),
    (date(2027, 1, 9), "January true-up: eComm specialists review", date(2027, 1, 8), True),
    (date(2027, 1, 25), "January true-up: the System team bills", date(2027, 1, 22), True),
    (date(2027, 2, 1), "June true-up: the System team processes", date(2027, 6, 1), False),
    (date(2027, 6, 30), "June true-up: the System team bills", date(2027, 6, 22), True),
    (date(2027, 7, 1), "July invoice: the System team processes", date(2027, 7, 1), True),
    (date(2027, 7, 15), "July invoice: eComm specialists review", date(2027, 7, 15), True),
    (date(2027, 7, 31), "July invoice: UIS bills", date(2027, 7, 22), True),
    (date(2027, 8, 1), "January true-up: the System team processes", date(2028, 1, 3), False),
])
def test_b4_b6_next_billing_step(day, title, starts, current):
    step = keydates.next_billing_step(day)
    assert step.title.startswith(title) and step.starts == starts and step.current == current


def test_c1_c2_key_dates_strip(store):
    s = keydates.strip(store, AS_OF)
    assert (s.dates.cutoff, s.dates.cycle, s.dates.processing_starts, s.dates.credentials_date) == (
        date(2026, 11, 30), "2026-12", date(2026, 12, 1), date(2026, 12, 7))
    # C1: the January batch is processed from Mon Jan 4 (Jan 1 is a holiday), as the batch says
    assert keydates.billing_line(s.billing, AS_OF).endswith("from Mon Jan 4, 2027 (in 42 days).")


# -- downloads and the cache stamp ---------------------------------------------------------------
def test_downloads_have_every_row_and_neutralise_formulas():
    frame = pd.DataFrame({"license_number": ["LN-1", "LN-2"], "name": ["=HYPERLINK(1)", "Ann"],
                          "provisioned_on": pd.to_datetime(["2026-01-02", "2026-03-04"]),
                          "n": [1, 2]})
    text = export.to_csv(frame).decode("utf-8-sig")
    assert text.splitlines() == ["license_number,name,provisioned_on,n",
                                 "LN-1,'=HYPERLINK(1),2026-01-02,1", "LN-2,Ann,2026-03-04,2"]
    ws = load_workbook(io.BytesIO(export.to_xlsx(frame, sheet="Quiz"))).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert ws.title == "Quiz" and values[0] == list(frame.columns)
    assert values[1][1] == "'=HYPERLINK(1)" and values[2][3] == 2
    assert values[1][2].date() == date(2026, 1, 2)


def test_a4_cache_stamp_changes_with_every_audited_write(store):
    from ecomm.storage import audit

    before = data_version(store)
    store.write(lambda cur: audit.record(cur, actor="x@cu.edu", action="test", entity="license",
                                         entity_id="LN-1"))
    assert data_version(store) != before


def test_file_names_say_what_was_downloaded():
    r = dash.resolve(SYSTEM, DashboardFilters(campus="Boulder", public_group="01 Arts & Media"))
    assert dash.file_name(dash.QUIZ, r, AS_OF, "csv") == (
        "dashboard-quiz-Boulder-01-Arts---Media-2026-11-23.csv")
