"""Issue 18 on a real DuckDB file: the predicted holds (C3: the batch's own P1-P5 checks as of
its processing day) shared by My work, the dashboard's row 1 and the digest; and the My work
rows for leavers (Q4), the June review (Q5), System team tasks (C7), seats running low (B10)
and a manager's invoices changed since the last visit (A4, B8)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import mywork, seats, system_tasks
from ecomm import reference as ref
from ecomm.batch import predict
from ecomm.batch import service as batch_service
from ecomm.billing import workflow as wf
from ecomm.dashboard import panels
from ecomm.dashboard.filters import DashboardFilters
from ecomm.notifications import work as notify_work
from ecomm.requests import request_group_change
from tests.integration import billing_seed as bs
from tests.integration.batch_seed import ON, PROCESS_AT, seed_cycle
from tests.integration.requests_fixtures import BOULDER, DENVER, MANAGER, NOW, SYSTEM

NOV_23 = date(2026, 11, 23)     # the 2026-12 batch runs on its first processing day, Tue Dec 1


def item(work, key):
    return next(i for i in work.items if i.key == key)


@pytest.fixture
def cycle(store):
    return store, seed_cycle(store)


# -- C3 predicted ----------------------------------------------------------------------------------
def test_c3_predicted_holds_are_what_the_batch_then_holds(cycle):
    store, ids = cycle
    pred = predict.c3_predicted_holds(store, NOV_23)
    assert (pred.cycle, pred.on) == ("2026-12", ON)
    # PCI completed 2025-12-01 is valid through Nov 30: out of date on Dec 1 (P5)
    assert set(pred.will_hold) == {ids["lapse"]} and pred.still_held == {}
    assert pred.will_hold[ids["lapse"]].failures == ["P5"]
    assert pred.sentence(ids["lapse"]).startswith(
        "Will be held by the 2026-12 batch on Tue Dec 1 (C3): P5: PCI Compliance: completed "
        "2025-12-01")
    assert "out of date since 2026-12-01" in pred.sentence(ids["lapse"])
    assert pred.sentence(ids["new"]) == ""
    batch_service.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)
    held = {r["request_id"] for r in store.query_dicts(
        "SELECT request_id FROM requests WHERE status = 'held'")}
    assert held == set(pred.will_hold)
    # after the batch: held, not "will be held"; January's batch (Mon Jan 4) would hold it again
    after = predict.c3_predicted_holds(store, ON)
    assert after.will_hold == {} and set(after.still_held) == {ids["lapse"]}
    assert (after.cycle, after.on) == ("2027-01", date(2027, 1, 4))


def test_c3_predicted_on_the_processing_day_itself(cycle):
    # on Tue Dec 1, before the batch runs, the prediction still names the request
    store, ids = cycle
    assert set(predict.c3_predicted_holds(store, ON).will_hold) == {ids["lapse"]}


def test_c3_dashboard_row_1_marks_each_request_the_batch_will_hold(cycle):
    store, ids = cycle
    board = panels.dashboard(store, BOULDER, DashboardFilters(campus="Boulder"), NOV_23)
    queue = board.panels[panels.QUEUE]
    frame = queue.frame.set_index("request")
    assert bool(frame.loc[ids["lapse"], "will_be_held"]) is True
    assert frame.loc[ids["lapse"], "missing"].startswith(
        "Will be held by the 2026-12 batch on Tue Dec 1 (C3): P5: PCI Compliance")
    assert not frame.loc[ids["new"], "will_be_held"] and frame.loc[ids["new"], "missing"] == ""
    assert (queue.counts["n_held"], queue.counts["n_will_hold"]) == (0, 1)
    assert "0 of them held and 1 more will be held by the 2026-12 batch on Tue Dec 1" \
        in queue.summary
    denver = panels.dashboard(store, DENVER, DashboardFilters(), NOV_23).panels[panels.QUEUE]
    assert denver.counts["n_will_hold"] == 0          # Denver's extension passes
    # the download (every row) carries the same marks
    rows = panels.panel_rows(store, BOULDER, DashboardFilters(), NOV_23, panels.QUEUE)
    assert rows.set_index("request").loc[ids["lapse"], "will_be_held"]


def test_c3_dashboard_counts_every_predicted_hold_when_the_table_is_cut_short(cycle):
    store, ids = cycle
    # one row shown of Boulder's three pending provisionings: the count still reads them all
    board = panels.dashboard(store, BOULDER, DashboardFilters(), NOV_23, limit=1)
    queue = board.panels[panels.QUEUE]
    assert queue.counts["n_will_hold"] == 1


@pytest.mark.pinned_now("2026-11-25T10:00:00")
def test_c3_daily_digest_lists_the_predicted_hold(cycle):
    store, ids = cycle
    messages = notify_work.digest_messages(store, date(2026, 11, 25))
    mine = [m for m in messages if m.to == [BOULDER.email]]
    assert len(mine) == 1
    body = mine[0].context["items"]
    assert "Requests the 2026-12 batch will hold on Tue Dec 1" in body
    assert f"{ids['lapse']} Lara Lapse: P5" in body or f"{ids['lapse']} Lapse Lara: P5" in body


# -- specialists: Q4, Q5 -----------------------------------------------------------------------------
def test_q4_leavers_row_counts_the_campus_leavers(store):
    from tests.integration import test_q4_leavers as q4
    q4.seed(store)
    # the day after C1's employment ended (Oct 31): Boulder's leavers are LN-0001 (ended),
    # LN-0006 (inactive POI) and LN-0008 (inactive employment); LN-0003/LN-0009 are Denver's
    leavers = item(mywork.my_work(store, q4.BOULDER, date(2026, 11, 1)), "leavers")
    assert leavers.count == 3 and leavers.rule == "Q4"
    assert leavers.due_on == date(2026, 11, 30)       # November's cutoff (C1)
    assert leavers.page == mywork.DASHBOARD


def test_q5_june_review_row_only_while_the_review_is_open(cycle):
    store, _ids = cycle
    assert "june_review" not in {i.key for i in mywork.my_work(store, BOULDER, NOV_23).items}
    june = item(mywork.my_work(store, BOULDER, date(2027, 6, 10)), "june_review")
    # June 30, 2027 is a Wednesday: June's last business day (Q5)
    assert june.due_on == date(2027, 6, 30) and june.page == mywork.JUNE_REVIEW
    assert june.count > 0 and june.details[0].startswith("0 kept, 0 removed of ")
    assert "june_review" not in {i.key for i in
                                 mywork.my_work(store, BOULDER, date(2027, 7, 1)).items}


# -- System team: C7, B10 --------------------------------------------------------------------------
def test_c7_open_tasks_wait_for_the_system_team_until_closed(cycle):
    store, _ids = cycle
    assert item(mywork.my_work(store, SYSTEM, NOV_23), "tasks").count == 0
    conf = request_group_change(store, BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                new_public_group="07 Boulder Music", now_utc=NOW)
    tasks = item(mywork.my_work(store, SYSTEM, NOV_23), "tasks")
    assert tasks.count == 1 and tasks.due_on == ON and tasks.page == mywork.BATCH
    assert tasks.details[0].startswith(conf.request_id)
    system_tasks.close_task(store, SYSTEM, conf.request_id, now_utc=PROCESS_AT)
    assert item(mywork.my_work(store, SYSTEM, NOV_23), "tasks").count == 0


def test_b10_seats_running_low_wait_for_the_system_team(cycle):
    store, _ids = cycle
    assert item(mywork.my_work(store, SYSTEM, NOV_23), "seats_low").count == 0   # none recorded
    # one Salesforce seat for FY2027 while three Salesforce provisionings wait in the queue:
    # available 1 - assigned - 3 queued < 0, below 5% of 1
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=ref.SALESFORCE, purchased=1)
    low = item(mywork.my_work(store, SYSTEM, NOV_23), "seats_low")
    assert low.count == 1 and low.rule == "B10" and low.page == mywork.ADMIN
    assert low.details[0].startswith("Salesforce: ") and "of 1 (FY2027" in low.details[0]


# -- managers: invoices changed (A4, B8) -------------------------------------------------------------
@pytest.mark.pinned_now("2027-01-16T10:00:00")
def test_a4_manager_sees_invoices_changed_and_their_totals(store):
    bs.seed(store)
    bs.add_users(store)
    out = wf.draft_run(store, bs.SYSTEM, fiscal_year=bs.FY, kind="january", as_of=bs.JAN_AS_OF,
                       capture=True)
    inv = {(i.campus, i.group): i.invoice_id for i in out.invoices}[
        ("Boulder", "salesforce_marketing_cloud")]
    wf.send_for_review(store, bs.SYSTEM, [inv])
    wf.approve(store, bs.BOULDER, inv)
    until = datetime(2027, 1, 18)
    work = mywork.my_work(store, MANAGER, bs.JAN_AS_OF, until=until)
    changed = item(work, "invoice_changes")
    assert changed.count == len(out.invoices)
    # Boulder SF+MC: LN-0002 Marketing Cloud Sep..Jun = 10 x 23.50 = 235.00 (billing_seed)
    assert "1 now approved: $235.00" in changed.details
    quiet = mywork.my_work(store, MANAGER, bs.JAN_AS_OF, since=until,
                           until=datetime(2027, 1, 19))
    assert item(quiet, "invoice_changes").count == 0
    assert item(quiet, "invoice_changes").title == "Invoices changed since your last visit"
