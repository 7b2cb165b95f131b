"""P15: change requests (submitted in the form, by the CLI or in requests.csv) and billing
information kept current on the license record.

A change request asks, for an existing license, Cvent add-ons, super-user permissions,
another eComm role or the upgrade from Chatter Free to a full Salesforce license; it joins
the monthly cycle like provisioning (C1-C3: checked again and held by the batch,
``ecomm.batch.changes``). Billing information (billing campus, campus and unit speedtypes)
is edited at once by the campus's specialist or the System team, audited; invoices already
in review, approved or billed keep what they say (they store their own lines and
speedtypes; a draft is drafted again from the license record).
"""
from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from ecomm import clock, system_tasks
from ecomm import reference as ref
from ecomm.errors import EcommError, from_validation_error
from ecomm.identity import Identity
from ecomm import access
from ecomm.requests import timing
from ecomm.requests.deprovision import load_license_for
from ecomm.requests.models import Confirmation
from ecomm.rules import ChangeDraft, apply_billing_defaults, check_change, p12_billing
from ecomm.rules.transfer import p10_app_decision
from ecomm.storage import transfers as tr
from ecomm.rules.models import ProvisionDraft
from ecomm.storage import audit, contacts
from ecomm.storage import license_changes as lc
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy

BILLING_FIELDS = ("billing_campus", "campus_speedtype", "unit_speedtypes", "speedtype_notes")


def pending_asks(row: dict) -> set[str]:
    """What an open change request row asks: "role", "upgrade", permissions and add-ons."""
    out = set(row.get("super_user_permissions") or []) | set(row.get("cvent_add_ons") or [])
    if row.get("ecomm_role"):
        out.add("role")
    if row.get("salesforce_upgrade"):
        out.add("upgrade")
    return out


def as_change(license_number: str, campus: str, values: dict) -> ChangeDraft:
    try:
        return ChangeDraft(campus=campus, license_number=license_number,
                           **{k: v for k, v in values.items() if v not in (None, "", [])})
    except ValidationError as exc:
        raise from_validation_error(exc, "The change request") from None


def submit_change(store, actor: Identity, license_number: str, values: dict, *,
                  now_utc: datetime) -> Confirmation:
    """P15 (with P1-P6, P8-P10, P14, P16): ask for a change of an existing license as of the
    Denver day of ``now_utc``; refused with every failing rule and nothing saved, or saved
    for the cycle it joins (C1)."""
    lic = load_license_for(store, actor, license_number)
    access.require_can_change(actor, lic.affiliated_campus, lic.additional_specialists,
                              doing="submit change requests")
    draft = as_change(lic.license_number, lic.affiliated_campus, values)
    policy = load_policy(store)
    on = clock.denver_date(now_utc)
    facts = contacts.load_contact_facts(store, lic.contact_id)
    pending: set[str] = set()
    for r in rs.open_requests_of_license(store, lic.license_number, kind="change"):
        pending |= pending_asks(r)
    check_change(facts, draft, lic, actor, on, policy,
                 replaced=contacts.load_replaced_license(store, draft.replaces_license),
                 pending=pending).raise_if_refused("This change request")
    info = timing.cycle_info(store, now_utc, policy)
    decisions = []

    def fn(cur):
        rid = rs.next_request_id(cur)
        if draft.salesforce_upgrade:   # P10 (rev 2): the upgrade's Salesforce, transfer or net new
            seats = tr.load_replaced_seats(rs.CursorReader(cur), [draft.replaces_license])
            decisions[:] = [p10_app_decision(ref.SALESFORCE, ref.PROFILE_STANDARD,
                                             seats.get((draft.replaces_license or "").strip()),
                                             on, lic.affiliated_campus)]
        request = {"request_id": rid, "kind": "change", "contact_id": lic.contact_id,
                   "campus": lic.affiliated_campus, "submitted_at": now_utc,
                   "submitted_by": actor.email, "license_number": lic.license_number,
                   "applications": [ref.SALESFORCE] if draft.salesforce_upgrade else [],
                   "ecomm_role": draft.ecomm_role,
                   "super_user_permissions": draft.super_user_permissions,
                   "cvent_add_ons": draft.cvent_add_ons,
                   "salesforce_upgrade": draft.salesforce_upgrade,
                   "replaces_license": draft.replaces_license, "notes": draft.notes,
                   "ecomm_specialist": lic.ecomm_specialist,
                   "status": "pending", "cycle": info.cycle}
        rs.insert_request(cur, request)
        tr.set_request_transfers(cur, rid, [d.application for d in decisions if d.transfer])
        rs.add_status(cur, rid, now_utc, "pending", actor.email,
                      f"P15: change submitted for cycle {info.cycle}")
        audit.record(cur, actor=actor.email, action="submit_change", entity="request",
                     entity_id=rid, campus=lic.affiliated_campus, after=request)
        system_tasks.open_for_request(cur, request, actor=actor.email, now_utc=now_utc)  # C7
        return rid

    rid = store.write(fn)
    conf = Confirmation(
        request_id=rid, kind="change", status="pending", contact_id=lic.contact_id,
        campus=lic.affiliated_campus, license_number=lic.license_number,
        applications=[ref.SALESFORCE] if draft.salesforce_upgrade else [], cycle=info.cycle,
        cutoff=info.cutoff, processing_starts=info.processing_starts,
        credentials_date=info.credentials_date,
        message=f"Your change request {rid} for {lic.license_number} has been submitted: "
                f"{'; '.join(draft.asks())}.")
    conf.effects.append(f"{info.sentence()} (P15: a change goes through the monthly cycle).")
    if draft.salesforce_upgrade:
        if not (decisions and decisions[0].transfer):
            fy, lines, total, sentence = timing.provision_cost(
                store, applications=[ref.SALESFORCE], salesforce_profile=ref.PROFILE_STANDARD,
                provisioning_month=info.month, policy=policy)
            conf.fiscal_year, conf.cost_lines, conf.cost_total = fy, lines, total
            conf.cost_note = "P15: the upgrade is a new paid Salesforce, net new. " + sentence
        else:
            conf.transfer = True
            conf.cost_note = (timing.transfer_sentence(draft.replaces_license or "")
                              + f" (P10: {decisions[0].sentence()})")
    return conf


# -- billing information on the license record ------------------------------------------------
def update_billing(store, actor: Identity, license_number: str, values: dict, *,
                   now_utc: datetime) -> dict:
    """P15/P12 (A1, A4): the campus's specialist (or the System team) changes the license's
    billing campus, campus speedtype, unit speedtypes or notes; it takes effect at once and is
    audited. Invoices in review, approved or billed are not touched: they keep their stored
    lines and speedtypes (B8); the next draft reads the license as it is now."""
    lic = load_license_for(store, actor, license_number)
    access.require_can_change(actor, lic.affiliated_campus, lic.additional_specialists,
                              doing="change billing information")
    unknown = set(values) - set(BILLING_FIELDS)
    if unknown:
        raise EcommError(f"Only billing information can be changed here, not "
                         f"{', '.join(sorted(unknown))}.")
    current = rs.license(store, lic.license_number)
    merged = {k: current.get(k) for k in BILLING_FIELDS}
    merged.update({k: (v.strip() if isinstance(v, str) else v) or None
                   for k, v in values.items()})
    if not merged["billing_campus"]:   # P12: the affiliated campus by default
        merged["billing_campus"] = lic.affiliated_campus
    try:
        draft = ProvisionDraft(campus=lic.affiliated_campus, **merged)
    except ValidationError as exc:
        raise from_validation_error(exc, "The billing information") from None
    draft = apply_billing_defaults(draft, None)
    verdict = p12_billing(draft, load_policy(store))
    if not verdict.passed:
        raise EcommError("The billing information cannot be saved.", [verdict.sentence()])
    if not draft.campus_speedtype:
        raise EcommError("P12: the campus billing speedtype is required: choose one.")
    after = {k: getattr(draft, k) for k in BILLING_FIELDS}
    before = {k: current.get(k) for k in BILLING_FIELDS}
    changed = {k: v for k, v in after.items() if v != before[k]}
    if not changed:
        raise EcommError("Nothing changed: the license record already has this billing "
                         "information.")

    def fn(cur):
        cols = list(changed)
        lc.set_license_fields(cur, lic.license_number, changed)
        audit.record(cur, actor=actor.email, action="update_billing", entity="license",
                     entity_id=lic.license_number, campus=lic.affiliated_campus,
                     before={k: before[k] for k in cols}, after=changed,
                     detail="P15: billing information kept current on the license record")

    store.write(fn)
    return rs.license(store, lic.license_number)
