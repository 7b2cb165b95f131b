"""P4 manual fix: when the user agreement matched a duplicate contact, the System team or the
campus's specialist adds the correct contact to the agreement campaign by hand, with the
reason and the Data Change Request filed (both required), recorded with before and after."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from ecomm import clock, permissions
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm import access
from ecomm.requests.models import Outcome
from ecomm.storage import audit, contacts
from ecomm.storage import requests as rs


def _signed_utc(signed_at: datetime | date) -> datetime:
    """A date is that day in Denver; an aware datetime is converted; a naive one is stored UTC."""
    if isinstance(signed_at, datetime):
        if signed_at.tzinfo is not None:
            return signed_at.astimezone(timezone.utc).replace(tzinfo=None)
        return signed_at
    return clock.to_utc_naive(datetime.combine(signed_at, time(0, 0)))


def record_agreement_fix(store, actor: Identity, contact_id: str, *, reason: str,
                         dcr_reference: str, signed_at: datetime | date,
                         now_utc: datetime | None = None) -> Outcome:
    """P4: add ``contact_id`` to the agreement campaign by hand, only with a reason and the
    Data Change Request reference; A1/A2: the System team or the contact's campus specialist."""
    campuses = rs.contact_campuses(store, contact_id)
    if campuses is None:
        raise NotFound(f"There is no contact {contact_id!r}: check the contact ID.")
    additional = [a for lic in rs.licenses_of_contact(store, contact_id)
                  for a in access.named(lic)]
    if not access.can_see_contact(actor, campuses, additional):
        raise NotFound(f"There is no contact {contact_id!r}: check the contact ID.")
    access.require_can_change_contact(actor, campuses, additional,
                                      doing="add a contact to the agreement campaign by hand")
    now_utc = now_utc or clock.now_utc()
    permissions.require_quiz_pass(actor, clock.denver_date(now_utc),
                                  "add a contact to the agreement campaign by hand")
    campus = actor.campus if actor.campus in campuses else (sorted(campuses) or [None])[0]
    reason = (reason or "").strip()
    dcr = (dcr_reference or "").strip()
    problems = []
    if not reason:
        problems.append("P4: Give the reason the contact is added by hand (e.g. the agreement "
                        "was signed on a duplicate contact).")
    if not dcr:
        problems.append("P4: Give the Data Change Request reference: add the contact by hand "
                        "only after the DCR is filed.")
    if signed_at is None:
        problems.append("P4: Give the date the user signed the agreement (confirm they signed it).")
    signed = _signed_utc(signed_at) if signed_at is not None else None
    if signed is not None and signed > now_utc:
        problems.append("P4: The signed date is in the future: give the date the user signed.")
    if problems:
        raise EcommError("The agreement fix was not recorded.", problems)
    text = f"{reason} (Data Change Request {dcr})"

    def fn(cur):
        before = rs.agreement_member(cur, contact_id)
        rs.upsert_agreement_member(cur, contact_id, signed, actor.email, text)
        after = rs.agreement_member(cur, contact_id)
        audit.record(cur, actor=actor.email, action="agreement_fix", entity="campaign_member",
                     entity_id=contact_id, campus=campus, before=before,
                     after={**after, "dcr_reference": dcr, "reason_given": reason},
                     detail=f"P4: added to {ref.AGREEMENT_CAMPAIGN} by hand; DCR {dcr}")

    store.write(fn)
    name = contacts.load_contact_facts(store, contact_id).contact.name
    return Outcome(id=contact_id, status="recorded",
                   message=f"{name} ({contact_id}) is now in the agreement campaign, added by "
                           f"{actor.email}: {text}.")
