"""Plain values of the monthly batch (C1-C6): what the plan reads, what it decides, and what a
processed batch records. No SQL, no Streamlit."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from ecomm.calendar import CycleDates  # noqa: F401 (the one model of a cycle's dates)
from ecomm.rules import ChangeDraft, ContactFacts, ProvisionDraft
from ecomm.rules.transfer import ReplacedSeats

# Fields a provisioning request copies onto its license record (the form's license answers).
SCALAR_LICENSE_FIELDS = ("ecomm_role", "salesforce_profile", "ecomm_specialist", "billing_campus",
                         "campus_speedtype", "unit_speedtypes", "speedtype_notes",
                         "replaces_license")
LIST_LICENSE_FIELDS = ("additional_specialists", "super_user_permissions", "cvent_add_ons")


# -- what the plan reads ---------------------------------------------------------------------
class QueuedRequest(BaseModel):
    """A pending or held provisioning/deprovisioning request as stored."""

    request_id: str
    kind: str                                 # provision | deprovision
    contact_id: str
    campus: str
    status: str                               # pending | held
    submitted_at: datetime                    # naive UTC
    submitted_by: str
    cycle: str | None = None                  # stored cycle ('YYYY-MM'); None for some imports
    applications: list[str] = Field(default_factory=list)
    license_number: str | None = None
    salesforce_removed_on: date | None = None  # C4: removed at submission
    draft: ProvisionDraft | None = None       # provisioning: the form's answers
    change: ChangeDraft | None = None         # P15: a change request's answers
    transfer_apps: list[str] = Field(default_factory=list)  # P10: transfers decided at submission


class LicenseState(BaseModel):
    """A license record as the batch reads it: its copied fields and open applications."""

    license_number: str
    contact_id: str
    affiliated_campus: str
    quiz_passed_on: date | None = None
    not_a_sender: bool = False
    ecomm_role: str | None = None
    salesforce_profile: str | None = None
    ecomm_specialist: str | None = None
    billing_campus: str | None = None
    campus_speedtype: str | None = None
    unit_speedtypes: str | None = None
    speedtype_notes: str | None = None
    replaces_license: str | None = None
    additional_specialists: list[str] = Field(default_factory=list)
    super_user_permissions: list[str] = Field(default_factory=list)
    cvent_add_ons: list[str] = Field(default_factory=list)
    business_units: list[str] = Field(default_factory=list)
    public_groups: list[str] = Field(default_factory=list)
    open_apps: list[str] = Field(default_factory=list)   # deprovisioned_on IS NULL

    def values(self) -> dict[str, Any]:
        """The license columns the batch may change, as a dict."""
        keep = (*SCALAR_LICENSE_FIELDS, *LIST_LICENSE_FIELDS, "business_units", "public_groups",
                "not_a_sender")
        return {k: getattr(self, k) for k in keep}


class BatchInputs(BaseModel):
    """Everything ``plan_batch`` decides from (loaded by ``ecomm.batch.service``)."""

    cycle: str
    on: date                                   # the processing day
    requests: list[QueuedRequest]
    facts: dict[str, ContactFacts]             # contact_id -> P1-P5 facts (provisioning)
    licenses: dict[str, LicenseState]          # every license the requests may touch
    names: dict[str, str] = Field(default_factory=dict)   # contact_id -> name
    first_new_license: str                     # the LN- number the first new license gets
    closures: list[date] = Field(default_factory=list)    # C1 extra closure dates
    replaced: dict[str, ReplacedSeats] = Field(default_factory=dict)  # P10/C3: replaced licenses
    speedtypes: dict[str, str] = Field(default_factory=dict)  # P12: campus -> default speedtype


# -- what the plan decides -------------------------------------------------------------------
class ProvisionItem(BaseModel):
    """A provisioning request that passed P1-P5 on the processing day (C3)."""

    request_id: str
    contact_id: str
    name: str
    campus: str
    user_email: str | None = None
    license_number: str
    license_created: bool = False              # a new LN- record is opened by the batch
    new_user: bool = False                     # held no application before: not a sender (Q1)
    applications: list[str] = Field(default_factory=list)      # license_apps rows added
    already_held: list[str] = Field(default_factory=list)      # requested, already open
    net_new: bool = True                       # P10: some application is net new
    replaces_license: str | None = None
    transfers: list[str] = Field(default_factory=list)      # P10 (rev 2): transferred apps
    net_new_apps: list[str] = Field(default_factory=list)   # P10 (rev 2): net-new apps
    p10_notes: list[str] = Field(default_factory=list)      # per application, why
    c3_changed: list[str] = Field(default_factory=list)     # C3: claimed as transfers, now net new
    specialists: list[str] = Field(default_factory=list)       # to copy on credentials
    license_before: dict[str, Any] = Field(default_factory=dict)
    license_after: dict[str, Any] = Field(default_factory=dict)


class DeprovisionItem(BaseModel):
    """A deprovisioning request: the applications the batch removes (C4: not Salesforce
    already removed at submission)."""

    request_id: str
    contact_id: str
    name: str
    campus: str
    license_number: str | None = None
    applications: list[str] = Field(default_factory=list)      # closed on the processing day
    already_removed: list[str] = Field(default_factory=list)   # removed earlier / not held
    salesforce_removed_on: date | None = None


class ChangeItem(BaseModel):
    """P15: a change request that passed P1-P5 on the processing day (C3)."""

    request_id: str
    contact_id: str
    name: str
    campus: str
    license_number: str
    asks: list[str] = Field(default_factory=list)              # what changed, in words
    salesforce_upgrade: bool = False
    net_new: bool = True                       # P10 (the upgrade): False for a transfer
    replaces_license: str | None = None
    license_before: dict[str, Any] = Field(default_factory=dict)
    license_after: dict[str, Any] = Field(default_factory=dict)


class HeldItem(BaseModel):
    """C3: a provisioning request that failed P1-P5 on the processing day; it stays queued."""

    request_id: str
    contact_id: str
    name: str
    campus: str
    applications: list[str] = Field(default_factory=list)
    failures: list[str] = Field(default_factory=list)          # failing rules, e.g. ["P5"]
    reasons: list[str] = Field(default_factory=list)           # "P5: PCI Compliance: ..."
    next_cycle: str


class BatchPlan(BaseModel):
    """What processing a cycle does (the preview) or did (the summary)."""

    cycle: str
    on: date
    credentials_date: date | None = None        # announced (C2: never before processing)
    cycle_credentials_date: date | None = None  # the cycle's own date (5th or the set one)
    provisioned: list[ProvisionItem] = Field(default_factory=list)
    deprovisioned: list[DeprovisionItem] = Field(default_factory=list)
    held: list[HeldItem] = Field(default_factory=list)
    changed: list[ChangeItem] = Field(default_factory=list)    # P15

    @property
    def empty(self) -> bool:
        return not (self.provisioned or self.deprovisioned or self.held or self.changed)

    def licenses_created(self) -> list[str]:
        return [p.license_number for p in self.provisioned if p.license_created]

    def to_json(self, *, dry_run: bool) -> dict[str, Any]:
        """spec/cli.md's batch shape (those keys stay; a few more are added)."""
        return {
            "cycle": self.cycle,
            "provisioned": [p.request_id for p in self.provisioned],
            "deprovisioned": [d.request_id for d in self.deprovisioned],
            "held": [{"request_id": h.request_id, "failures": list(h.failures)}
                     for h in self.held],
            "dry_run": dry_run,
            "on": self.on.isoformat(),
            "credentials_date": self.credentials_date.isoformat() if self.credentials_date
            else None,
            "licenses_created": self.licenses_created(),
            "cycle_credentials_date": self.cycle_credentials_date.isoformat()
            if self.cycle_credentials_date else None,
            "changed": [c.request_id for c in self.changed],
            # cli.md rev 2: per provisioned request, the applications net new and transferred
            "net_new": {p.request_id: list(p.net_new_apps) for p in self.provisioned
                        if p.net_new_apps},
            "transfers": {p.request_id: list(p.transfers) for p in self.provisioned
                          if p.transfers},
        }

    def sentence(self) -> str:
        text = (f"{len(self.provisioned)} provisioned, {len(self.deprovisioned)} deprovisioned, "
                f"{len(self.held)} held")
        return text + (f", {len(self.changed)} changed" if self.changed else "")

    @property
    def credentials_late(self) -> bool:
        """C2: the cycle's credentials date had come by the processing day."""
        return (self.credentials_date is not None and self.cycle_credentials_date is not None
                and self.credentials_date != self.cycle_credentials_date)

    def credentials_sentence(self) -> str:
        """C2: the credentials date the new users are told, and why when it is not the cycle's."""
        if self.credentials_date is None:
            return ""
        text = f"Credentials date announced to the new users (C2): {self.credentials_date.isoformat()}"
        if self.credentials_late:
            text += (f"; the cycle's date {self.cycle_credentials_date.isoformat()} is not after "
                     f"the processing day {self.on.isoformat()}, so the next business day after "
                     "processing is announced instead")
        return text + "."


# -- a processed batch -----------------------------------------------------------------------
class BatchRecord(BaseModel):
    """C6: the batches row of a processed cycle with what it did."""

    cycle: str
    processed_on: date
    processed_at: datetime                     # naive UTC
    processed_by: str
    plan: BatchPlan


class BatchOutcome(BaseModel):
    """The answer to "process this cycle": what was done, or that it was done already."""

    record: BatchRecord
    already_processed: bool = False
    message: str = ""

    @property
    def plan(self) -> BatchPlan:
        return self.record.plan

    def to_json(self) -> dict[str, Any]:
        return {**self.plan.to_json(dry_run=False), "already_processed": self.already_processed,
                "processed_on": self.record.processed_on.isoformat(),
                "processed_by": self.record.processed_by, "message": self.message}
