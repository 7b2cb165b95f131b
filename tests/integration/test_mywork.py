"""My work (issue 18) per role, on a real DuckDB file: what the next batch will hold (C3, P1-P5
as of its processing day), held requests, the batch to process (C1), invoices to review,
returned (with the reason) and approved (B8) with the messages those steps send, the net-new
review window (B6), and a manager's changes since the last visit (A4)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import mywork
from ecomm.batch import service as batch_service
from ecomm.billing import workflow as wf
from ecomm.notifications import templates as t
from tests.integration import billing_seed as bs
from tests.integration.batch_seed import ON, PROCESS_AT, seed_cycle
from tests.integration.requests_fixtures import BOULDER, DENVER, MANAGER, SYSTEM

NOV_23 = date(2026, 11, 23)     # submissions of this day join the 2026-12 batch (Tue Dec 1)


def item(work, key):
    return next(i for i in work.items if i.key == key)


def outbox(store, template):
    return store.query_dicts("SELECT to_addrs, subject, body FROM outbox WHERE template_key = ? "
                             "ORDER BY message_id", [template])


@pytest.fixture
def cycle(store):
    return store, seed_cycle(store)


def test_c3_specialist_sees_the_request_the_next_batch_will_hold_and_why(cycle):
    store, ids = cycle
    work = mywork.my_work(store, BOULDER, NOV_23)
    holds = item(work, "predicted_holds")
    # only the PCI course lapsing on Nov 30 fails P5 on the processing day, Tue Dec 1
    assert holds.count == 1 and holds.due_on == ON
    assert holds.details[0].startswith(ids["lapse"]) and "P5" in holds.details[0]
    assert "2026-12 batch" in holds.title
    assert holds.page == mywork.DASHBOARD
    assert item(work, "held").count == 0
    # Denver's extension passes: nothing will be held there
    assert item(mywork.my_work(store, DENVER, NOV_23), "predicted_holds").count == 0


def test_c3_held_requests_after_the_batch_with_what_is_still_missing(cycle):
    store, ids = cycle
    batch_service.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)
    work = mywork.my_work(store, BOULDER, ON)
    held = item(work, "held")
    assert held.count == 1
    # the next batch is January's, first processing day Mon Jan 4, 2027 (Jan 1 is a holiday)
    assert held.due_on == date(2027, 1, 4)
    assert held.details == [f"{ids['lapse']}: still missing: " + held.details[0].split(
        "still missing: ")[1]] and "P5" in held.details[0]
    assert item(work, "predicted_holds").count == 0   # already held, not "will be held"


def test_c1_system_team_sees_the_batch_to_process_until_it_is_processed(cycle):
    store, _ids = cycle
    batch = item(mywork.my_work(store, SYSTEM, NOV_23), "batch")
    # four provisionings and one deprovisioning of cycle 2026-12, due Tue Dec 1
    assert (batch.count, batch.due_on, batch.page) == (5, ON, mywork.BATCH)
    batch_service.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)
    after = item(mywork.my_work(store, SYSTEM, ON), "batch")
    # the next one is 2027-01; it handles the one request held by December's batch
    assert "2027-01" in after.title and after.count == 1
    assert after.due_on == date(2027, 1, 4)


@pytest.fixture
def billing(store):
    bs.seed(store)
    bs.add_users(store)
    out = wf.draft_run(store, bs.SYSTEM, fiscal_year=bs.FY, kind="january", as_of=bs.JAN_AS_OF,
                       capture=True)   # B6 (rev 2): the lists captured on purpose
    ids = {(i.campus, i.group): i.invoice_id for i in out.invoices}
    return store, ids[("Boulder", "salesforce_marketing_cloud")]


@pytest.mark.pinned_now("2027-01-16T10:00:00")
def test_b8_review_return_and_approval_reach_who_waits_for_them(billing):
    store, inv = billing
    as_of = bs.JAN_AS_OF
    assert item(mywork.my_work(store, bs.BOULDER, as_of), "invoices_to_review").count == 0
    wf.send_for_review(store, bs.SYSTEM, [inv])
    review = item(mywork.my_work(store, bs.BOULDER, as_of), "invoices_to_review")
    assert review.count == 1 and review.page == mywork.INVOICES
    # the January cutoff: the last business day before the month's end... as the calendar says
    assert review.due_on == mywork.next_cutoff(store, as_of)[0] and review.due_on >= as_of
    sent = outbox(store, t.INVOICE_IN_REVIEW)
    assert [m["to_addrs"] for m in sent] == [[bs.BOULDER.email]]
    assert inv in sent[0]["body"]

    wf.return_to_draft(store, bs.BOULDER, inv, reason="LN-0002 left in August")
    system = mywork.my_work(store, bs.SYSTEM, as_of)
    returned = item(system, "returned_invoices")
    assert returned.count == 1
    assert returned.details == [f"{inv} (Boulder): LN-0002 left in August"]
    msg = outbox(store, t.INVOICE_RETURNED)
    assert sorted(msg[0]["to_addrs"]) == sorted([bs.SYSTEM.email, bs.OTHER_SYSTEM.email])
    assert "LN-0002 left in August" in msg[0]["body"] and msg[0]["subject"].startswith("Returned:")
    assert item(mywork.my_work(store, bs.BOULDER, as_of), "invoices_to_review").count == 0

    wf.send_for_review(store, bs.SYSTEM, [inv])          # sent again: no longer "returned"
    assert item(mywork.my_work(store, bs.SYSTEM, as_of), "returned_invoices").count == 0
    assert len(outbox(store, t.INVOICE_IN_REVIEW)) == 2  # the specialist is told again
    wf.approve(store, bs.BOULDER, inv)
    approvals = item(mywork.my_work(store, bs.SYSTEM, as_of), "approvals")
    assert approvals.count == 1 and approvals.page == mywork.BILLING
    assert len(outbox(store, t.INVOICE_APPROVED)) == 1
    wf.mark_billed(store, bs.SYSTEM, [inv])
    assert item(mywork.my_work(store, bs.SYSTEM, as_of), "approvals").count == 0


@pytest.mark.pinned_now("2027-01-16T10:00:00")
def test_b8_drafting_a_returned_invoice_again_ends_returned(billing):
    store, inv = billing
    wf.send_for_review(store, bs.SYSTEM, [inv])
    wf.return_to_draft(store, bs.BOULDER, inv, reason="wrong speedtype")
    assert mywork.db.returned_invoices(store) and \
        mywork.db.returned_invoices(store)[0]["reason"] == "wrong speedtype"
    wf.draft_run(store, bs.SYSTEM, fiscal_year=bs.FY, kind="january", as_of=date(2027, 1, 16),
                 capture=True)
    assert mywork.db.returned_invoices(store) == []


@pytest.mark.pinned_now("2027-01-16T10:00:00")
def test_b6_net_new_review_is_listed_in_january_with_its_second_week_due_date(billing):
    store, _inv = billing
    work = mywork.my_work(store, bs.BOULDER, bs.JAN_AS_OF)
    review = item(work, "net_new_review")
    assert review.due_on == date(2027, 1, 14)      # Thursday of the second week
    assert "january" in review.title
    november = mywork.my_work(store, bs.BOULDER, date(2026, 11, 16))
    assert "net_new_review" not in {i.key for i in november.items}


def test_a4_manager_sees_what_changed_since_the_last_visit(cycle):
    # the audit log's times come from the pinned clock: Mon Nov 23 17:00 UTC (10:00 Denver)
    store, _ids = cycle
    morning, next_day = datetime(2026, 11, 23, 12), datetime(2026, 11, 24, 12)
    assert mywork.record_visit(store, MANAGER, morning) is None     # the first visit
    first = item(mywork.my_work(store, MANAGER, NOV_23, until=morning), "changes")
    assert first.title == "What changed (first visit)" and first.page == mywork.AUDIT
    assert mywork.record_visit(store, MANAGER, next_day) == morning
    batch_service.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)
    since = item(mywork.my_work(store, MANAGER, NOV_23, since=morning, until=next_day), "changes")
    # the seed's requests and the batch happened between the two visits
    assert since.count > 0 and since.title == "What changed since your last visit"
    assert any("process batch (batch)" in d for d in since.details)
    quiet = mywork.my_work(store, MANAGER, NOV_23, since=next_day,
                           until=datetime(2026, 11, 25, 12))
    assert item(quiet, "changes").count == 0 and item(quiet, "changes").details == []


def test_q1_q2_q3_specialist_counts_are_the_dashboards(store):
    from datetime import timedelta

    from tests.integration import compliance_seed as cs
    # LN-0001: provisioned 70 days ago, no quiz (Q1 overdue, day 60 passed); courses of
    # 2024-01-10 out of date (Q3). LN-0002 (Denver) alike, not hers (A1: it does not name her
    # as its specialist either).
    for n, campus, spec in (("1", "Boulder", cs.SPECIALIST.email), ("2", "Denver", None)):
        cs.add_user(store, f"C-{n}", f"LN-000{n}", NOV_23 - timedelta(days=70), campus=campus,
                    courses_on=date(2024, 1, 10), last_login_on=date(2026, 4, 1),
                    specialist=spec)
    who = cs.SPECIALIST
    work = mywork.my_work(store, who, NOV_23)
    assert item(work, "quiz_overdue").count == 1
    assert item(work, "courses").count == len(mywork.ref.COURSES)
    # never logged in since provisioning 70 days ago: not idle yet (six months)
    assert item(work, "idle").count == 0
    assert item(work, "quiz_overdue").due_on == date(2026, 11, 30)   # November's cutoff
