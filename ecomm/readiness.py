"""Checking a person before a request: find contacts, and a readiness panel for one campus
(P1-P5 blocking, P13 warnings) with the applications the person already holds (P7) and
their requests still waiting for a batch.

A1 decision (what Check a person shows a specialist about someone not of their campus):
contacts are people, not campus records, but their details are. A specialist must be able
to answer "may this person be licensed at my campus?", so:

- the search (any words) lists only the people the specialist may see
  (``ecomm.permissions.can_see_contact`` / ``ecomm.storage.scope.contact_scope_sql``: a
  university email in their campus's field, an employment, a license or a request there, or
  a license naming them); nobody can page through every contact;
- a person not of their campus is found only by an exact employee ID or email typed in full
  (the specialist already knows who they mean), and then shows only the name, the contact ID
  and the verdict for the specialist's campus: each of P1-P5 met or not, with P1's own
  sentence (it names the campus's email field) and a neutral sentence for P2-P5;
- never shown for such a person: personal or other campuses' emails, the employee ID,
  employments, the agreement and course dates, P13 duplicates, licenses, applications held
  and requests at other campuses (the contact record says "not found" for them too).

(Such a person always fails P1 at the specialist's campus: a university email in the
campus's field would make them a person of that campus.) Managers and the System team see
everyone in full.
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ecomm import permissions
from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm import access
from ecomm.rules import ContactFacts, RuleResult, check_contact
from ecomm.rules.models import Contact
from ecomm.rules.contact import normalise_campus
from ecomm.storage import contacts, scope
from ecomm.storage import form_choices as form_choices_sql
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy

MIN_SEARCH = 2


def _require_user(actor: Identity | None) -> None:
    """A1-A3: any active user of the app may look contacts up."""
    if actor is None or not actor.active:
        raise AccessDenied("Please sign in with an active eComm Licenses account first.")


def find_contacts(store, actor: Identity, text: str, *, campus: str | None = None,
                  limit: int = 50) -> list[dict]:
    """Contacts this person may see (A1) matching every word of ``text`` (name, any email or
    employee ID), each with its university emails labelled by field ("UCB Email"), and
    (``limited``) a person not of a specialist's campus matched exactly by employee ID or
    email, with name and contact ID only (see the module's A1 decision). ``campus`` narrows
    to that campus's people."""
    _require_user(actor)
    text = (text or "").strip()
    if len(text) < MIN_SEARCH:
        return []
    rows = contacts.search_contacts(store, text, campus=campus, limit=limit,
                                    scope=scope.contact_scope_sql(actor, "c"))
    emails = form_choices_sql.contact_emails(store, [r["contact_id"] for r in rows])
    for r in rows:
        found = emails.get(r["contact_id"], {})
        r["limited"] = False
        r["university_emails"] = "; ".join(
            f"{label}: {found[field]}" for field, label in ref.EMAIL_FIELD_LABEL.items()
            if (found.get(field) or "").strip())
    seen = {r["contact_id"] for r in rows}
    if not campus and len(rows) < limit:
        for r in form_choices_sql.exact_contacts(store, text):
            if r["contact_id"] not in seen:
                rows.append({"contact_id": r["contact_id"], "first_name": r["first_name"],
                             "last_name": r["last_name"], "name": _full_name(r),
                             "employee_id": None, "email": None, "university_email": None,
                             "university_emails": "", "limited": True})
    return rows


def _full_name(row: dict) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)


def sees_in_full(store, actor: Identity, contact_id: str) -> bool:
    """A1-A3: may this person see the contact's details (not only the verdict)?"""
    campuses = rs.contact_campuses(store, contact_id) or set()
    named = [e for lic in rs.licenses_of_contact(store, contact_id) for e in access.named(lic)]
    return permissions.can_see_contact(actor, campuses, named)


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
    # A1: a person not of the viewer's campus: the verdict only (see the module docstring)
    limited: bool = False

    @property
    def ready(self) -> bool:
        return all(r.passed for r in self.checks)

    def first_steps(self) -> str | None:
        """Issue 18: what must happen before a provisioning request may be started (None when
        ready), e.g. "Not ready yet (P4): Has not signed the eComm user agreement (...): ask the
        user to sign it. Then check again." """
        failed = [r for r in self.checks if not r.passed]
        if not failed:
            return None
        rules = ", ".join(dict.fromkeys(r.rule for r in failed))
        return (f"Not ready yet ({rules}): " + "; ".join(r.message for r in failed)
                + ". Then check again.")

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
    """The contact's records as the rules read them (NotFound when there is none); for a
    person not of a specialist's campus only the contact ID and name (A1)."""
    _require_user(actor)
    facts = contacts.load_contact_facts(store, contact_id)
    if sees_in_full(store, actor, contact_id):
        return facts
    c = facts.contact
    return ContactFacts(contact=Contact(contact_id=c.contact_id, last_name=c.last_name,
                                        first_name=c.first_name))


def contact_readiness(store, actor: Identity, contact_id: str, campus: str, on: date, *,
                      facts: ContactFacts | None = None) -> Readiness:
    """P1-P5 and P13 for ``contact_id`` at ``campus`` on ``on`` (A1: a specialist checks for
    their own campus), with current access (P7) and requests waiting for a batch."""
    campus = normalise_campus(campus)
    permissions.require_campus(actor, campus)
    if not sees_in_full(store, actor, contact_id):
        return _verdict_only(store, contact_id, campus, on)
    facts = facts or contacts.load_contact_facts(store, contact_id)
    verdict = check_contact(facts, campus, on, load_policy(store))
    lics = [{"license_number": lic.license_number, "campus": lic.affiliated_campus,
             "held": sorted(lic.applications_on(on)),
             "visible": access.can_see(actor, lic.affiliated_campus, access.named(lic))}
            for lic in facts.licenses]
    waiting = [r for r in rs.open_requests_of_contact(store, contact_id)
               if access.can_see(actor, r["campus"], _additional(facts, r["license_number"]))]
    return Readiness(
        contact_id=contact_id, name=facts.contact.name, campus=campus, on=on,
        checks=[r for r in verdict.results if r.severity == "block"],
        warnings=verdict.warnings, held=sorted(facts.held_applications(on)),
        licenses=lics, open_requests=waiting, recorded_courses=dict(facts.courses))


def _additional(facts: ContactFacts, license_number: str | None) -> list[str]:
    """A1: every email the license ``license_number`` names as its specialist."""
    for lic in facts.licenses:
        if lic.license_number == license_number:
            return access.named(lic)
    return []


NOT_MET = ("not met; the details are shown once this person belongs to {campus} (a {campus} "
           "university email, employment or license)")


def _verdict_only(store, contact_id: str, campus: str, on: date) -> Readiness:
    """A1: P1-P5 at ``campus`` for a person not of the viewer's campus: met or not, one line a
    rule, P1 with its own sentences (they name the campus's email field), P2-P5 neutral."""
    facts = contacts.load_contact_facts(store, contact_id)
    verdict = check_contact(facts, campus, on, load_policy(store))
    blocking = [r for r in verdict.results if r.severity == "block"]
    checks = [r for r in blocking if r.rule == "P1"]
    for rule in dict.fromkeys(r.rule for r in blocking if r.rule != "P1"):
        met = all(r.passed for r in blocking if r.rule == rule)
        checks.append(RuleResult(rule=rule, passed=met,
                                 message="met" if met else NOT_MET.format(campus=campus)))
    return Readiness(contact_id=contact_id, name=facts.contact.name, campus=campus, on=on,
                     checks=checks, limited=True)


def request_readiness(store, actor: Identity, contact_id: str, campuses: list[str], on: date
                      ) -> Readiness | None:
    """Issue 18: readiness at the campus a request for ``contact_id`` would start at (the
    first of ``campuses``, the ones ``actor`` may submit for, the contact belongs to), so a
    record page offers "Start a request" only to a ready person; None without a campus."""
    if not campuses:
        return None
    campus = likely_campus(contact_facts(store, actor, contact_id), campuses)
    return contact_readiness(store, actor, contact_id, campus, on) if campus else None
