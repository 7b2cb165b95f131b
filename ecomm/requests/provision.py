"""Submitting a provisioning request (P1-P14, C1-C2, B5): the form, requests.csv and the CLI
all end here.

Decision (license number): a license record is opened at submission when the contact has
none at the campus (``LN-`` + one more than the highest number, at least four digits), with
the request's details and no applications yet; the batch adds the applications. An existing
license of the contact at that campus is reused and left unchanged until the batch. So the
confirmation can always link "the license record for this request".
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import ValidationError

from ecomm import clock
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm import system_tasks
from ecomm import access
from ecomm.requests import duplicates, evidence, timing
from ecomm.requests.models import Confirmation, Upload
from ecomm.rules import (Eligibility, ProvisionDraft, apply_billing_defaults, check_provision,
                         p16_apply)
from ecomm.rules.profile import license_profile
from ecomm.rules.transfer import AppDecision, p10_transfers, transfer_apps
from ecomm.storage import audit, contacts, specialists
from ecomm.storage import requests as rs
from ecomm.storage import speedtypes
from ecomm.storage import transfers as tr
from ecomm.storage.settings import load_policy
from ecomm.rules.stored_requests import DRAFT_TO_REQUEST  # noqa: F401 (the request's fields)

DRAFT_TO_LICENSE = (
    "ecomm_specialist", "additional_specialists", "ecomm_role", "salesforce_profile",
    "business_units", "public_groups", "billing_campus", "campus_speedtype", "unit_speedtypes",
    "speedtype_notes", "super_user_permissions", "cvent_add_ons", "replaces_license",
)


def as_draft(draft: ProvisionDraft | dict, contact_id: str) -> ProvisionDraft:
    """The form's answers as a checked ProvisionDraft for ``contact_id``."""
    try:
        if isinstance(draft, dict):
            draft = ProvisionDraft(**draft)
    except ValidationError as exc:
        raise from_validation_error(exc, "The provisioning request") from None
    if draft.contact_id and draft.contact_id != contact_id:
        raise EcommError(f"The request names contact {draft.contact_id}, not {contact_id}.")
    return draft.model_copy(update={"contact_id": contact_id})


def check(store, actor: Identity, contact_id: str, draft: ProvisionDraft, on: date,
          policy: Policy, *, request_id: str | None = None) -> Eligibility:
    """P1-P14 for one provisioning request as of ``on``, with what the database says the
    contact holds, has pending (other than ``request_id`` itself), replaces and the campus's
    business units and public groups (P11). The form and the CLI load these for one request;
    requests.csv loads them for all its rows at once (``ecomm.requests.imported``); both then
    run ``rules.check_provision``. ``store`` may be a ``CursorReader``."""
    facts = contacts.load_contact_facts(store, contact_id)
    requested = (contacts.requested_applications(store, contact_id) if request_id is None
                 else rs.requested_applications_except(store, contact_id, request_id))
    return check_provision(
        facts, draft, actor, on, policy,
        held_apps=contacts.held_applications(store, contact_id, on),
        replaced=contacts.load_replaced_license(store, draft.replaces_license),
        requested_apps=requested, groups=rs.group_choices(store, draft.campus))


def profile_and_specialist(store, actor: Identity, contact_id: str, draft: ProvisionDraft,
                           on: date) -> ProvisionDraft:
    """P16: the applications and Salesforce profile follow the applications (a Cvent-only
    request gets Salesforce with the Chatter Free profile); P17: the license names the
    submitting specialist, else the campus's primary specialist."""
    facts = contacts.load_contact_facts(store, contact_id)
    draft, _verdict = p16_apply(draft, facts.held_applications(on),
                                license_profile(facts, draft.campus))
    if not draft.ecomm_specialist:
        mine = actor.is_specialist and actor.campus == draft.campus
        draft = draft.model_copy(update={"ecomm_specialist": actor.email if mine else
                                         specialists.primary_specialist(store, draft.campus)})
    return draft


def prepare(store, actor: Identity, contact_id: str, draft: ProvisionDraft, on: date
            ) -> ProvisionDraft:
    """The draft as the rules judge it: the billing campus's default speedtype (P12), the
    profile (P16) and the license's specialist (P17) filled in. Submit and the form's
    per-screen checks (``ecomm.requests.screens``) both use it."""
    draft = apply_billing_defaults(draft, speedtypes.campus_default(
        store, draft.billing_campus or draft.campus))   # P12: the billing campus's default
    return profile_and_specialist(store, actor, contact_id, draft, on)


def _existing_license(cur, contact_id: str, campus: str) -> dict | None:
    for lic in rs.licenses_of_contact(cur, contact_id):
        if lic["affiliated_campus"] == campus:
            return lic
    return None


def submit_provision(store, actor: Identity, contact_id: str, draft: ProvisionDraft | dict,
                     uploads: list[Upload], *, now_utc: datetime) -> Confirmation:
    """P1-P16: submit a provisioning request as of the Denver day of ``now_utc``; refused with
    every failing rule and nothing saved, or saved with its transcripts and cycle (C1)."""
    draft = as_draft(draft, contact_id)
    access.require_can_change(actor, draft.campus, doing="submit provisioning requests")
    if not contacts.contact_exists(store, contact_id):
        raise NotFound(f"There is no contact {contact_id!r}: check the contact ID.")
    policy = load_policy(store)
    on = clock.denver_date(now_utc)
    draft = prepare(store, actor, contact_id, draft, on)
    uploads, upload_problems = _checked_uploads(uploads, policy)

    info = timing.cycle_info(store, now_utc, policy)
    root = evidence.uploads_root(store)
    written: list = []
    verdicts: list[Eligibility] = []
    decisions: list[AppDecision] = []

    def fn(cur):
        _discard(written)  # files of an attempt retried after a write conflict
        # P1-P14 inside the transaction, so that two submissions at once cannot both pass P7
        duplicates.p7_provision_pending(cur, contact_id, list(draft.applications))
        verdict = check(rs.CursorReader(cur), actor, contact_id, draft, on, policy)
        if not upload_problems:
            verdict = verdict + Eligibility(results=[evidence.p5_transcript_attached(uploads)])
        if not verdict.eligible or upload_problems:
            problems = verdict.problems() + upload_problems
            raise EcommError(f"This provisioning request cannot be submitted: {len(problems)} "
                             "requirement(s) not met. Nothing was saved.", problems)
        verdicts[:] = [verdict]
        rid = rs.next_request_id(cur)
        # P10 (rev 2): transfer or net new per application, decided inside the write so two
        # requests replacing the same leaver cannot both take the same application
        seats = tr.load_replaced_seats(rs.CursorReader(cur), [draft.replaces_license])
        decisions[:] = p10_transfers(list(draft.applications), draft.salesforce_profile,
                                     seats.get((draft.replaces_license or "").strip()), on,
                                     draft.campus)
        lic = _existing_license(cur, contact_id, draft.campus)
        created = lic is None
        number = rs.next_license_number(cur) if created else lic["license_number"]
        if created:
            values = {"license_number": number, "contact_id": contact_id,
                      "affiliated_campus": draft.campus,
                      **{k: getattr(draft, k) for k in DRAFT_TO_LICENSE}}
            rs.insert_license(cur, values)
            audit.record(cur, actor=actor.email, action="open_license", entity="license",
                         entity_id=number, campus=draft.campus, after=values,
                         detail=f"Opened for provisioning request {rid}")
        request = {"request_id": rid, "kind": "provision", "contact_id": contact_id,
                   "campus": draft.campus, "submitted_at": now_utc, "submitted_by": actor.email,
                   "license_number": number, "status": "pending", "cycle": info.cycle,
                   **{k: getattr(draft, k) for k in DRAFT_TO_REQUEST}}
        rs.insert_request(cur, request)
        tr.set_request_transfers(cur, rid, transfer_apps(decisions))
        request["transfer_apps"] = transfer_apps(decisions)
        rs.add_status(cur, rid, now_utc, "pending", actor.email,
                      f"Submitted for cycle {info.cycle}")
        system_tasks.open_for_request(cur, request, actor=actor.email, now_utc=now_utc)  # C7
        written.extend(evidence.write_files(root, rid, uploads))
        for file_id, stored, _path, up in written:
            rs.insert_evidence(cur, file_id=file_id, request_id=rid, license_number=number,
                               name=up.name, stored_name=stored, content_type=up.content_type,
                               size=up.size, sha256=up.sha256, at=now_utc, by=actor.email)
        audit.record(cur, actor=actor.email, action="submit_provision", entity="request",
                     entity_id=rid, campus=draft.campus,
                     after={**request, "files": [{"name": w[3].name, "sha256": w[3].sha256}
                                                 for w in written]},
                     detail="; ".join(w.sentence() for w in verdict.warnings) or None)
        return rid, number, created

    try:
        rid, number, created = store.write(fn)
    except BaseException:
        _discard(written)
        raise
    return _confirmation(store, draft, rid, number, created, info, verdicts[0], policy,
                         decisions)


def _checked_uploads(uploads: list[Upload] | None, policy: Policy
                     ) -> tuple[list[Upload], list[str]]:
    """P5: every upload checked again by content and size (the page may have used an older
    Policy); returns the good ones and one sentence per bad one."""
    good, problems = [], []
    for u in uploads or []:
        try:
            good.append(evidence.validate_upload(u.name, u.data, policy))
        except EcommError as exc:
            problems.append(exc.message)
    return good, problems


def _discard(written: list) -> None:
    """Remove the files of a submission that did not land, and their request folder."""
    if written:
        evidence.remove_files([w[2] for w in written], written[0][2].parent)
        written.clear()


def _confirmation(store, draft: ProvisionDraft, rid: str, number: str, created: bool,
                  info: timing.CycleInfo, verdict: Eligibility, policy: Policy,
                  decisions: list[AppDecision]) -> Confirmation:
    conf = Confirmation(
        request_id=rid, kind="provision", status="pending", contact_id=draft.contact_id or "",
        campus=draft.campus, license_number=number, license_created=created,
        applications=list(draft.applications), cycle=info.cycle, cutoff=info.cutoff,
        processing_starts=info.processing_starts, credentials_date=info.credentials_date,
        warnings=[w.sentence() for w in verdict.warnings],
        message=(f"Your provisioning request {rid} has been submitted! See the license record "
                 f"for this request here: {number}."),
    )
    conf.effects.append(f"{info.sentence()}; the new user gets credentials on "
                        f"{info.credentials_date.isoformat()}.")
    conf.transfers = [d.application for d in decisions if d.transfer]
    conf.net_new = [d.application for d in decisions if not d.transfer]
    conf.per_application = [d.sentence() for d in decisions]
    conf.transfer = bool(conf.transfers)
    if conf.net_new:
        fy, lines, total, sentence = timing.provision_cost(
            store, applications=conf.net_new,
            salesforce_profile=draft.salesforce_profile, provisioning_month=info.month,
            policy=policy)
        conf.fiscal_year, conf.cost_lines, conf.cost_total, conf.cost_note = fy, lines, total, sentence
    if conf.transfers:
        note = timing.transfer_sentence(draft.replaces_license or "", conf.transfers)
        conf.cost_note = f"{conf.cost_note} {note}".strip()
    return conf
