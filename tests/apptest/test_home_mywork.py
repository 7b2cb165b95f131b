"""Home > My work (issue 18) per role: what waits, its count, its due date (C1 calendar) and a
link to the page where it is done; a manager's changes since the last visit (A4)."""
from __future__ import annotations

import pytest

from tests.apptest.conftest import BOULDER, DENVER, MANAGER, SYSTEM, texts
from tests.integration.batch_seed import seed_cycle

HOME = "app_pages/home.py"


@pytest.fixture
def cycle(app_store):
    """Cycle 2026-12's requests (today is Mon Nov 23): R-000002's PCI course lapses on Nov 30,
    so the batch of Tue Dec 1 will hold it (P5)."""
    return seed_cycle(app_store)


def links(at) -> dict[str, str]:
    """label -> page of every page link shown."""
    return {e.proto.label: e.proto.page for e in at.get("page_link")}


def test_c3_specialist_my_work_names_the_request_the_batch_will_hold(open_app, cycle):
    at = open_app(BOULDER, HOME)
    page = texts(at)
    assert "My work" in [s.value for s in at.subheader]
    assert ("**Requests the 2026-12 batch will hold on Tue Dec 1 (P1-P5 as of that day)** "
            "(C3): **1**") in page
    assert "due Tue Dec 1, 2026 (in 8 days): fix them before the 2026-12 batch's processing day" \
        in page
    assert f"{cycle['lapse']} Lapse Lara: P5" in page or f"{cycle['lapse']} Lara Lapse: P5" in page
    assert "**Invoices to review (approve or return)** (B8): **0**" in page
    assert "Dashboard: provisioning queue" in links(at)
    assert "Nothing waits for you today." not in page


def test_c3_another_campus_has_nothing_to_fix(open_app, cycle):
    page = texts(open_app(DENVER, HOME))
    assert "**Requests the 2026-12 batch will hold on Tue Dec 1 (P1-P5 as of that day)** " \
        "(C3): **0**" in page


def test_c1_system_team_my_work_has_the_batch_to_process(open_app, cycle):
    at = open_app(SYSTEM, HOME)
    page = texts(at)
    # four provisionings and a deprovisioning wait for the batch of Tue Dec 1
    assert "**The 2026-12 batch to process** (C1): **5**" in page
    assert "due Tue Dec 1, 2026 (in 8 days): its first processing day" in page
    assert links(at)["Batch"].endswith("batch")
    assert "**Returned invoices to fix** (B8): **0**" in page


def test_a4_manager_sees_changes_since_the_last_visit(open_app, cycle):
    first = texts(open_app(MANAGER, HOME))
    assert "**What changed (first visit)** (A4)" in first
    again = open_app(MANAGER, HOME)   # a new session: the visit above is the last one
    page = texts(again)
    assert "**What changed since your last visit** (A4): **0**" in page
    assert "Audit log" in links(again)


def test_nothing_waits_on_an_empty_database(open_app):
    page = texts(open_app(SYSTEM, HOME))
    assert "Nothing waits for you today." in page


def test_home_pending_requests_add_up_to_the_dashboards_rows(open_app, cycle):
    # cycle 2026-12: four provisionings (two Boulder, one transfer, one Denver) and one
    # Boulder deprovisioning pending; the Dashboard lists provisioning and deprovisioning apart
    at = open_app(SYSTEM, HOME)
    assert {m.label: m.value for m in at.metric}["Pending requests"] == "5"
    assert "5 pending requests (4 provisioning, 1 deprovisioning)" in texts(at)
    boulder = open_app(BOULDER, HOME)
    assert "4 pending requests (3 provisioning, 1 deprovisioning)" in texts(boulder)


def test_q4_c7_b10_each_role_has_its_new_rows(open_app, cycle):
    # issue 18: leavers for specialists (Q4); tasks (C7) and seats (B10) for the System team;
    # invoices changed for managers (A4, B8)
    specialist = open_app(BOULDER, HOME)
    assert ("**Leavers (employment ended or Person of Interest inactive)** (Q4): **0**"
            in texts(specialist))
    shown = links(specialist)      # the Dashboard (the default page, at the root URL)
    assert shown["Dashboard: leavers"] == shown["Dashboard: provisioning queue"]
    system = open_app(SYSTEM, HOME)
    page = texts(system)
    assert ("**System team tasks (custom roles, permission sets, speedtypes)** (C7): **0**"
            in page)
    assert "**Seats running low** (B10): **0**" in page
    assert "Admin: seats" in links(system) and "Batch: System team tasks" in links(system)
    manager = texts(open_app(MANAGER, HOME))
    assert "**Invoices (first visit)** (B8): **0**" in manager


@pytest.mark.pinned_now("2027-06-10T10:00:00")
def test_q5_june_review_row_while_it_is_open(open_app, cycle):
    at = open_app(BOULDER, HOME)
    page = texts(at)
    assert "**The June review 2027: users to keep or remove** (Q5)" in page
    assert "due Wed Jun 30, 2027 (in 20 days): June's last business day" in page
    assert links(at)["June review"].endswith("june_review")


def test_c3_a_second_sessions_home_reuses_the_cached_work(open_app, cycle, monkeypatch):
    """Issue 18 (speed): a specialist's work is cached per person, day and data version, not
    per last visit, so a fresh session (its last visit now set) does not plan it again; a
    manager's changes still count from their own last visit (test_a4_... above)."""
    from ecomm import mywork

    calls = []
    real = mywork.specialist_items
    monkeypatch.setattr(mywork, "specialist_items",
                        lambda *a, **k: calls.append(a[1].email) or real(*a, **k))
    first = texts(open_app(BOULDER, HOME))
    assert calls.count(BOULDER) == 1
    second = texts(open_app(BOULDER, HOME))     # a new session: its last visit differs
    assert calls.count(BOULDER) == 1            # the cached work, not planned again
    hold = "(P1-P5 as of that day)** (C3): **1**"
    assert hold in first and hold in second
