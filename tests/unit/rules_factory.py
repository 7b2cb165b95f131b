"""Builders of rule inputs for the P1-P14 unit tests: an eligible Boulder contact by default,
changed field by field in each test."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.rules import (AgreementMember, Contact, ContactFacts, Employment, HeldLicense,
                         LicenseApp, ProvisionDraft)

ON = date(2026, 11, 23)


def contact(**kw) -> Contact:
    base = dict(contact_id="C-1001", first_name="Jane", last_name="Doe", email="jane@gmail.com",
                employee_id="E1010", ucb_email="jane.doe@colorado.edu")
    base.update(kw)
    return Contact(**base)


def facts(*, contact_kw: dict | None = None, employments=None, agreement="signed",
          courses=None, licenses=None, duplicates=None) -> ContactFacts:
    c = contact(**(contact_kw or {}))
    if employments is None:
        employments = [Employment(campus="Boulder", status="Active", start_date=date(2020, 1, 6),
                                  department="Advancement")]
    if agreement == "signed":
        agreement = AgreementMember(contact_id=c.contact_id, signed_at=datetime(2026, 10, 1, 15))
    if courses is None:
        courses = {ref.COURSE_PRIVACY: date(2026, 9, 1), ref.COURSE_IT_PROVIDERS: date(2026, 9, 2),
                   ref.COURSE_PCI: date(2026, 9, 3)}
    return ContactFacts(contact=c, employments=employments, agreement=agreement, courses=courses,
                        licenses=licenses or [], duplicates=duplicates or [])


def draft(**kw) -> ProvisionDraft:
    base = dict(contact_id="C-1001", campus="Boulder", applications=["Salesforce"],
                business_units=["CUB Advancement"], public_groups=["01 Adv Boulder"],
                campus_speedtype="Boulder - 510")  # P12 (rev 2): always set
    base.update(kw)
    return ProvisionDraft(**base)


SYSTEM = Identity(email="sys@cu.edu", name="Sam System", role="system")


def specialist(campus: str = "Boulder", quiz: date | None = date(2026, 4, 23), **kw) -> Identity:
    return Identity(email=kw.pop("email", f"spec.{campus.lower()}@cu.edu"), name="Spec",
                    role="specialist", campus=campus, quiz_passed_on=quiz, **kw)


MANAGER = Identity(email="boss@cu.edu", name="Mia Manager", role="manager")


def license_(number="LN-0776", campus="Boulder", apps=("Salesforce",), deprovisioned_on=None,
             **kw) -> HeldLicense:
    return HeldLicense(license_number=number, contact_id=kw.pop("contact_id", "C-2002"),
                       affiliated_campus=campus,
                       apps=[LicenseApp(application=a, provisioned_on=date(2025, 7, 1),
                                        deprovisioned_on=deprovisioned_on) for a in apps], **kw)
