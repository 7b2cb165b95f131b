"""Issue 13: the demo made ``--as-of`` any day gives every role work, checked through the
services (what the pages show), never through the demo's own objects."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ecomm import admin, batch
from ecomm import reference as ref
from ecomm.batch import plan as planner
from ecomm.billing import frames, net_new
from ecomm.billing import workflow as wf
from ecomm.billing.fiscal_setup import baseline_rows
from ecomm.billing.records import STATUSES
from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters
from ecomm.demo import DEMO_USERS
from ecomm.storage import Store
from ecomm.storage import compliance as store_c
from ecomm.storage.settings import load_policy

SYSTEM = "sam.system@cu.edu"
LICENSES = 150

DAYS = [
    date(2027, 7, 1),    # the first day of a fiscal year (a Thursday), its batch day
    date(2027, 7, 6),    # the first processing week of July (after the Independence Day holiday)
    date(2028, 2, 29),   # a leap day
    date(2027, 1, 1),    # New Year's Day (a holiday), January true-up window opens
    date(2027, 1, 2), date(2027, 1, 3),   # a weekend
    date(2027, 1, 4),    # January's first processing day
    date(2026, 12, 7),   # the day the issue was filed: December's first processing week
    date(2027, 6, 15), date(2027, 6, 30),   # June true-up; the last day of a fiscal year
    date(2026, 11, 26),  # Thanksgiving
    date(2027, 10, 20),  # an ordinary Wednesday, mid-month
    date(2026, 12, 31),  # the last day of a calendar year (December's cutoff)
]


def _fy(d: date) -> int:
    return d.year + 1 if d.month >= 7 else d.year


def first_week(store, as_of: date) -> bool:
    """Is ``as_of`` in the first processing week (7 days) of the cycle whose day has come?"""
    first = batch.cycle_dates(store, batch.current_cycle(store, as_of)).processing_starts
    return first <= as_of < first + timedelta(days=7)


# `make check` builds the demo on three of the days (a first processing week, January, a leap
# day); `make test` on all thirteen (about 10 s a day on a 2-core machine).
EVERYDAY = (date(2026, 12, 7), date(2027, 1, 4), date(2028, 2, 29))
PARAMS = [pytest.param(d, id=d.isoformat(), marks=() if d in EVERYDAY else pytest.mark.slow)
          for d in DAYS]


@pytest.fixture(scope="module", params=PARAMS)
def demo_day(request, tmp_path_factory, demo_copy):
    as_of = request.param
    path = demo_copy(tmp_path_factory.mktemp("demo-day") / "demo.duckdb", as_of=as_of,
                     licenses=LICENSES)
    with Store(path) as store:
        yield store, as_of


def upcoming_plan(store, as_of: date):
    """The preview of the cycle due next: the due one, or the one after it when the due one
    has nothing (its batch processed)."""
    system = admin.find_identity(store, SYSTEM)
    due = batch.due_cycle(store, as_of)
    cycles = [due, planner.next_cycle(due)]
    plans = [batch.preview_batch(store, system, c,
                                 on=batch.default_processing_day(store, c, as_of)) for c in cycles]
    return next(p for p in plans if p.provisioned or p.held)


def test_c1_c3_the_next_cycle_has_requests_some_held_at_processing(demo_day):
    store, as_of = demo_day
    upcoming = upcoming_plan(store, as_of)
    assert upcoming.provisioned, "requests to provision in the cycle due next"
    assert upcoming.held, "some requests of the cycle due next are held at processing (C3)"


def test_p4_c3_the_next_cycle_has_requests_held_for_a_missing_agreement(demo_day):
    """Issue 13: besides the course holds (P5), some requests of the cycle due next will be
    held at processing because the user agreement is missing (P4: signed, then voided), each
    saying what to do; and they passed P4 when they were submitted."""
    store, as_of = demo_day
    held = upcoming_plan(store, as_of).held
    p4 = [h for h in held if "P4" in h.failures]
    assert p4, f"no request of the cycle due next held for the agreement on {as_of}"
    assert any("P5" in h.failures for h in held), "the course holds are still there"
    for h in p4:
        assert h.failures == ["P4"], h
        assert any("sign the eComm user agreement" in r for r in h.reasons), h.reasons
    submitted = {r[0]: r[1] for r in store.query(
        "SELECT request_id, status FROM requests WHERE request_id IN "
        f"({', '.join('?' * len(p4))})", [h.request_id for h in p4])}
    assert set(submitted.values()) == {"pending"}, "queued, not refused at submission"


def test_c1_a_batch_to_process_now_in_a_first_processing_week(demo_day):
    store, as_of = demo_day
    if not first_week(store, as_of):
        pytest.skip("not in a first processing week")
    system = admin.find_identity(store, SYSTEM)
    due = batch.due_cycle(store, as_of)
    assert batch.processing_refusal(store, due, as_of, as_of) is None
    plan = batch.preview_batch(store, system, due, on=as_of)
    assert plan.provisioned and plan.held


def test_b7_this_fiscal_year_baseline_is_taken(demo_day):
    store, as_of = demo_day
    rows = baseline_rows(store, admin.find_identity(store, SYSTEM), _fy(as_of))
    counted = {r["campus"] for r in rows if r["license_count"] > 0}
    july = f"{as_of.year}-07"
    if as_of.month == 7 and batch.batch_record(store, july) is None:
        # B7 (rev 2): the July count is taken after the July batch, which still waits for the
        # System team in July's first processing week: that is their work on this day
        assert not counted
        assert batch.preview_batch(store, admin.find_identity(store, SYSTEM), july,
                                   on=as_of).provisioned
        return
    assert counted == set(ref.CAMPUSES), "every campus's July count recorded (B7)"


def test_b5_b6_january_and_june_have_net_new_lists_and_a_true_up_to_draft(demo_day):
    store, as_of = demo_day
    if as_of.month not in (1, 6):
        pytest.skip("true-ups are drafted in January and June")
    fy, kind = _fy(as_of), frames.review_kind(as_of)
    system = admin.find_identity(store, SYSTEM)
    listed = {c: net_new.candidates(store, system, fiscal_year=fy, kind=kind, campus=c)
              for c in ref.CAMPUSES}
    assert sum(map(len, listed.values())) > 0, "net-new lists to review (B6)"
    assert not wf.list_summaries(store, system, fiscal_year=fy, kind=kind), "not drafted yet"
    run = wf.compute_run(store, fiscal_year=fy, kind=kind,
                         as_of=frames.default_as_of(fy, kind, as_of))
    assert run, "the true-up bills something when drafted (B5)"


def test_b8_invoices_stand_in_every_state(demo_day):
    store, as_of = demo_day
    seen = {i.status for i in wf.list_summaries(store, admin.find_identity(store, SYSTEM))}
    assert seen == set(STATUSES)


def test_a1_q1_q3_c1_c4_every_specialist_has_rows_in_every_dashboard_panel(demo_day):
    store, as_of = demo_day
    for user in DEMO_USERS:
        if user.role != ref.APP_SPECIALIST:
            continue
        who = admin.find_identity(store, user.email)
        board = dash.dashboard(store, who, DashboardFilters(), as_of, limit=None)
        empty = [k for k, p in board.panels.items() if p.count == 0]
        assert not empty, f"{user.email} has nothing in {empty} on {as_of}"


def test_a1_q1_q4_c1_c4_every_panel_has_rows_of_every_campus(demo_day):
    """Issue 13: each campus's own rows (affiliated campus, as the System team filters the
    dashboard by campus) fill every panel, not only rows of other campuses naming the
    campus's specialist (A1)."""
    store, as_of = demo_day
    system = admin.find_identity(store, SYSTEM)
    empty = {}
    for campus in ref.CAMPUSES:
        board = dash.dashboard(store, system, DashboardFilters(campus=campus), as_of, limit=None)
        missing = [k for k, p in board.panels.items() if p.count == 0]
        if missing:
            empty[campus] = missing
    assert not empty, f"panels with no row of the campus on {as_of}: {empty}"


def test_c1_b5_the_system_team_has_a_batch_or_a_true_up_to_practise(demo_day):
    """Issue 13: on any day the System team can process a batch now (a first processing
    week) or draft a true-up (January, June); on other days the batch due next, with
    requests and holds, can be previewed (test_c1_c3_...)."""
    store, as_of = demo_day
    system = admin.find_identity(store, SYSTEM)
    due = batch.due_cycle(store, as_of)
    can_process = (batch.processing_refusal(store, due, as_of, as_of) is None
                   and batch.batch_record(store, due) is None
                   and bool(batch.preview_batch(store, system, due, on=as_of).provisioned))
    fy, kind = _fy(as_of), frames.review_kind(as_of)
    can_draft = (as_of.month in (1, 6) and not wf.list_summaries(
        store, system, fiscal_year=fy, kind=kind) and bool(wf.compute_run(
            store, fiscal_year=fy, kind=kind, as_of=frames.default_as_of(fy, kind, as_of))))
    if first_week(store, as_of):
        assert can_process, f"the batch of {due} to process on {as_of}"
    if as_of.month in (1, 6):
        assert can_draft, f"a {kind} true-up to draft on {as_of}"
    if not (first_week(store, as_of) or as_of.month in (1, 6)):
        assert upcoming_plan(store, as_of).provisioned, "a batch to preview"


def test_q1_every_specialist_has_quiz_overdue_and_due_users(demo_day):
    store, as_of = demo_day
    policy = load_policy(store)
    for user in DEMO_USERS:
        if user.role != ref.APP_SPECIALIST:
            continue
        listed = store_c.quiz_list(store, as_of, policy, admin.find_identity(store, user.email))
        assert sum(s.overdue for s in listed) >= 2, user.email
