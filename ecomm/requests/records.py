"""Reads for the contact and license record pages and the request lists, permission-checked
(A1-A3): a specialist sees their campus and licenses naming them; anything else is
'not found' with nothing about it shown."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ecomm import clock
from ecomm import reference as ref
from ecomm.compliance import COURSE_STATUS_LABEL, course_expires_on, course_status
from ecomm.errors import NotFound
from ecomm.identity import Identity
from ecomm import access
from ecomm.rules import course_valid_through
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy


class ContactRecord(BaseModel):
    """The contact page: who, every email, employments, agreement, courses, licenses, requests."""

    contact: dict
    name: str
    emails: list[dict] = Field(default_factory=list)       # {field, label, email}
    employments: list[dict] = Field(default_factory=list)
    agreement: dict | None = None
    courses: list[dict] = Field(default_factory=list)      # latest per course, with validity
    completions: list[dict] = Field(default_factory=list)  # every recorded completion
    licenses: list[dict] = Field(default_factory=list)
    requests: list[dict] = Field(default_factory=list)


class LicenseRecord(BaseModel):
    """The license page: details, applications, requests with history, evidence, audit."""

    license: dict
    contact_name: str
    applications: list[dict] = Field(default_factory=list)
    requests: list[dict] = Field(default_factory=list)
    status_history: list[dict] = Field(default_factory=list)
    evidence: list[dict] = Field(default_factory=list)
    audit: list[dict] = Field(default_factory=list)


def _name(row: dict) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)


def _emails(row: dict) -> list[dict]:
    out = [{"field": "email", "label": "Email", "email": row["email"]}] if row.get("email") else []
    for field in dict.fromkeys(ref.CAMPUS_EMAIL_FIELD.values()):
        if (row.get(field) or "").strip():
            out.append({"field": field, "label": ref.EMAIL_FIELD_LABEL[field], "email": row[field]})
    return out


def _courses(completions: list[dict], on: date, policy) -> list[dict]:
    """P5/Q3: the latest completion per course, valid through when, and its status on ``on``."""
    out = []
    for course in ref.COURSES:
        done = max((c["completed_on"] for c in completions
                    if c["course"] == course and c["completed_on"] <= on), default=None)
        status = course_status(done, course, on, policy)
        out.append({
            "course": course, "completed_on": done,
            "valid_through": course_valid_through(done, course, policy) if done else None,
            "out_of_date_on": course_expires_on(done, course, policy) if done else None,
            "status": status, "status_label": COURSE_STATUS_LABEL[status] if done else "Missing",
        })
    return out


def _app_rows(rows: list[dict], on: date) -> list[dict]:
    out = []
    for a in rows:
        held = a["provisioned_on"] <= on and (a["deprovisioned_on"] is None or
                                              a["deprovisioned_on"] > on)
        out.append({**a, "held": held})
    return out


def contact_record(store, actor: Identity, contact_id: str, *, on: date | None = None
                   ) -> ContactRecord:
    """A1-A3: a contact's record, with only the licenses and requests this person may see."""
    row = rs.contact_row(store, contact_id)
    campuses = rs.contact_campuses(store, contact_id) if row else None
    lics = rs.licenses_of_contact(store, contact_id) if row else []
    additional = [a for lic in lics for a in access.named(lic)]
    if row is None or not access.can_see_contact(actor, campuses or set(), additional):
        raise NotFound(f"Contact {contact_id} was not found.")
    on = on or clock.today_denver()
    policy = load_policy(store)
    completions = rs.completions_of(store, contact_id)
    visible_lics = []
    for lic in lics:
        if access.can_see(actor, lic["affiliated_campus"], access.named(lic)):
            apps = _app_rows(rs.license_apps(store, lic["license_number"]), on)
            visible_lics.append({**lic, "applications": [a for a in apps if a["held"]],
                                 "held": sorted({a["application"] for a in apps if a["held"]})})
    reqs = [r for r in rs.requests_of_contact(store, contact_id)
            if access.can_see(actor, r["campus"], r.pop("license_named"))]
    return ContactRecord(
        contact=row, name=_name(row), emails=_emails(row),
        employments=rs.employments_of(store, contact_id),
        agreement=rs.agreement_member(store, contact_id),
        courses=_courses(completions, on, policy), completions=completions,
        licenses=visible_lics, requests=reqs)


def license_record(store, actor: Identity, license_number: str, *, on: date | None = None
                   ) -> LicenseRecord:
    """A1-A3: a license's full record: applications, billing, requests and their history,
    transcript files and audit entries."""
    lic = rs.license(store, (license_number or "").strip())
    if lic is None or not access.can_see(actor, lic["affiliated_campus"], access.named(lic)):
        raise NotFound(f"License {license_number} was not found.")
    on = on or clock.today_denver()
    contact = rs.contact_row(store, lic["contact_id"]) or {}
    reqs = rs.requests_of_license(store, lic["license_number"], lic["contact_id"],
                                  lic["affiliated_campus"])
    ids = [r["request_id"] for r in reqs]
    return LicenseRecord(
        license=lic, contact_name=_name(contact),
        applications=_app_rows(rs.license_apps(store, lic["license_number"]), on),
        requests=reqs, status_history=rs.status_history(store, ids),
        evidence=rs.evidence_of(store, request_ids=ids, license_number=lic["license_number"]),
        audit=rs.audit_for(store, [lic["license_number"], *ids]))


def list_requests(store, actor: Identity, *, status: str | None = None, kind: str | None = None,
                  campus: str | None = None) -> list[dict]:
    """A1-A3: requests newest first, limited in the query to what this person may see."""
    scope = access.scope_for(actor)
    return rs.list_requests(store, campus_scope=scope.campus, email_scope=scope.email,
                            status=status, kind=kind, campus=campus)
