"""The monthly batch as a service (C1-C6, A2, A4): preview a cycle, process it once, read a
processed one back, and set the credentials date the System team announces (C2).

Preview and processing load the same inputs and call the same ``plan_batch``: the preview
reads outside any transaction, processing reads again inside its one transaction (C6: all or
nothing) right after claiming the cycle's ``batches`` row, so the cycle is processed once
however many people press the button.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

from pydantic import ValidationError

from ecomm import calendar as cal
from ecomm import clock
from ecomm import reference as ref
from ecomm.batch import changes as license_changes
from ecomm.batch import plan as planner
from ecomm.batch.models import (BatchInputs, BatchOutcome, BatchPlan, BatchRecord, CycleDates,
                                LicenseState, QueuedRequest)
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.notifications import outbox
from ecomm.permissions import require_system
from ecomm.policy import Policy
from ecomm.rules import ProvisionDraft, apply_billing_defaults
from ecomm.storage import audit, contacts, specialists
from ecomm.storage import batch as sb
from ecomm.storage import calendar as cal_store
from ecomm.storage import requests as rs
from ecomm.storage import speedtypes, transfers
from ecomm.storage.settings import load_policy
from ecomm.rules.stored_requests import DRAFT_TO_REQUEST
from ecomm.batch.cycles import (  # noqa: F401  (re-exported: callers import them from here)
    _cycle_dates, check_cycle, current_cycle, cycle_choices, cycle_dates, default_processing_day,
    due_cycle, processed_batches, processing_refusal)


# -- inputs and the plan ---------------------------------------------------------------------
def _draft(row: dict) -> ProvisionDraft:
    try:
        draft = ProvisionDraft(campus=row["campus"], contact_id=row["contact_id"],
                               **{k: row.get(k) for k in DRAFT_TO_REQUEST})
    except ValidationError as exc:
        problems = [e.get("msg", "").removeprefix("Value error, ") for e in exc.errors()]
        raise EcommError(f"Request {row['request_id']} cannot be read: fix or cancel it, then "
                         "process the batch again. Nothing was changed.", problems) from None
    return apply_billing_defaults(draft, None)


_DRAFT_FIELDS = ("request_id", "campus", "contact_id", *DRAFT_TO_REQUEST)


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


class _Drafts:
    """The drafts of the last batch read, by the request row's content: processing re-reads
    every request inside its transaction (C6) and reuses the preview's draft only for a row
    that reads exactly the same (a draft is a function of its row alone), so a preview
    followed by processing reads each draft once. One batch's drafts are kept."""

    def __init__(self):
        self._last: dict[tuple, ProvisionDraft] = {}

    def __call__(self, rows: list[dict]) -> dict[str, ProvisionDraft]:
        last, now, out = self._last, {}, {}
        for row in rows:
            key = tuple(_frozen(row.get(k)) for k in _DRAFT_FIELDS)
            draft = now.get(key, last.get(key))
            now[key] = out[row["request_id"]] = _draft(row) if draft is None else draft
        self._last = now
        return out


_drafts = _Drafts()


def _queued(row: dict, draft: ProvisionDraft | None = None) -> QueuedRequest:
    return QueuedRequest(
        request_id=row["request_id"], kind=row["kind"], contact_id=row["contact_id"],
        campus=row["campus"], status=row["status"], submitted_at=row["submitted_at"],
        submitted_by=row["submitted_by"], cycle=row["cycle"],
        applications=list(row["applications"] or []), license_number=row["license_number"],
        salesforce_removed_on=row["salesforce_removed_on"],
        draft=(draft or _draft(row)) if row["kind"] == "provision" else None,
        change=license_changes.change_draft(row) if row["kind"] == "change" else None,
        transfer_apps=list(row.get("transfer_apps") or []))


_LISTS = ("additional_specialists", "super_user_permissions", "cvent_add_ons", "business_units",
          "public_groups", "open_apps")


def _license(row: dict) -> LicenseState:
    fields = set(LicenseState.model_fields)
    return LicenseState(**{k: (v if v is not None or k not in _LISTS else [])
                           for k, v in row.items() if k in fields})


def _next_number(reader) -> str:
    with reader.cursor() as cur:
        return rs.next_license_number(cur)


def load_inputs(reader, cycle: str, on: date, closures) -> BatchInputs:
    """Everything the plan of ``cycle`` reads; ``reader`` is the Store (preview) or a
    ``CursorReader`` over the processing transaction."""
    rows = sb.open_requests(reader)
    drafts = _drafts([r for r in rows if r["kind"] == "provision"])
    queued = [q for q in (_queued(r, drafts.get(r["request_id"])) for r in rows)
              if planner.handled_by(q, cycle, closures)]
    defaults = speedtypes.campus_defaults(reader)   # P12: imported requests may carry none
    for q in queued:
        if q.draft is not None and not q.draft.campus_speedtype:
            q.draft = apply_billing_defaults(q.draft, defaults.get(q.draft.billing_campus
                                                                   or q.campus))
    provisioned = sorted({q.contact_id for q in queued if q.kind in ("provision", "change")})
    numbers = sorted({q.license_number for q in queued if q.license_number})
    return BatchInputs(
        cycle=cycle, on=on, requests=queued,
        facts=contacts.load_contact_facts_many(reader, provisioned),
        licenses={r["license_number"]: _license(r)
                  for r in sb.licenses_for(reader, numbers, provisioned)},
        names=sb.contact_names(reader, sorted({q.contact_id for q in queued})),
        first_new_license=_next_number(reader), closures=sorted(closures),
        replaced=transfers.load_replaced_seats(   # C3: P10 again (taken: processed ones)
            reader, [q.draft.replaces_license for q in queued if q.draft is not None]
            + [q.change.replaces_license for q in queued if q.change is not None],
            open_claims=False),
        speedtypes=defaults)


def _plan(reader, cycle: str, on: date) -> tuple[BatchPlan, Policy, list[date]]:
    policy = load_policy(reader)
    closures = sorted(cal_store.extra_closures(reader))
    plan = planner.plan_batch(load_inputs(reader, cycle, on, closures), policy)
    plan.cycle_credentials_date = cal.credentials_date(
        cycle, cal_store.credentials_override(reader, cycle), policy=policy,
        extra_closures=frozenset(closures))
    plan.credentials_date = planner.announced_credentials_date(plan.cycle_credentials_date, on,
                                                               closures)
    return plan, policy, closures


def preview_batch(store, actor: Identity, cycle: str, *, on: date) -> BatchPlan:
    """C1-C5 (A2): exactly what processing ``cycle`` on ``on`` would do; changes nothing."""
    require_system(actor, "preview batches")
    plan, _policy, _closures = _plan(store, check_cycle(cycle), on)
    return plan


def new_users_credentials_date(store, record: BatchRecord) -> date:
    """C2: the date the new-users download announces for a processed batch: the cycle's
    current date (the System team may set it after processing), never before the next
    business day after the processing day."""
    closures = cal_store.extra_closures(store)   # read once for both dates
    dates = _cycle_dates(store, check_cycle(record.cycle), closures)
    return planner.announced_credentials_date(dates.credentials_date, record.processed_on,
                                              closures)


# -- processing ------------------------------------------------------------------------------
def batch_record(store, cycle: str) -> BatchRecord | None:
    """C6: the processed batch of ``cycle`` with its summary, or None."""
    return _record(sb.batch_row(store, check_cycle(cycle)))


def _record(row: dict | None) -> BatchRecord | None:
    if row is None:
        return None
    return BatchRecord(cycle=row["cycle"], processed_on=row["processed_on"],
                       processed_at=row["processed_at"], processed_by=row["processed_by"],
                       plan=BatchPlan.model_validate(json.loads(row["summary"])))


def already_processed_message(record: BatchRecord) -> str:
    at = clock.to_denver(record.processed_at)
    return (f"Cycle {record.cycle} was already processed on {record.processed_on.isoformat()} "
            f"(at {at:%H:%M} Denver time) by {record.processed_by}: nothing was changed.")


def process_batch(store, actor: Identity, cycle: str, *, on: date,
                  now_utc: datetime) -> BatchOutcome:
    """C1-C6 (A2, A4): process the batch of ``cycle`` on the processing day ``on`` in one
    transaction; a cycle already processed is left as it is and reported."""
    require_system(actor, "process batches")
    cycle = check_cycle(cycle)
    today = clock.denver_date(now_utc)

    def fn(cur):
        reader = rs.CursorReader(cur)
        existing = _record(sb.batch_row(cur, cycle))
        if existing is not None:
            return existing, True
        closures = cal_store.extra_closures(reader)
        refusal = planner.processing_refusal(cycle, on, today, closures,
                                             sb.latest_processed_cycle(cur))
        if refusal:
            raise EcommError(refusal)
        sb.claim_batch(cur, cycle, processed_on=on, processed_at=now_utc,
                       processed_by=actor.email)
        plan, policy, _closures = _plan(reader, cycle, on)
        _apply(cur, plan, actor.email, now_utc, policy)
        sb.save_summary(cur, cycle, plan.model_dump_json())
        audit.record(cur, actor=actor.email, action="process_batch", entity="batch",
                     entity_id=cycle, after=plan.to_json(dry_run=False),
                     detail=f"Cycle {cycle} processed on {on.isoformat()}: {plan.sentence()}")
        return BatchRecord(cycle=cycle, processed_on=on, processed_at=now_utc,
                           processed_by=actor.email, plan=plan), False

    try:
        record, already = store.write(fn)
    except EcommError:
        raise
    except Exception:
        # Another connection committed the cycle's batches row first (its primary key made
        # this transaction fail to commit): report that batch; any other failure stands.
        record, already = batch_record(store, cycle), True
        if record is None:
            raise
    if already:
        return BatchOutcome(record=record, already_processed=True,
                            message=already_processed_message(record))
    return BatchOutcome(record=record, message=(
        f"Cycle {cycle} processed on {on.isoformat()}: {record.plan.sentence()}."))


def _apply(cur, plan: BatchPlan, actor: str, now_utc: datetime, policy: Policy) -> None:
    """Write the plan: license records and applications, request statuses with their
    history, audit entries (A4) and the credentials/held messages (once each). One statement
    per table (thousands of rows at 100x), in the plan's order: the same rows as writing
    them one by one (compared on the demo, tests/integration/test_batch_bulk_writes.py)."""
    on, cycle = plan.on, plan.cycle
    processed: list[tuple[str, str | None]] = []   # (request, license)
    statuses: list[tuple] = []                     # (request, at, status, actor, note)
    entries: list[dict] = []                       # audit entries (A4), in order

    _deprovision(cur, plan)
    for d in plan.deprovisioned:
        note = f"Batch {cycle}: removed {', '.join(d.applications) or 'nothing'}"
        if d.salesforce_removed_on and ref.SALESFORCE in d.already_removed:
            note += f" ({ref.SALESFORCE} removed at submission on {d.salesforce_removed_on}, C4)"
        processed.append((d.request_id, None))
        statuses.append((d.request_id, now_utc, "processed", actor, note))
        entries.append(dict(actor=actor, action="batch_deprovision", entity="request",
                            entity_id=d.request_id, campus=d.campus,
                            before={"status": "pending"},
                            after={"status": "processed", "license_number": d.license_number,
                                   "deprovisioned": d.applications, "deprovisioned_on": on,
                                   "not_removed": d.already_removed}, detail=note))

    credentials: list[tuple[str, list[str], date]] = []
    apps: list[tuple[str, str, date, bool]] = []
    created: dict[str, dict] = {}     # license -> its values when inserted (later changes folded)
    updated: dict[str, dict] = {}     # license -> the columns set on it
    for p in plan.provisioned:
        if p.license_created:
            created[p.license_number] = {"license_number": p.license_number,
                                         "contact_id": p.contact_id,
                                         "affiliated_campus": p.campus, **p.license_after}
        else:
            change = {k: v for k, v in p.license_after.items() if k != "license_number"}
            (created.get(p.license_number) or updated.setdefault(p.license_number, {})
             ).update(change)
        transferred = set(p.transfers)
        apps += [(p.license_number, app, on, app not in transferred,
                  p.replaces_license if app in transferred else None) for app in p.applications]
        note = provision_note(p, cycle)
        processed.append((p.request_id, p.license_number))
        statuses.append((p.request_id, now_utc, "processed", actor, note))
        changed = {k: v for k, v in p.license_after.items() if p.license_before.get(k) != v}
        entries.append(dict(actor=actor, action="batch_provision", entity="license",
                            entity_id=p.license_number, campus=p.campus,
                            before={k: p.license_before.get(k) for k in changed} or None,
                            after={**changed, "applications": p.applications,
                                   "provisioned_on": on, "net_new": p.net_new_apps,
                                   "transfers": p.transfers}, detail=note))
        entries.append(dict(actor=actor, action="batch_provision", entity="request",
                            entity_id=p.request_id, campus=p.campus, before={"status": "pending"},
                            after={"status": "processed", "license_number": p.license_number},
                            detail=note))
        if p.applications:
            credentials.append((p.license_number, p.applications, on))
    sb.insert_licenses(cur, list(created.values()))
    sb.update_licenses(cur, list(updated.items()))
    specialists.fill_missing_specialists(cur)          # P17: every license names one
    sb.add_license_apps(cur, apps)
    sb.mark_processed_many(cur, processed, now_utc)
    # C2: the credentials messages in one insert (one per license, in the plan's order)
    outbox.queue_credentials_ready_many(cur, credentials, cycle, plan.credentials_date, policy)

    for h in plan.held:
        note = f"Held by batch {cycle} for cycle {h.next_cycle} (C3): " + "; ".join(h.reasons)
        statuses.append((h.request_id, now_utc, "held", actor, note))
        entries.append(dict(actor=actor, action="batch_hold", entity="request",
                            entity_id=h.request_id, campus=h.campus,
                            after={"status": "held", "cycle": h.next_cycle,
                                   "held_reasons": h.reasons, "failures": h.failures},
                            detail=note))
    sb.mark_held_many(cur, [(h.request_id, h.reasons, h.next_cycle) for h in plan.held])
    rs.add_status_many(cur, statuses)
    audit.record_many(cur, entries)
    # C3: the held messages in one insert (in the plan's order)
    outbox.queue_requests_held(cur, [(h.request_id, h.reasons) for h in plan.held], cycle)
    license_changes.apply(cur, plan, actor, now_utc)   # P15 change requests
    # C3 (rev 2): the specialists are told of transfers provisioned as net new
    outbox.queue_transfers_now_net_new(
        cur, [(p.request_id, p.c3_changed, p.replaces_license or "")
              for p in plan.provisioned if p.c3_changed], cycle)


def provision_note(p, cycle: str) -> str:
    """P10/C3 (rev 2): the processed request's note: per application transfer or net new, and
    (told to the specialist) the applications that were transfers at submission but are not."""
    kind = "; ".join(p.p10_notes) or "nothing new"
    note = (f"Batch {cycle}: {', '.join(p.applications) or 'nothing new'} provisioned on "
            f"{p.license_number} (P10: {kind})")
    if p.c3_changed:
        note += (f". C3: {', '.join(p.c3_changed)} was a transfer at submission and is "
                 "provisioned as net new: the replaced application is still held or was "
                 "already taken")
    return note


def _deprovision(cur, plan: BatchPlan) -> None:
    """C4: close every application the plan removes, in one statement; each must close exactly
    one open row, else the data changed while the batch ran and nothing is written."""
    items = [(d.license_number, app, plan.on) for d in plan.deprovisioned
             for app in d.applications]
    closed = Counter(rs.deprovision_apps_rows(cur, list(dict.fromkeys(items))))
    seen: set[tuple[str, str]] = set()
    for number, app, _on in items:
        if (number, app) in seen or closed[(number, app)] != 1:
            raise EcommError(f"{number} no longer holds {app}: the data changed "
                             "while the batch ran. Nothing was changed; process it again.")
        seen.add((number, app))


# -- the credentials date the System team announces (C2) ---------------------------------------
def set_credentials_date(store, actor: Identity, cycle: str, day: date | None, *,
                         now_utc: datetime) -> CycleDates:
    """C2 (A2, A4): the date the System team announces for a cycle's credentials (None: back
    to the 5th-or-next-business-day default)."""
    require_system(actor, "set the credentials date")
    dates = cycle_dates(store, cycle)
    if day is not None and day < dates.processing_starts:
        raise EcommError(f"The credentials date {day.isoformat()} is before cycle "
                         f"{dates.cycle}'s first processing day, "
                         f"{dates.processing_starts.isoformat()}: choose a later day.")

    def fn(cur):
        previous = cal_store.set_credentials_override(cur, dates.cycle, day, set_by=actor.email,
                                                      set_at=now_utc)
        audit.record(cur, actor=actor.email, action="set_credentials_date", entity="cycle",
                     entity_id=dates.cycle, before={"credentials_date": previous},
                     after={"credentials_date": day},
                     detail="C2: the credentials date announced for the cycle")

    store.write(fn)
    return cycle_dates(store, dates.cycle)
