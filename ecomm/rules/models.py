"""Plain inputs and outputs of the eligibility rules (P1-P14): what a contact's records say,
what a request asks for, and the verdict per rule."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, Field, field_validator

from ecomm import reference as ref
from ecomm.errors import EcommError

# -- a contact and its records (loaded by ecomm.storage.contacts) ----------------------------


class Contact(BaseModel):
    """One contact of the CRM (contacts.csv)."""

    contact_id: str
    last_name: str
    first_name: str | None = None
    email: str | None = None
    employee_id: str | None = None
    ucb_email: str | None = None
    ucd_email: str | None = None
    anschutz_email: str | None = None
    uccs_email: str | None = None
    cu_system_email: str | None = None
    poi: bool = False
    poi_active: bool | None = None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def university_email(self, campus: str) -> str | None:
        """P1: the email in the field the campus reads (Boulder Advancement reads UCB Email)."""
        value = getattr(self, ref.CAMPUS_EMAIL_FIELD[campus])
        return value.strip() if value and value.strip() else None


class Employment(BaseModel):
    """A CU employment record (employments.csv)."""

    campus: str
    status: str
    start_date: date | None = None
    end_date: date | None = None
    department: str | None = None
    title: str | None = None

    def active_on(self, on: date) -> bool:
        """P3: status Active and no end date before ``on``."""
        return self.status.strip().lower() == "active" and (
            self.end_date is None or self.end_date >= on)


class AgreementMember(BaseModel):
    """Membership of the eComm user agreement campaign (P4); added_by/reason when added by hand."""

    contact_id: str
    signed_at: datetime | None = None
    added_by: str | None = None
    reason: str | None = None

    @property
    def added_by_hand(self) -> bool:
        return bool(self.added_by and self.added_by.strip())

    @property
    def counts(self) -> bool:
        """P4: a signed date, or a hand-added membership with its reason recorded."""
        return self.signed_at is not None or (
            self.added_by_hand and bool(self.reason and self.reason.strip()))


class LicenseApp(BaseModel):
    """One application a license holds or held (license_apps.csv)."""

    application: str
    provisioned_on: date
    deprovisioned_on: date | None = None

    def held_on(self, on: date) -> bool:
        """Held on ``on``: provisioned by then and not yet deprovisioned."""
        return self.provisioned_on <= on and (
            self.deprovisioned_on is None or self.deprovisioned_on > on)


class HeldLicense(BaseModel):
    """A license record with its applications (licenses.csv + license_apps.csv)."""

    license_number: str
    contact_id: str
    affiliated_campus: str
    ecomm_specialist: str | None = None
    additional_specialists: list[str] = Field(default_factory=list)
    business_units: list[str] = Field(default_factory=list)
    public_groups: list[str] = Field(default_factory=list)
    apps: list[LicenseApp] = Field(default_factory=list)
    ecomm_role: str | None = None              # P15: what a change request may change
    salesforce_profile: str | None = None      # P16
    super_user_permissions: list[str] = Field(default_factory=list)
    cvent_add_ons: list[str] = Field(default_factory=list)

    def applications_on(self, on: date) -> set[str]:
        """Applications this license holds on ``on``."""
        return {a.application for a in self.apps if a.held_on(on)}


class ReplacedLicense(HeldLicense):
    """P10: the license a provisioning request says it replaces, with its holder and whether
    a deprovisioning request for it is pending."""

    contact_name: str = ""
    pending_deprovision: bool = False


class Duplicate(BaseModel):
    """P13: another contact that may be the same person, and what sits on it."""

    contact_id: str
    name: str
    matched_on: Literal["employee_id", "name_email"]
    employee_id: str | None = None
    matching_email: str | None = None
    agreement: AgreementMember | None = None
    courses: dict[str, date] = Field(default_factory=dict)


class ContactFacts(BaseModel):
    """Everything the contact rules (P1-P5, P13) read about one contact."""

    contact: Contact
    employments: list[Employment] = Field(default_factory=list)
    agreement: AgreementMember | None = None
    courses: dict[str, date] = Field(default_factory=dict)  # course -> latest completion
    licenses: list[HeldLicense] = Field(default_factory=list)
    duplicates: list[Duplicate] = Field(default_factory=list)

    def held_applications(self, on: date) -> set[str]:
        """Applications the contact holds on ``on`` across all their licenses (P7)."""
        held: set[str] = set()
        for lic in self.licenses:
            held |= lic.applications_on(on)
        return held


# -- what a request asks for -------------------------------------------------------------


def _campus(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    c = ref.canonical_campus(str(value))
    if c is None:
        raise ValueError(f"{value!r} is not a campus (choose one of {', '.join(ref.CAMPUSES)})")
    return c


def _split(values) -> list:
    """A list as given, or ``"a;b"`` text (the import format's list cell) split on ``;``."""
    if values is None:
        return []
    if isinstance(values, str):
        return values.split(";")
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise ValueError(f"{values!r} is not a list of choices")
    return list(values)


def _choices(values: list[str] | None, choices: tuple[str, ...], what: str) -> list[str]:
    out: list[str] = []
    for v in _split(values):
        if not str(v).strip():
            continue
        c = ref.canonical_choice(str(v), choices)
        if c is None:
            raise ValueError(f"{v!r} is not {what} (choose from {', '.join(choices)})")
        if c not in out:
            out.append(c)
    return out


def _strings(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in _split(values):
        s = str(v).strip()
        if s and s not in out:
            out.append(s)
    return out


def _text(value: str | None) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a number typed in a text field (a speedtype, say)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value.strip() if value and value.strip() else None


def _required_campus(value: str | None) -> str:
    c = _campus(value)
    if c is None:
        raise ValueError("choose a campus")
    return c


# Field types of the request drafts: each cleans and checks its value once, for every draft.
CampusName = Annotated[str, BeforeValidator(_required_campus)]
OptionalCampus = Annotated[Optional[str], BeforeValidator(_campus)]
Text = Annotated[Optional[str], BeforeValidator(_text)]
Strings = Annotated[list[str], BeforeValidator(_strings)]
Applications = Annotated[list[str], BeforeValidator(
    lambda v: _choices(v, ref.APPLICATIONS, "an application"))]
SuperUserPermissions = Annotated[list[str], BeforeValidator(
    lambda v: _choices(v, ref.SUPER_USER_PERMISSIONS, "a super-user permission"))]
CventAddOns = Annotated[list[str], BeforeValidator(
    lambda v: _choices(v, ref.CVENT_ADD_ONS, "a Cvent add-on"))]


class ProvisionDraft(BaseModel):
    """The provisioning form's answers (seed 000's form; requests.csv kind=provision)."""

    contact_id: Text = None
    campus: CampusName
    applications: Applications = Field(default_factory=list)
    ecomm_role: str = ref.ROLE_USER
    salesforce_profile: Optional[str] = None   # P16: follows the applications when not given
    replaces_license: Text = None
    ecomm_specialist: Text = None
    additional_specialists: Strings = Field(default_factory=list)
    business_units: Strings = Field(default_factory=list)
    public_groups: Strings = Field(default_factory=list)
    new_public_group: Text = None
    billing_campus: OptionalCampus = None
    campus_speedtype: Text = None
    unit_speedtypes: Text = None
    speedtype_notes: Text = None
    super_user_permissions: SuperUserPermissions = Field(default_factory=list)
    cvent_add_ons: CventAddOns = Field(default_factory=list)
    course_privacy_awareness_on: date | None = None
    course_it_providers_on: date | None = None
    course_pci_on: date | None = None
    notes: Text = None

    @field_validator("ecomm_role", mode="before")
    @classmethod
    def _v_role(cls, v):
        if v is None or not str(v).strip():
            return ref.ROLE_USER
        c = ref.canonical_choice(str(v), ref.ECOMM_ROLES)
        if c is None:
            raise ValueError(f"{v!r} is not an eComm role (User or MEC)")
        return c

    @field_validator("salesforce_profile", mode="before")
    @classmethod
    def _v_profile(cls, v):
        if v is None or not str(v).strip():
            return None
        c = ref.canonical_choice(str(v), ref.SALESFORCE_PROFILES)
        if c is None:
            raise ValueError(f"{v!r} is not a Salesforce profile (Standard or Chatter Free User)")
        return c

    def course_dates(self) -> dict[str, date]:
        """P5: the course completion dates entered on the request, by course name."""
        values = {
            ref.COURSE_PRIVACY: self.course_privacy_awareness_on,
            ref.COURSE_IT_PROVIDERS: self.course_it_providers_on,
            ref.COURSE_PCI: self.course_pci_on,
        }
        return {course: d for course, d in values.items() if d is not None}


class DeprovisionDraft(BaseModel):
    """A deprovisioning request: which applications to remove from which license."""

    campus: CampusName
    license_number: str
    applications: Applications = Field(default_factory=list)
    notes: Text = None


class GroupChangeDraft(BaseModel):
    """An off-cycle change of an existing user's business units / public groups (C5)."""

    campus: CampusName
    license_number: str
    business_units: Strings = Field(default_factory=list)         # to add
    public_groups: Strings = Field(default_factory=list)          # to add
    new_public_group: Text = None
    remove_business_units: Strings = Field(default_factory=list)
    remove_public_groups: Strings = Field(default_factory=list)
    notes: Text = None


class GroupChoices(BaseModel):
    """P11: the business units and public groups a campus offers (its active reference values;
    the fixed choices are always allowed)."""

    campus: str
    business_units: frozenset[str] = frozenset()
    public_groups: frozenset[str] = frozenset()


# -- verdicts --------------------------------------------------------------------------------


class RuleResult(BaseModel):
    """One rule's verdict; ``message`` says what was found and, on failure, what to do."""

    rule: str
    passed: bool
    message: str
    severity: Literal["block", "warning"] = "block"

    def sentence(self) -> str:
        return f"{self.rule}: {self.message}"


class Eligibility(BaseModel):
    """The verdicts of every rule checked; eligible when no blocking rule failed."""

    results: list[RuleResult] = Field(default_factory=list)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.severity == "block"]

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.severity == "warning"]

    @property
    def eligible(self) -> bool:
        return not self.failures

    @property
    def failed_rules(self) -> list[str]:
        """The failing rules' names, each once, in order (e.g. ``["P4", "P5"]``)."""
        return list(dict.fromkeys(r.rule for r in self.failures))

    def problems(self) -> list[str]:
        """One sentence per failing rule, naming it ("P1: No UCB Email ...")."""
        return [r.sentence() for r in self.failures]

    def raise_if_refused(self, what: str = "This request") -> None:
        """Raise EcommError listing every failing rule when not eligible."""
        if not self.eligible:
            n = len(self.failures)
            raise EcommError(f"{what} cannot be submitted: {n} requirement(s) not met.",
                             self.problems())

    def __add__(self, other: "Eligibility") -> "Eligibility":
        return Eligibility(results=[*self.results, *other.results])
