"""Checking a person before a request: find contacts, and a readiness panel for one campus
(P1-P5 blocking, P13 warnings) with the applications the person already holds (P7) and
their requests still waiting for a batch."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ecomm import permissions
from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.requests import access
from ecomm.rules import ContactFacts, RuleResult, check_contact
from ecomm.rules.contact import require_campus
from ecomm.storage import contacts
from ecomm.storage import form_choices as db
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy

MIN_SEARCH = 2


def _require_user(actor: Identity | None) -> None:
    """A1-A3: any active user of the app may look contacts up."""
    if actor is None or not actor.active:
        raise AccessDenied("Please sign in with an active eComm Licenses account first.")


def find_contacts(store, actor: Identity, text: str, *, campus: str | None = None,
                  limit: int = 50) -> list[dict]:
    """Contacts matching every word of ``text`` (name, any email or employee ID), each with its
    university emails labelled by field ("UCB Email"); contacts are not campus-owned, so any
    signed-in user may search (``campus`` narrows to that campus's people)."""
    _require_user(actor)
    text = (text or "").strip()
    if len(text) < MIN_SEARCH:
        return []
    rows = contacts.search_contacts(store, text, campus=campus, limit=limit)
    emails = db.contact_emails(store, [r["contact_id"] for r in rows])
    for r in rows:
        found = emails.get(r["contact_id"], {})
        r["university_emails"] = "; ".join(
            f"{label}: {found[field]}" for field, label in ref.EMAIL_FIELD_LABEL.items()
            if (found.get(field) or "").strip())
    return rows


class Readiness(BaseModel):
    """May this contact be provisioned at ``campus`` on ``on``, and what do they hold already."""

    contact_id: str
    name: str
    campus: str
    on: date
    checks: list[RuleResult] = Field(default_factory=list)    # P1-P5, passed or not
    warnings: list[RuleResult] = Field(default_factory=list)  # P13 duplicates
    held: list[str] = Field(default_factory=list)             # P7: held anywhere
    licenses: list[dict] = Field(default_factory=list)        # number, campus, held, visible
    open_requests: list[dict] = Field(default_factory=list)   # pending/held, visible ones
    recorded_courses: dict[str, date] = Field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(r.passed for r in self.checks)

    def license_at(self, campus: str) -> dict | None:
        """The contact's license record at ``campus`` (visible to the viewer), if any."""
        return next((lic for lic in self.licenses
                     if lic["campus"] == campus and lic["visible"]), None)


def likely_campus(facts: ContactFacts, choices: list[str]) -> str | None:
    """The first of ``choices`` the contact has a university email, license or active
    employment at (a default for the campus picker)."""
    for campus in choices:
        if facts.contact.university_email(campus):
            return campus
    held = {lic.affiliated_campus for lic in facts.licenses}
    jobs = {e.campus for e in facts.employments if e.status.strip().lower() == "active"}
    return next((c for c in choices if c in held | jobs), choices[0] if choices else None)


def contact_facts(store, actor: Identity, contact_id: str) -> ContactFacts:
    """The contact's records as the rules read them (NotFound when there is none)."""
    _require_user(actor)
    return contacts.load_contact_facts(store, contact_id)


def contact_readiness(store, actor: Identity, contact_id: str, campus: str, on: date, *,
                      facts: ContactFacts | None = None) -> Readiness:
    """P1-P5 and P13 for ``contact_id`` at ``campus`` on ``on`` (A1: a specialist checks for
    their own campus), with current access (P7) and requests waiting for a batch."""
    campus = require_campus(campus)
    permissions.require_campus(actor, campus)
    facts = facts or contacts.load_contact_facts(store, contact_id)
    verdict = check_contact(facts, campus, on, load_policy(store))
    lics = [{"license_number": lic.license_number, "campus": lic.affiliated_campus,
             "held": sorted(lic.applications_on(on)),
             "visible": access.can_see(actor, lic.affiliated_campus, lic.additional_specialists)}
            for lic in facts.licenses]
    waiting = [r for r in rs.open_requests_of_contact(store, contact_id)
               if access.can_see(actor, r["campus"], _additional(facts, r["license_number"]))]
    return Readiness(
        contact_id=contact_id, name=facts.contact.name, campus=campus, on=on,
        checks=[r for r in verdict.results if r.severity == "block"],
        warnings=verdict.warnings, held=sorted(facts.held_applications(on)),
        licenses=lics, open_requests=waiting, recorded_courses=dict(facts.courses))


def _additional(facts: ContactFacts, license_number: str | None) -> list[str]:
    for lic in facts.licenses:
        if lic.license_number == license_number:
            return lic.additional_specialists
    return []
