"""B8 invoice workflow as services: draft a run, send for review, return to draft, approve,
bill, correct; read invoices, their history, the spreadsheets and the forecast.

- Drafting (System team, A2) computes the run as of a day (B2-B6) and saves it in one
  ``store.write`` transaction: a new draft per campus and group, a draft drafted again is
  replaced in place (same id; unchanged when its content is the same), a draft whose campus
  has no lines any more is removed; invoices in review, approved or billed are never touched
  (the outcome says when the data no longer matches them). Drafting a true-up captures the
  campuses' net-new lists first (B6), so the drafted invoice bills the reviewed list.
- draft -> in review (System team sends it to the campus) -> approved (only that campus's
  eComm specialist) -> billed (System team). An invoice in review may be returned to draft,
  with a reason, by the System team or the campus's specialist.
- Approved and billed invoices never change; a correction is a new draft revision naming the
  invoice it corrects (System team, with a reason), which then goes through the same steps.
- Every step is an ``invoice_events`` row and an audit entry (A4).
- Specialists see their campus's invoices once sent for review (drafts are the System
  team's); managers read everything (A3).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Callable, Iterable

import pandas as pd

from ecomm import clock
from ecomm import reference as ref
from ecomm.billing.fiscal import fy_start
from ecomm.billing import invoice
from ecomm.billing.invoice import RunFrames, apply_reviews, check_as_of, invoices_of
from ecomm.billing.models import Invoice
from ecomm.billing import gates, net_new
from ecomm.billing.proration import ANNUAL, JUNE, TRUE_UPS
from ecomm.billing.records import (APPROVED, BILLED, DRAFT, FINAL, IN_REVIEW, STATUS_LABEL,
                                   InvoiceSummary, RunOutcome, StoredInvoice)
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.gc_pause import gc_paused
from ecomm.identity import Identity
from ecomm.notifications import work as work_messages
from ecomm.permissions import require_quiz_pass, require_system, require_writer
from ecomm.storage import audit
from ecomm.storage import billing_reads as reads
from ecomm.storage import billing_writes as bw
from ecomm.storage import invoice_reads as ir
from ecomm.storage import speedtypes
from ecomm.storage.requests import CursorReader
from ecomm.storage.settings import load_policy
from ecomm.billing.workflow_reads import (  # noqa: F401  (re-exported: callers import them from here)
    _seen, _sheets_of_run, _visible, forecast_for, get_invoice, history, list_invoices,
    list_summaries, run_label, runs, save_workbooks, workbook_bytes, workbooks)


def invoice_id_for(inv: Invoice) -> str:
    """B8: a readable, unique id: 'FY2027-january-boulder-advancement-cvent-r2'."""
    campus = "-".join(inv.campus.lower().split())
    return f"FY{inv.fiscal_year}-{inv.kind}-{campus}-{inv.group}-r{inv.revision}"


def describe(inv: Invoice) -> str:
    """'Boulder, Cvent, FY2027 January true-up (revision 2)'."""
    rev = f" (revision {inv.revision})" if inv.revision > 1 else ""
    return f"{inv.campus}, {inv.group_label}, FY{inv.fiscal_year} {inv.kind_label}{rev}"


def _summary(inv, *, lines: int | None = None, total: Decimal | None = None) -> dict:
    """A4: an invoice as the audit log records it (``lines``/``total`` when it has no lines in hand)."""
    if lines is None:
        lines = inv.line_count if isinstance(inv, InvoiceSummary) else len(inv.lines)
    return {"status": inv.status, "as_of": inv.as_of, "lines": lines,
            "total": inv.total if total is None else total,
            "campus_speedtype": inv.campus_speedtype, "revision": inv.revision,
            "corrects": inv.corrects_invoice_id}


def compute_run_frames(reader, *, fiscal_year: int, kind: str, as_of: date) -> RunFrames:
    """B2-B6: the run's invoices, in columns, from the data as of ``as_of``; true-ups bill the reviewed net-new list."""
    check_as_of(fiscal_year, kind, as_of)
    licenses, apps = reads.load_billing_frames(reader, as_of, since=fy_start(fiscal_year))
    if kind in TRUE_UPS:
        apps = apply_reviews(apps, ir.net_new_overrides(reader, fiscal_year, kind))
    return invoice.compute_run(licenses, apps, reads.load_rates(reader, fiscal_year),
                               load_policy(reader), fiscal_year=fiscal_year, kind=kind,
                               as_of=as_of,
                               january_as_of=reads.january_as_of(reader, fiscal_year)
                               if kind == JUNE else None)


def compute_run(reader, *, fiscal_year: int, kind: str, as_of: date) -> list[Invoice]:
    """B2-B6: the run's invoices as pydantic models (what drafting would save)."""
    return invoices_of(compute_run_frames(reader, fiscal_year=fiscal_year, kind=kind,
                                          as_of=as_of))


def check_not_future(as_of: date, now: datetime) -> None:
    """B8: an invoice bills what happened: it is drafted as of today or an earlier day (the forecast looks ahead)."""
    today = clock.denver_date(now)
    if as_of > today:
        raise EcommError(f"B8: An invoice is drafted as of today ({today.isoformat()}) or an "
                         f"earlier day, not {as_of.isoformat()}: see the forecast for what is "
                         "coming.")


def _event(cur, who: Identity, inv, invoice_id: str, action: str, *, now: datetime,
           status: str, note: str | None = None, before=None, after=None) -> None:
    bw.add_event(cur, invoice_id, at=now, status=status, actor=who.email, note=note)
    audit.record(cur, actor=who.email, action=action, entity="invoice", entity_id=invoice_id,
                 campus=inv.campus, before=before, after=after, detail=note)


def same_lines(old: InvoiceSummary, new: Invoice, old_rows: pd.DataFrame | None,
               new_rows: pd.DataFrame) -> bool:
    """B8: does the new computation bill the same lines, amounts and speedtypes as the stored invoice (whatever its as-of day)?"""
    if (old.campus_speedtype != new.campus_speedtype
            or list(old.other_campus_speedtypes) != list(new.other_campus_speedtypes)):
        return False
    if old_rows is None or len(old_rows) != len(new_rows):
        return old_rows is None and new_rows.empty
    for col in ("license_number", "user_name", "unit_speedtypes", "campus_speedtype"):
        if list(old_rows[col]) != list(new_rows[col]):
            return False
    if [Decimal(t) for t in old_rows["line_total"]] != [Decimal(t) for t in new_rows["line_total"]]:
        return False
    for col in ("licenses_held", "charges"):   # JSON text: equal as written, else as read
        for a, b in zip(old_rows[col], new_rows[col]):
            if a != b and json.loads(a) != json.loads(b):
                return False
    return True


# -- drafting ----------------------------------------------------------------------------------
def draft_run(store, who: Identity | None, *, fiscal_year: int, kind: str, as_of: date,
              now_utc: datetime | None = None, capture: bool = False,
              override: str | None = None) -> RunOutcome:
    """B8: draft (again) the run's invoices in one transaction; drafts are replaced, approved
    and billed ones never change. Rev 2: a true-up with net-new lists still open is refused
    unless ``capture`` (the System team captures them as they stand, B6; the outcome names the
    campuses that had not reviewed); the July invoice waits for that July's batch unless
    ``override`` gives a reason, recorded (B4)."""
    actor = require_system(who, "draft invoices")
    check_as_of(fiscal_year, kind, as_of)
    now = now_utc or clock.now_utc()
    check_not_future(as_of, now)

    def work(cur) -> RunOutcome:
        reader = CursorReader(cur)
        out = RunOutcome(fiscal_year=fiscal_year, kind=kind, as_of=as_of)
        if kind == ANNUAL and gates.check_july_batch(reader, fiscal_year, override):
            out.override = override.strip()   # B4: drafted before the July batch, and why
        if kind in TRUE_UPS:
            st = ir.review_statuses(reader, fiscal_year, kind, list(ref.CAMPUSES))
            out.unreviewed, still_open = gates.unreviewed(st), gates.open_lists(st)
            if still_open and not capture:
                raise EcommError(
                    f"B6: Capture the net-new lists before drafting the {run_label(fiscal_year, kind)}"
                    f": still open: {', '.join(still_open)}"
                    + (f"; not reviewed by their specialist: {', '.join(out.unreviewed)}"
                       if out.unreviewed else "") + ". Capture them (Net-new review), or draft "
                    "with 'capture the open lists as they stand'.")
            out.captured = net_new.capture_in(cur, actor, fiscal_year, kind, still_open, now)
        run = compute_run_frames(reader, fiscal_year=fiscal_year, kind=kind, as_of=as_of)
        rows = bw.line_rows(run)
        new_rows = {key: frame for key, frame in rows.groupby(["campus", "group"], sort=False)}
        stored = {i.key: i for i in reads.load_invoice_summaries(reader, fiscal_year=fiscal_year,
                                                                 kind=kind)}
        old_rows = {iid: frame for iid, frame in reads.stored_line_rows(
            reader, [i.invoice_id for i in stored.values()]).groupby("invoice_id", sort=False)}
        inserts: list[pd.DataFrame] = []
        for head in run.heads:
            key = (fiscal_year, kind, head["campus"], head["group"])
            inv = Invoice(fiscal_year=fiscal_year, kind=kind, campus=head["campus"],
                          group=head["group"], as_of=as_of,
                          campus_speedtype=head["campus_speedtype"],
                          other_campus_speedtypes=head["other_campus_speedtypes"])
            mine = new_rows[(head["campus"], head["group"])]
            after = _summary(inv, lines=head["lines"], total=head["total"])
            old = stored.get(key)
            if old is None:
                iid = invoice_id_for(inv)
                bw.insert_invoice(cur, iid, inv, total=head["total"], created_at=now,
                                  created_by=actor.email)
                inserts.append(mine.assign(invoice_id=iid))
                _event(cur, actor, inv, iid, "draft", now=now, status=DRAFT,
                       note=f"drafted as of {as_of.isoformat()}", after=after)
                out.created.append(iid)
                continue
            same = same_lines(old, inv, old_rows.get(old.invoice_id), mine)
            if old.status != DRAFT:
                out.kept.append(old.invoice_id)
                if not same:
                    out.differs.append(old.invoice_id)
            elif same and old.as_of == as_of:
                out.unchanged.append(old.invoice_id)
            else:
                bw.replace_draft(cur, old.invoice_id, inv, total=head["total"], created_at=now,
                                 created_by=actor.email)
                inserts.append(mine.assign(invoice_id=old.invoice_id))
                _event(cur, actor, old, old.invoice_id, "redraft", now=now, status=DRAFT,
                       note=f"drafted again as of {as_of.isoformat()}", before=_summary(old),
                       after={**after, "revision": old.revision,
                              "corrects": old.corrects_invoice_id})
                out.replaced.append(old.invoice_id)
        computed = {(fiscal_year, kind, h["campus"], h["group"]) for h in run.heads}
        for key, old in stored.items():
            if key in computed:
                continue
            if old.status == DRAFT:
                bw.delete_draft(cur, old.invoice_id)
                _event(cur, actor, old, old.invoice_id, "remove_draft", now=now, status="removed",
                       note=f"no lines as of {as_of.isoformat()}", before=_summary(old))
                out.removed.append(old.invoice_id)
            else:
                out.kept.append(old.invoice_id)
                if old.line_count:
                    out.differs.append(old.invoice_id)
        if inserts:
            bw.insert_line_rows(cur, pd.concat(inserts, ignore_index=True))
        out.invoices = reads.load_invoice_summaries(reader, fiscal_year=fiscal_year, kind=kind)
        audit.record(cur, actor=actor.email, action="draft_run", entity="invoice_run",
                     entity_id=f"FY{fiscal_year}-{kind}",
                     detail=out.sentence() + (f" B4 override: {out.override}"
                                              if out.override else ""),
                     after=out.model_dump(mode="json", exclude={"invoices"}))
        return out
    with gc_paused():   # ~160,000 lines at 100x
        return store.write(work)


def correct_invoice(store, who: Identity | None, invoice_id: str, *, as_of: date, reason: str,
                    now_utc: datetime | None = None) -> StoredInvoice:
    """B8: a correction is a new draft revision, computed as of ``as_of``, naming the approved or billed invoice it corrects."""
    actor = require_system(who, "correct invoices")
    if not (reason or "").strip():
        raise EcommError("B8: Say why the invoice is corrected: the reason goes on the new revision.")
    now = now_utc or clock.now_utc()
    check_not_future(as_of, now)

    def work(cur) -> StoredInvoice:
        reader = CursorReader(cur)
        old = ir.load_invoice(reader, invoice_id)
        if old is None:
            raise NotFound(f"There is no invoice {invoice_id}.")
        if old.status not in FINAL:
            raise EcommError(
                f"B8: {describe(old)} is {old.status_label.lower()}: only an approved or billed "
                "invoice is corrected with a new revision. Draft the run again to change a "
                "draft; return an invoice in review to draft first.")
        latest = ir.latest_revision(reader, *old.key)
        if latest != old.revision:
            raise EcommError(f"B8: {describe(old)} already has a later revision ({latest}): "
                             "correct the latest one.")
        run = compute_run_frames(reader, fiscal_year=old.fiscal_year, kind=old.kind, as_of=as_of)
        head = run.head(old.campus, old.group) or {
            "campus_speedtype": old.campus_speedtype, "other_campus_speedtypes": [],
            "lines": 0, "total": Decimal("0.00")}
        new = Invoice(fiscal_year=old.fiscal_year, kind=old.kind, campus=old.campus,
                      group=old.group, as_of=as_of, status=DRAFT, revision=old.revision + 1,
                      corrects_invoice_id=old.invoice_id,
                      campus_speedtype=head["campus_speedtype"],
                      other_campus_speedtypes=head["other_campus_speedtypes"])
        iid = invoice_id_for(new)
        bw.insert_invoice(cur, iid, new, total=head["total"], created_at=now,
                          created_by=actor.email, note=reason.strip())
        rows = bw.line_rows(run)
        bw.insert_line_rows(cur, rows[(rows["campus"] == old.campus)
                                      & (rows["group"] == old.group)].assign(invoice_id=iid))
        _event(cur, actor, new, iid, "correct", now=now, status=DRAFT,
               note=f"corrects {old.invoice_id}: {reason.strip()}", before=_summary(old),
               after=_summary(new, lines=head["lines"], total=head["total"]))
        return ir.load_invoice(reader, iid)
    return store.write(work)


# -- the steps ---------------------------------------------------------------------------------
def _require_campus_specialist(who: Identity | None, campus: str, action: str) -> Identity:
    """B8/A1: only the campus's own eComm specialist may ``action`` its invoice."""
    actor = require_writer(who, action)
    if not (actor.is_specialist and actor.campus == campus):
        raise AccessDenied(
            f"B8: only {campus}'s eComm specialist may {action}; you are signed in as "
            f"{actor.role_label}{' for ' + actor.campus if actor.campus else ''}. The System team "
            "sends invoices for review and marks them billed; the campus approves its own.")
    return actor


def _require_return(who: Identity | None, campus: str, action: str) -> Identity:
    actor = require_writer(who, action)
    if actor.is_system:
        return actor
    return _require_campus_specialist(actor, campus, action)


STEPS: dict[str, tuple[str, str, str, Callable]] = {
    # action: (from status, to status, words, who may)
    "send": (DRAFT, IN_REVIEW, "send invoices for review",
             lambda who, campus, words: require_system(who, words)),
    "return": (IN_REVIEW, DRAFT, "return invoices to draft", _require_return),
    "approve": (IN_REVIEW, APPROVED, "approve this invoice", _require_campus_specialist),
    "bill": (APPROVED, BILLED, "mark invoices billed",
             lambda who, campus, words: require_system(who, words)),
}


def _step(store, who: Identity | None, invoice_ids: Iterable[str], action: str, *,
          note: str | None, now_utc: datetime | None) -> list[StoredInvoice]:
    """B8: move invoices one step, all in one transaction (all of them or none)."""
    ids = list(dict.fromkeys(invoice_ids))
    if not ids:
        raise EcommError("Choose at least one invoice.")
    src, dst, words, check = STEPS[action]
    now = now_utc or clock.now_utc()

    def work(cur) -> list[StoredInvoice]:
        reader = CursorReader(cur)
        done = []
        for iid in ids:
            inv = ir.load_invoice(reader, iid)
            if inv is None:
                raise NotFound(f"There is no invoice {iid}.")
            actor = check(who, inv.campus, words)
            require_quiz_pass(actor, clock.denver_date(now), words)  # P14
            if inv.status != src:
                raise EcommError(
                    f"B8: {describe(inv)} is {inv.status_label.lower()}; only an invoice that "
                    f"is {STATUS_LABEL[src].lower()} can be moved to "
                    f"{STATUS_LABEL[dst].lower()}. Nothing was changed.")
            if bw.set_status(cur, iid, src, dst) != 1:
                raise EcommError(f"B8: {describe(inv)} changed meanwhile: nothing was changed.")
            _event(cur, actor, inv, iid, action, now=now, status=dst, note=note,
                   before={"status": src}, after={"status": dst})
            work_messages.queue_invoice_step(cur, action, invoice_id=iid, campus=inv.campus,
                                             described=describe(inv), actor=actor.email,
                                             note=note, at=now)   # issue 18: who waits is told
            done.append(ir.load_invoice(reader, iid))
        return done
    return store.write(work)


def send_for_review(store, who, invoice_ids: Iterable[str], *, note: str | None = None,
                    now_utc: datetime | None = None) -> list[StoredInvoice]:
    """B8: the System team sends draft invoices to their campuses for review; P12 (rev 2):
    never one without a campus billing speedtype."""
    invoice_ids = list(invoice_ids)
    refusal = gates.p12_send_refusal(speedtypes.invoices_without_speedtype(store, invoice_ids))
    if refusal:
        raise EcommError(refusal)
    return _step(store, who, invoice_ids, "send", note=note, now_utc=now_utc)


def return_to_draft(store, who, invoice_id: str, *, reason: str,
                    now_utc: datetime | None = None) -> StoredInvoice:
    """B8: an invoice in review goes back to draft (System team or the campus's specialist), with a reason."""
    if not (reason or "").strip():
        raise EcommError("B8: Say what is wrong with the invoice, so the System team can fix it.")
    return _step(store, who, [invoice_id], "return", note=reason.strip(), now_utc=now_utc)[0]


def approve(store, who, invoice_id: str, *, note: str | None = None,
            now_utc: datetime | None = None) -> StoredInvoice:
    """B8: the campus's eComm specialist approves their campus's invoice in review."""
    return _step(store, who, [invoice_id], "approve", note=note, now_utc=now_utc)[0]


def mark_billed(store, who, invoice_ids: Iterable[str], *, note: str | None = None,
                now_utc: datetime | None = None) -> list[StoredInvoice]:
    """B8: the System team marks approved invoices billed; they never change again."""
    return _step(store, who, invoice_ids, "bill", note=note, now_utc=now_utc)
