"""Submitting a deprovisioning request (C4): Salesforce goes at once, the rest in the batch.

A request that removes only Salesforce is complete at submission (nothing waits for a
batch). One that also removes other applications stays pending for the next cycle; the
batch must not remove Salesforce again (``salesforce_removed_on`` is set on the request).
"""
from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from ecomm import clock
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.identity import Identity
from ecomm.requests import access, timing
from ecomm.requests.models import Confirmation
from ecomm.rules import DeprovisionDraft, check_deprovision
from ecomm.storage import audit, contacts
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy


def load_license_for(store, actor: Identity, license_number: str):
    """The license (rules' ReplacedLicense view) if this person may see it, else NotFound (A1)."""
    lic = contacts.load_license(store, license_number)
    if lic is None or not access.can_see(actor, lic.affiliated_campus, lic.additional_specialists):
        raise NotFound(f"License {(license_number or '').strip()} was not found.")
    return lic


def submit_deprovision(store, actor: Identity, license_number: str, applications: list[str], *,
                       now_utc: datetime) -> Confirmation:
    """C4 (with P6, P7, P14): remove held applications from a license; Salesforce at once
    (billed through the end of the month), the others in the next batch."""
    lic = load_license_for(store, actor, license_number)
    access.require_can_change(actor, lic.affiliated_campus, lic.additional_specialists,
                              doing="submit deprovisioning requests")
    try:
        draft = DeprovisionDraft(campus=lic.affiliated_campus, license_number=lic.license_number,
                                 applications=applications)
    except ValidationError as exc:
        raise from_validation_error(exc, "The deprovisioning request") from None
    on = clock.denver_date(now_utc)
    verdict = check_deprovision(draft, lic, actor, on,
                                pending_removals=contacts.pending_removals(store, lic.license_number))
    verdict.raise_if_refused("This deprovisioning request")

    policy = load_policy(store)
    salesforce = ref.SALESFORCE in draft.applications
    others = [a for a in draft.applications if a != ref.SALESFORCE]
    info = timing.cycle_info(store, now_utc, policy) if others else None
    status = "pending" if others else "completed"

    def fn(cur):
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
        if salesforce:
            if rs.deprovision_app_now(cur, lic.license_number, ref.SALESFORCE, on) != 1:
                raise EcommError(f"{lic.license_number} no longer holds {ref.SALESFORCE}: "
                                 "someone removed it a moment ago. Nothing was saved.")
            audit.record(cur, actor=actor.email, action="remove_salesforce", entity="license",
                         entity_id=lic.license_number, campus=lic.affiliated_campus,
                         before={"application": ref.SALESFORCE, "deprovisioned_on": None},
                         after={"application": ref.SALESFORCE, "deprovisioned_on": on},
                         detail=f"C4: removed at once by deprovisioning request {rid}")
        if not others:
            rs.add_status(cur, rid, now_utc, "completed", actor.email,
                          f"C4: {ref.SALESFORCE} removed at submission; nothing waits for a batch")
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
