"""Submitting a deprovisioning request (C4): Salesforce goes at once, the rest in the batch.

A request that removes only Salesforce is complete at submission (nothing waits for a
batch). One that also removes other applications stays pending for the next cycle; the
batch must not remove Salesforce again (``salesforce_removed_on`` is set on the request).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from pydantic import ValidationError

from ecomm import clock
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.identity import Identity
from ecomm import access
from ecomm.requests import duplicates, timing
from ecomm.requests.models import Confirmation
from ecomm.rules import DeprovisionDraft, check_deprovision
from ecomm.storage import audit, contacts
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy


def load_license_for(store, actor: Identity, license_number: str):
    """The license (rules' ReplacedLicense view) if this person may see it, else NotFound (A1)."""
    lic = contacts.load_license(store, license_number)
    if lic is None or not access.can_see(actor, lic.affiliated_campus, access.named(lic)):
        raise NotFound(f"License {(license_number or '').strip()} was not found.")
    return lic


def c4_split(applications: list[str]) -> tuple[bool, list[str]]:
    """C4: (is Salesforce removed at once, the applications that wait for the batch)."""
    return ref.SALESFORCE in applications, [a for a in applications if a != ref.SALESFORCE]


class Submitted(NamedTuple):
    """A deprovisioning request at the moment it is submitted (C4)."""

    request_id: str
    license_number: str
    campus: str
    applications: list[str]
    on: date                      # the Denver day of submission
    at: datetime                  # the submission instant (naive UTC)
    already_removed: bool = False  # imported license_apps.csv records Salesforce closed on ``on``


def take_effect_at_submission(cur, submitted: list[Submitted], *, actor: str
                              ) -> list[str | None]:
    """C4: what deprovisioning requests do the moment they are submitted, from the form (one)
    or requests.csv (many, in a few statements): Salesforce is closed on the Denver day of
    submission (billed through the end of that month) and audited per license; a request with
    nothing else to remove is complete (history row). Returns each request's status
    ("pending" or "completed"), or None when its license no longer held Salesforce. A
    request ``already_removed`` (an export of a database where this happened) is not changed
    again."""
    closing = [s for s in submitted
               if ref.SALESFORCE in s.applications and not s.already_removed]
    closed = rs.deprovision_apps_now(cur, [(s.license_number, ref.SALESFORCE, s.on)
                                           for s in closing])
    statuses: list[str | None] = []
    entries, history = [], []
    for s in submitted:
        salesforce, others = c4_split(s.applications)
        if salesforce and not s.already_removed:
            if (s.license_number, ref.SALESFORCE) not in closed:
                statuses.append(None)
                continue
            entries.append(dict(
                actor=actor, action="remove_salesforce", entity="license",
                entity_id=s.license_number, campus=s.campus,
                before={"application": ref.SALESFORCE, "deprovisioned_on": None},
                after={"application": ref.SALESFORCE, "deprovisioned_on": s.on},
                detail=f"C4: removed at once by deprovisioning request {s.request_id}"))
        if others:
            statuses.append("pending")
        else:
            history.append((s.request_id, s.at, "completed", actor,
                            f"C4: {ref.SALESFORCE} removed at submission; nothing waits for a "
                            "batch"))
            statuses.append("completed")
    audit.record_many(cur, entries)
    rs.add_status_many(cur, history)
    return statuses


def submit_deprovision(store, actor: Identity, license_number: str, applications: list[str], *,
                       now_utc: datetime) -> Confirmation:
    """C4 (with P6, P7, P14): remove held applications from a license; Salesforce at once
    (billed through the end of the month), the others in the next batch."""
    lic = load_license_for(store, actor, license_number)
    access.require_can_change(actor, lic.affiliated_campus, access.named(lic),
                              doing="submit deprovisioning requests")
    try:
        draft = DeprovisionDraft(campus=lic.affiliated_campus, license_number=lic.license_number,
                                 applications=applications)
    except ValidationError as exc:
        raise from_validation_error(exc, "The deprovisioning request") from None
    on = clock.denver_date(now_utc)
    policy = load_policy(store)
    salesforce, others = c4_split(list(draft.applications))
    info = timing.cycle_info(store, now_utc, policy) if others else None
    status = "pending" if others else "completed"

    def fn(cur):
        # P6, P7, P14 inside the transaction: of submissions made at once, one lands
        duplicates.p7_deprovision_pending(cur, lic.license_number, list(draft.applications))
        reader = rs.CursorReader(cur)
        now_lic = contacts.load_license(reader, lic.license_number)
        if now_lic is None:
            raise NotFound(f"License {lic.license_number} no longer exists.")
        check_deprovision(draft, now_lic, actor, on, pending_removals=contacts.pending_removals(
            reader, lic.license_number)).raise_if_refused("This deprovisioning request")
        rid = rs.next_request_id(cur)
        request = {"request_id": rid, "kind": "deprovision", "contact_id": lic.contact_id,
                   "campus": lic.affiliated_campus, "submitted_at": now_utc,
                   "submitted_by": actor.email, "license_number": lic.license_number,
                   "applications": list(draft.applications), "status": status,
                   "cycle": info.cycle if info else None,
                   "salesforce_removed_on": on if salesforce else None,
                   "processed_at": None if others else now_utc}
        rs.insert_request(cur, request)
        rs.add_status(cur, rid, now_utc, "pending", actor.email,
                      f"Submitted for cycle {info.cycle}" if info else "Submitted")
        if take_effect_at_submission(cur, [Submitted(
                rid, lic.license_number, lic.affiliated_campus, list(draft.applications), on,
                now_utc)], actor=actor.email) == [None]:
            raise EcommError(f"{lic.license_number} no longer holds {ref.SALESFORCE}: "
                             "someone removed it a moment ago. Nothing was saved.")
        audit.record(cur, actor=actor.email, action="submit_deprovision", entity="request",
                     entity_id=rid, campus=lic.affiliated_campus, after=request)
        return rid

    rid = store.write(fn)
    conf = Confirmation(
        request_id=rid, kind="deprovision", status=status, contact_id=lic.contact_id,
        campus=lic.affiliated_campus, license_number=lic.license_number,
        applications=list(draft.applications), salesforce_removed_on=on if salesforce else None,
        message=f"Your deprovisioning request {rid} for {lic.license_number} has been submitted.")
    if salesforce:
        conf.effects.append(timing.salesforce_sentence(on))
        if (rs.license(store, lic.license_number) or {}).get("salesforce_profile") == \
                ref.PROFILE_CHATTER_FREE:
            conf.effects.append(f"This user has the {ref.PROFILE_CHATTER_FREE} profile, which "
                                f"is not charged for {ref.SALESFORCE} (B3).")
    if info:
        conf.cycle, conf.cutoff = info.cycle, info.cutoff
        conf.processing_starts = info.processing_starts
        conf.effects.append(f"{', '.join(others)}: removed in the batch, not now. "
                            f"{info.sentence()}.")
    return conf
