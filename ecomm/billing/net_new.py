"""B6 net-new review: in January and June each campus's specialist confirms or corrects the
net-new flag (P10) of the applications provisioned in the true-up's window, with a reason for
each correction (audited, A4); the System team then captures the lists (reviews close) and
drafts the true-up, which bills what the review says (``ecomm.billing.invoice.apply_reviews``).

A candidate belongs to its license's invoice campus (billing campus, else affiliated). The
review keeps the latest decision per application row; every decision is in the audit log.
The System team may reopen a captured list (with a reason) and draft again.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Mapping

from ecomm import clock
from ecomm import reference as ref
from ecomm.billing.models import LicenseForBilling
from ecomm.billing.proration import KIND_LABEL, TRUE_UPS
from ecomm.billing.records import NetNewCandidate, ReviewStatus
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.identity import Identity
from ecomm.permissions import (require_campus, require_campus_writer, require_quiz_pass,
                               require_system, visible_campuses)
from ecomm.storage import audit
from ecomm.storage import billing_writes as bw
from ecomm.storage import invoice_reads as ir
from ecomm.storage.requests import CursorReader

CONFIRM, CORRECT = "confirm", "correct"
Key = tuple[str, str, date]


def check_true_up(fiscal_year: int, kind: str) -> str:
    """B5/B6: net-new lists exist for the January and June true-ups only."""
    if kind not in TRUE_UPS:
        raise EcommError(f"B6: Net-new lists are reviewed for the January and June true-ups, "
                         f"not for '{kind}'.")
    return f"FY{fiscal_year} {KIND_LABEL[kind]}"


# -- reads -----------------------------------------------------------------------------------
def candidates(store, who: Identity | None, *, fiscal_year: int, kind: str,
               campus: str) -> list[NetNewCandidate]:
    """B6/A1: a campus's net-new candidates with their review (specialists: their campus only)."""
    check_true_up(fiscal_year, kind)
    require_campus(who, campus)
    return ir.load_candidates(store, fiscal_year, kind, campus=campus)


def statuses(store, who: Identity | None, *, fiscal_year: int, kind: str) -> list[ReviewStatus]:
    """B6: where each visible campus's review stands (candidates, reviewed, corrected, captured)."""
    check_true_up(fiscal_year, kind)
    campuses = visible_campuses(who)
    if not campuses:
        raise AccessDenied("Please sign in first.")
    return ir.review_statuses(store, fiscal_year, kind, campuses)


# -- the specialist's decisions ----------------------------------------------------------------
def _captured_refusal(reader, fiscal_year: int, kind: str, campus: str) -> None:
    cap = ir.load_captures(reader, fiscal_year, kind).get(campus)
    if cap is not None:
        raise EcommError(
            f"B6: {campus}'s net-new list for the {check_true_up(fiscal_year, kind)} was captured "
            f"by {cap['captured_by']} on {clock.format_datetime(cap['captured_at'])}: it can no "
            "longer be changed. Ask the CU System eComm team to reopen it.")


def _decide(cur, reader, who: Identity, cand: NetNewCandidate, net_new: bool,
            reason: str | None, now: datetime) -> bool:
    """Record one decision; False when it repeats the stored one (nothing to record)."""
    reason = (reason or "").strip() or None
    decision = CONFIRM if net_new == cand.flagged_net_new else CORRECT
    if decision == CORRECT and not reason:
        word = "net new" if net_new else "not net new (a transfer)"
        raise EcommError(
            f"B6: Say why {cand.application} on {cand.license_number} ({cand.user_name}) is "
            f"{word}: a correction needs a reason.")
    if cand.decision == decision and cand.net_new == net_new and (cand.reason or None) == reason:
        return False
    bw.upsert_review(cur, fiscal_year=cand.fiscal_year, kind=cand.kind,
                     license_number=cand.license_number, application=cand.application,
                     provisioned_on=cand.provisioned_on, campus=cand.campus, decision=decision,
                     net_new=net_new, reason=reason, by=who.email, at=now)
    audit.record(cur, actor=who.email, action=f"net_new_{decision}", entity="net_new_review",
                 entity_id=f"FY{cand.fiscal_year}-{cand.kind}:{cand.license_number}:"
                           f"{cand.application}:{cand.provisioned_on.isoformat()}",
                 campus=cand.campus,
                 before={"net_new": cand.net_new, "decision": cand.decision, "reason": cand.reason},
                 after={"net_new": net_new, "decision": decision, "reason": reason})
    return True


def review_candidate(store, who: Identity | None, *, fiscal_year: int, kind: str,
                     license_number: str, application: str, provisioned_on: date, net_new: bool,
                     reason: str | None = None, now_utc: datetime | None = None) -> NetNewCandidate:
    """B6: the campus's specialist (or the System team) confirms or corrects one candidate; a correction needs a reason."""
    what = check_true_up(fiscal_year, kind)
    now = now_utc or clock.now_utc()

    def work(cur):
        reader = CursorReader(cur)
        found = ir.load_candidates(reader, fiscal_year, kind, license_number=license_number,
                                   application=application, provisioned_on=provisioned_on)
        if not found:
            raise NotFound(f"B6: {application} provisioned on {provisioned_on} on "
                           f"{license_number} is not on the net-new list of the {what}.")
        cand = found[0]
        actor = require_campus_writer(who, cand.campus, "review net-new lists")
        require_quiz_pass(actor, clock.denver_date(now), "review net-new lists")
        _captured_refusal(reader, fiscal_year, kind, cand.campus)
        _decide(cur, reader, actor, cand, net_new, reason, now)
        return ir.load_candidates(reader, fiscal_year, kind, license_number=license_number,
                                  application=application, provisioned_on=provisioned_on)[0]
    return store.write(work)


def confirm_remaining(store, who: Identity | None, *, fiscal_year: int, kind: str, campus: str,
                      now_utc: datetime | None = None) -> int:
    """B6: confirm every candidate of the campus not reviewed yet, as flagged; returns how many."""
    check_true_up(fiscal_year, kind)
    actor = require_campus_writer(who, campus, "review net-new lists")
    now = now_utc or clock.now_utc()
    require_quiz_pass(actor, clock.denver_date(now), "review net-new lists")

    def work(cur):
        reader = CursorReader(cur)
        _captured_refusal(reader, fiscal_year, kind, campus)
        todo = [c for c in ir.load_candidates(reader, fiscal_year, kind, campus=campus)
                if c.decision is None]
        for cand in todo:
            _decide(cur, reader, actor, cand, cand.flagged_net_new, None, now)
        return len(todo)
    return store.write(work)


# -- the System team: capture and reopen -------------------------------------------------------
def capture_in(cur, who: Identity, fiscal_year: int, kind: str, campuses: Iterable[str],
               now: datetime) -> list[str]:
    """B6 (inside a write): capture the campuses' lists not captured yet; returns those captured."""
    reader = CursorReader(cur)
    done = ir.load_captures(reader, fiscal_year, kind)
    statuses_by = {s.campus: s for s in ir.review_statuses(reader, fiscal_year, kind,
                                                           list(ref.CAMPUSES))}
    captured = []
    for campus in campuses:
        if campus in done:
            continue
        st = statuses_by.get(campus)
        written = write_decisions(cur, who, fiscal_year, kind, campus)
        bw.insert_capture(cur, fiscal_year, kind, campus, at=now, by=who.email)
        audit.record(cur, actor=who.email, action="capture", entity="net_new_list",
                     entity_id=f"FY{fiscal_year}-{kind}:{campus}", campus=campus,
                     after={"candidates": st.candidates if st else 0,
                            "reviewed": st.reviewed if st else 0,
                            "corrected": st.corrected if st else 0,
                            "written_to_licenses": written})
        captured.append(campus)
    return captured


def write_decisions(cur, who: Identity, fiscal_year: int, kind: str, campus: str) -> int:
    """B6 (rev 2): capturing writes each reviewed decision onto the license's application
    (license_apps.net_new), audited, so the license record, reports and invoices agree.
    Returns how many application rows changed."""
    reader = CursorReader(cur)
    changed = 0
    for cand in ir.load_candidates(reader, fiscal_year, kind, campus=campus):
        if cand.decision is None or cand.net_new == cand.flagged_net_new:
            continue
        if bw.set_app_net_new(cur, cand.license_number, cand.application, cand.provisioned_on,
                              cand.net_new):
            changed += 1
            audit.record(cur, actor=who.email, action="net_new_captured", entity="license",
                         entity_id=cand.license_number, campus=campus,
                         before={"application": cand.application,
                                 "provisioned_on": cand.provisioned_on,
                                 "net_new": cand.flagged_net_new},
                         after={"application": cand.application,
                                "provisioned_on": cand.provisioned_on, "net_new": cand.net_new},
                         detail=f"B6: {check_true_up(fiscal_year, kind)} net-new review "
                                f"captured: {cand.reason or cand.decision}")
    return changed


def unreviewed_campuses(store, who: Identity | None, *, fiscal_year: int,
                        kind: str) -> list[str]:
    """B6 (rev 2): campuses whose list is open and not all reviewed (shown before capturing)."""
    from ecomm.billing.gates import unreviewed
    return unreviewed(statuses(store, who, fiscal_year=fiscal_year, kind=kind))


def campuses_with_candidates(reader, fiscal_year: int, kind: str) -> list[str]:
    """B6: the campuses that have something on the true-up's net-new list."""
    return sorted({c.campus for c in ir.load_candidates(reader, fiscal_year, kind)})


def capture(store, who: Identity | None, *, fiscal_year: int, kind: str,
            campuses: list[str] | None = None, now_utc: datetime | None = None) -> list[str]:
    """B6: the System team captures the reviewed lists (all campuses with candidates by
    default); reviews close and each decision is written onto the license (rev 2)."""
    check_true_up(fiscal_year, kind)
    actor = require_system(who, "capture net-new lists")
    now = now_utc or clock.now_utc()

    def work(cur):
        chosen = campuses if campuses is not None else campuses_with_candidates(
            CursorReader(cur), fiscal_year, kind)
        unknown = [c for c in chosen if c not in ref.CAMPUSES]
        if unknown:
            raise EcommError(f"There is no campus named {', '.join(unknown)}.")
        return capture_in(cur, actor, fiscal_year, kind, chosen, now)
    return store.write(work)


def reopen(store, who: Identity | None, *, fiscal_year: int, kind: str, campus: str,
           reason: str) -> None:
    """B6: the System team reopens a captured list so the specialist can correct it (with a reason)."""
    what = check_true_up(fiscal_year, kind)
    actor = require_system(who, "reopen net-new lists")
    if not (reason or "").strip():
        raise EcommError("B6: Say why the net-new list is reopened.")

    def work(cur):
        if not bw.delete_capture(cur, fiscal_year, kind, campus):
            raise EcommError(f"B6: {campus}'s net-new list for the {what} is not captured.")
        audit.record(cur, actor=actor.email, action="reopen", entity="net_new_list",
                     entity_id=f"FY{fiscal_year}-{kind}:{campus}", campus=campus,
                     detail=reason.strip())
    store.write(work)
