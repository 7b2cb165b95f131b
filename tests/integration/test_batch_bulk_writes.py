"""C6 and A4 at scale: the batch writes each table in one statement (issue 8: thousands of
requests at 100x); the result is the same as writing the plan row by row, as the batch did
before. Compared on the demo data set (licenses, applications, requests, status history, audit
entries in their order, outbox, batches) and on the seed's cycle; plus the cases the demo may
not hold (a license created and extended in one batch, an application gone meanwhile).
The row-by-row reference (``apply_row_by_row`` and its per-row statements) is private to this
test: production code writes only in bulk."""
from __future__ import annotations

import shutil
from datetime import date, datetime, time

import pytest

from ecomm import reference as ref
from ecomm.batch import changes as license_changes
from ecomm.batch import plan as planner
from ecomm.batch import service
from ecomm.batch.models import BatchPlan
from ecomm.compliance import quiz_deadline
from ecomm.errors import EcommError
from ecomm.identity import CLI_ACTOR
from ecomm.notifications import outbox
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.storage import Store, audit, specialists
from ecomm.storage import notifications as sn
from ecomm.storage import requests as rs
from tests.integration.batch_seed import CYCLE, ON, PROCESS_AT, provision, seed_cycle
from tests.integration.requests_fixtures import BOULDER, add_contact

demo = pytest.importorskip("ecomm.demo")

AS_OF = date(2026, 11, 23)
SYSTEM = CLI_ACTOR


# -- the reference: the batch's writes one row at a time, as before issue 8 ----------------------
# Private to this test (production writes only in bulk): the statements the batch ran per row
# before its one-statement-per-table writes, kept here as what those must equal.
def _deprovision_app_now(cur, license_number, application, on) -> int:
    return len(cur.execute(
        "UPDATE license_apps SET deprovisioned_on = ? WHERE license_number = ? AND application = ? "
        "AND deprovisioned_on IS NULL RETURNING application",
        [on, license_number, application]).fetchall())


def _mark_processed(cur, request_id, processed_at, license_number) -> None:
    cur.execute("UPDATE requests SET status = 'processed', processed_at = ?, held_reasons = NULL, "
                "license_number = coalesce(license_number, ?) WHERE request_id = ?",
                [processed_at, license_number, request_id])


def _insert_license(cur, values: dict) -> None:
    cols = [c for c in rs.LICENSE_COLUMNS if c in values]
    cur.execute(f"INSERT INTO licenses ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[c] for c in cols])


def _update_license(cur, license_number, values: dict) -> None:
    cols = [c for c in rs.LICENSE_COLUMNS if c in values and c != "license_number"]
    if cols:
        cur.execute(f"UPDATE licenses SET {', '.join(f'{c} = ?' for c in cols)} "
                    "WHERE license_number = ?", [*(values[c] for c in cols), license_number])


def _add_license_app(cur, license_number, application, provisioned_on, net_new,
                     transfer_from=None) -> None:
    cur.execute("INSERT INTO license_apps (license_number, application, provisioned_on, "
                "deprovisioned_on, net_new, last_login_on, transfer_from) "
                "VALUES (?, ?, ?, NULL, ?, NULL, ?)",
                [license_number, application, provisioned_on, net_new, transfer_from])


def _mark_held(cur, request_id, reasons, next_cycle) -> None:
    cur.execute("UPDATE requests SET status = 'held', held_reasons = ?, cycle = ? "
                "WHERE request_id = ?", [list(reasons), next_cycle, request_id])


def _queue_credentials_ready(cur, license_number, cycle, credentials_date, applications,
                             provisioned_on, policy) -> None:
    who = sn.license_recipients(cur, [license_number]).get(license_number)
    if who is None or not who["user_email"]:
        return
    sn.queue_messages(cur, [NewMessage(
        template_key=t.CREDENTIALS_READY, dedup_key=outbox.credentials_key(license_number, cycle),
        to=[who["user_email"]], cc=who["specialists"],
        context={**who, "applications": ", ".join(applications),
                 "credentials_date": credentials_date,
                 "quiz_deadline": quiz_deadline(provisioned_on, policy),
                 "quiz_days": policy.quiz_deadline_days})])


def _queue_request_held(cur, request_id, cycle, held_reasons) -> None:
    who = sn.request_recipients_many(cur, [request_id])[request_id]
    if who["specialists"]:
        sn.queue_messages(cur, [NewMessage(
            template_key=t.REQUEST_HELD, dedup_key=outbox.held_key(request_id, cycle),
            to=who["specialists"],
            context={**who, "cycle": cycle, "held_reasons": t.bullets(held_reasons)})])


def apply_row_by_row(cur, plan: BatchPlan, actor: str, now_utc: datetime, policy) -> None:
    """The batch's writes as they were before issue 8's bulk writes: one statement per row
    (the reference the one-statement-per-table writes must equal)."""
    on, cycle = plan.on, plan.cycle
    for d in plan.deprovisioned:
        for app in d.applications:
            if _deprovision_app_now(cur, d.license_number, app, on) != 1:
                raise EcommError(f"{d.license_number} no longer holds {app}: the data changed "
                                 "while the batch ran. Nothing was changed; process it again.")
        note = f"Batch {cycle}: removed {', '.join(d.applications) or 'nothing'}"
        if d.salesforce_removed_on and ref.SALESFORCE in d.already_removed:
            note += f" ({ref.SALESFORCE} removed at submission on {d.salesforce_removed_on}, C4)"
        _mark_processed(cur, d.request_id, now_utc, None)
        rs.add_status(cur, d.request_id, now_utc, "processed", actor, note)
        audit.record(cur, actor=actor, action="batch_deprovision", entity="request",
                     entity_id=d.request_id, campus=d.campus, before={"status": "pending"},
                     after={"status": "processed", "license_number": d.license_number,
                            "deprovisioned": d.applications, "deprovisioned_on": on,
                            "not_removed": d.already_removed}, detail=note)
    for p in plan.provisioned:
        if p.license_created:
            _insert_license(cur, {"license_number": p.license_number,
                                  "contact_id": p.contact_id, "affiliated_campus": p.campus,
                                  **p.license_after})
        else:
            _update_license(cur, p.license_number, p.license_after)
        for app in p.applications:   # rev 2: net new or transfer per application (P10)
            moved = app in p.transfers
            _add_license_app(cur, p.license_number, app, on, not moved,
                             p.replaces_license if moved else None)
        note = service.provision_note(p, cycle)
        _mark_processed(cur, p.request_id, now_utc, p.license_number)
        rs.add_status(cur, p.request_id, now_utc, "processed", actor, note)
        changed = {k: v for k, v in p.license_after.items() if p.license_before.get(k) != v}
        audit.record(cur, actor=actor, action="batch_provision", entity="license",
                     entity_id=p.license_number, campus=p.campus,
                     before={k: p.license_before.get(k) for k in changed} or None,
                     after={**changed, "applications": p.applications, "provisioned_on": on,
                            "net_new": p.net_new_apps, "transfers": p.transfers}, detail=note)
        audit.record(cur, actor=actor, action="batch_provision", entity="request",
                     entity_id=p.request_id, campus=p.campus, before={"status": "pending"},
                     after={"status": "processed", "license_number": p.license_number},
                     detail=note)
        if p.applications:
            _queue_credentials_ready(cur, p.license_number, cycle, plan.credentials_date,
                                     p.applications, on, policy)
    for h in plan.held:
        _mark_held(cur, h.request_id, h.reasons, h.next_cycle)
        note = f"Held by batch {cycle} for cycle {h.next_cycle} (C3): " + "; ".join(h.reasons)
        rs.add_status(cur, h.request_id, now_utc, "held", actor, note)
        audit.record(cur, actor=actor, action="batch_hold", entity="request",
                     entity_id=h.request_id, campus=h.campus,
                     after={"status": "held", "cycle": h.next_cycle, "held_reasons": h.reasons,
                            "failures": h.failures}, detail=note)
        _queue_request_held(cur, h.request_id, cycle, h.reasons)
    # rules revision 2: change requests (P15) and a specialist on every license (P17), the
    # same functions as the batch (row by row already)
    specialists.fill_missing_specialists(cur)
    license_changes.apply(cur, plan, actor, now_utc)
    for p in plan.provisioned:   # rev 2 (C3): the specialists told, one message per request
        if p.c3_changed:
            outbox.queue_transfers_now_net_new(cur, [(p.request_id, p.c3_changed,
                                                      p.replaces_license or "")], cycle)


# the clock columns written with the real time (now_utc() at the moment of writing)
WALL_CLOCK = {"audit_log": "happened_at", "outbox": "created_at"}


def tables(store) -> dict[str, list]:
    """Every row of every table in a fixed order (the audit log and outbox by their ids, so
    the order of the entries counts), without the wall-clock columns."""
    names = [r[0] for r in store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "ORDER BY table_name")]
    out = {}
    for t in names:
        exclude = f" EXCLUDE ({WALL_CLOCK[t]})" if t in WALL_CLOCK else ""
        out[t] = store.query(f'SELECT *{exclude} FROM "{t}" ORDER BY ALL')
    return out


def process_both_ways(template, tmp_path, monkeypatch, cycle, on, now):
    """Process ``cycle`` on two copies of ``template``: row by row, then as the batch does."""
    results = {}
    for way in ("row_by_row", "bulk"):
        path = tmp_path / f"{way}.duckdb"
        shutil.copyfile(template, path)
        with monkeypatch.context() as m:
            if way == "row_by_row":
                m.setattr(service, "_apply", apply_row_by_row)
            with Store(path) as store:
                outcome = service.process_batch(store, SYSTEM, cycle, on=on, now_utc=now)
                results[way] = (outcome.record.plan, tables(store))
    return results


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, demo_copy):
    path = demo_copy(tmp_path_factory.mktemp("bulk") / "demo.duckdb", as_of=AS_OF, licenses=1500)
    with Store(path) as store:
        cycle = planner.next_cycle(service.current_cycle(store, AS_OF))
        on = service.default_processing_day(store, cycle, AS_OF)
    return path, cycle, on


def test_c6_a4_bulk_writes_equal_row_by_row_compared_on_the_demo(demo_template, tmp_path,
                                                                  monkeypatch):
    path, cycle, on = demo_template
    results = process_both_ways(path, tmp_path, monkeypatch, cycle, on,
                                datetime.combine(on, time(18)))
    (plan, row_by_row), (bulk_plan, bulk) = results["row_by_row"], results["bulk"]
    assert bulk_plan == plan
    # the demo's cycle holds every kind of write (else the comparison proves little)
    assert plan.provisioned and plan.deprovisioned and plan.held
    assert any(p.license_created for p in plan.provisioned)
    assert any(not p.license_created for p in plan.provisioned)
    assert any(d.applications for d in plan.deprovisioned)
    assert len(row_by_row["audit_log"]) > len(plan.provisioned) * 2
    assert row_by_row["outbox"]
    for table in row_by_row:
        assert bulk[table] == row_by_row[table], table


def _seed_template(tmp_path, extra=None):
    path = tmp_path / "seed.duckdb"
    with Store(path) as store:
        seed_cycle(store)
        if extra:
            extra(store)
    return path


def test_c6_a4_bulk_writes_equal_row_by_row_on_the_seed_cycle(tmp_path, monkeypatch):
    results = process_both_ways(_seed_template(tmp_path), tmp_path, monkeypatch, CYCLE, ON,
                                PROCESS_AT)
    assert results["bulk"][1] == results["row_by_row"][1]


def test_p10_a_license_opened_and_extended_in_one_batch_equals_row_by_row(tmp_path, monkeypatch):
    """Two imported requests (no license number) of one new user: the first opens the license
    record, the second extends it in the same batch (one insert, the second's changes folded
    in)."""
    def two_requests(store):
        add_contact(store, "C-TWO", "Twice", "Tess", employee_id="888", ucb="tess@colorado.edu")
        store.write(lambda cur: cur.executemany(
            "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, "
            "submitted_by, applications, business_units, public_groups, cvent_add_ons, status) "
            "VALUES (?, 'provision', 'C-TWO', 'Boulder', ?, 'spec.boulder@colorado.edu', ?, "
            "['CUB Advancement'], ?, ?, 'pending')",
            [["R-TWO1", datetime(2026, 11, 20, 17), [ref.CVENT], ["01 Adv Boulder"],
              ["Event Management"]],
             ["R-TWO2", datetime(2026, 11, 20, 18), [ref.SALESFORCE], ["02 Other Boulder"],
              None]]))

    results = process_both_ways(_seed_template(tmp_path, two_requests), tmp_path, monkeypatch,
                                CYCLE, ON, PROCESS_AT)
    plan = results["bulk"][0]
    twice = [p for p in plan.provisioned if p.contact_id == "C-TWO"]
    assert [p.license_created for p in twice] == [True, False]
    assert twice[0].license_number == twice[1].license_number
    assert twice[0].license_after != twice[1].license_after
    assert results["bulk"][1] == results["row_by_row"][1]


def test_c6_an_application_gone_while_the_batch_ran_stops_it_and_changes_nothing(tmp_path):
    """C4/C6: a deprovisioning whose application was closed meanwhile stops the batch with
    the sentence naming it; nothing is written, as row by row."""
    path = _seed_template(tmp_path)
    with Store(path) as store:
        plan = service.preview_batch(store, SYSTEM, CYCLE, on=ON)
        d = next(d for d in plan.deprovisioned if d.applications)
        store.write(lambda cur: _deprovision_app_now(cur, d.license_number,
                                                      d.applications[0], ON))
        before = tables(store)
        real_plan = service._plan

        def stale(reader, cycle, on):   # the plan made before the change
            _fresh, policy, closures = real_plan(reader, cycle, on)
            return plan, policy, closures

        service_plan = service._plan
        service._plan = stale
        try:
            with pytest.raises(EcommError, match=f"{d.license_number} no longer holds "
                                                 f"{d.applications[0]}"):
                service.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=PROCESS_AT)
        finally:
            service._plan = service_plan
        assert tables(store) == before
