"""Stored billing records (B6, B8): invoices as saved, their events, net-new candidates and the
outcome of a draft run. Plain pydantic values; SQL is in ``ecomm.storage``."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from ecomm.billing.models import GROUP_LABEL, Invoice
from ecomm.billing.proration import KIND_LABEL

DRAFT, IN_REVIEW, APPROVED, BILLED = "draft", "in_review", "approved", "billed"
STATUSES: tuple[str, ...] = (DRAFT, IN_REVIEW, APPROVED, BILLED)
STATUS_LABEL = {DRAFT: "Draft", IN_REVIEW: "In review", APPROVED: "Approved", BILLED: "Billed"}
FINAL = (APPROVED, BILLED)  # B8: never change again


class StoredInvoice(Invoice):
    """B8: an invoice as saved: its id, who made it and when, and a correction's reason."""

    invoice_id: str
    created_at: datetime
    created_by: str
    note: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABEL.get(self.status, self.status)


class InvoiceHead(BaseModel):
    """B4/B8: an invoice's head without its lines (what a list and a spreadsheet's header show)."""

    invoice_id: str
    fiscal_year: int
    kind: str
    campus: str
    group: str
    as_of: date
    status: str = DRAFT
    revision: int = 1
    corrects_invoice_id: str | None = None
    campus_speedtype: str | None = None
    other_campus_speedtypes: list[str] = Field(default_factory=list)

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.fiscal_year, self.kind, self.campus, self.group)

    @property
    def status_label(self) -> str:
        return STATUS_LABEL.get(self.status, self.status)

    @property
    def group_label(self) -> str:
        return GROUP_LABEL[self.group]

    @property
    def kind_label(self) -> str:
        return KIND_LABEL[self.kind]


class InvoiceSummary(InvoiceHead):
    """B8: an invoice as listed, without its lines: its head, number of lines and total."""

    line_count: int
    total: Decimal
    created_at: datetime
    created_by: str
    note: str | None = None


class InvoiceEvent(BaseModel):
    """B8/A4: one step of an invoice's workflow."""

    invoice_id: str
    happened_at: datetime
    status: str
    actor: str
    note: str | None = None


class RunOutcome(BaseModel):
    """B8: what drafting a run did, invoice by invoice."""

    fiscal_year: int
    kind: str
    as_of: date
    created: list[str] = Field(default_factory=list)      # new drafts (invoice ids)
    replaced: list[str] = Field(default_factory=list)     # drafts replaced with new content
    unchanged: list[str] = Field(default_factory=list)    # drafts that came out the same
    removed: list[str] = Field(default_factory=list)      # drafts of campuses with no lines now
    kept: list[str] = Field(default_factory=list)         # in review, approved or billed: untouched
    differs: list[str] = Field(default_factory=list)      # kept ones the data no longer matches
    captured: list[str] = Field(default_factory=list)     # campuses whose net-new list was captured (B6)
    unreviewed: list[str] = Field(default_factory=list)   # B6 (rev 2): lists open and not all reviewed
    override: str | None = None                           # B4 (rev 2): why drafted before July's batch
    invoices: list[InvoiceSummary] = Field(default_factory=list)  # the run's latest invoices

    def sentence(self) -> str:
        parts = [f"{len(self.created)} new", f"{len(self.replaced)} replaced",
                 f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.kept:
            parts.append(f"{len(self.kept)} kept as they are (in review, approved or billed)")
        return "Drafts: " + ", ".join(parts) + "."

    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.invoices), Decimal("0.00"))


class NetNewCandidate(BaseModel):
    """B6: one application provisioned in a true-up's window at a campus, and its review."""

    fiscal_year: int
    kind: str
    campus: str
    license_number: str
    user_name: str
    application: str
    provisioned_on: date
    deprovisioned_on: date | None = None
    replaces_license: str | None = None
    flagged_net_new: bool           # the flag set on provisioning (P10)
    decision: str | None = None     # confirm | correct | None (not reviewed)
    net_new: bool                   # what the true-up uses: the review's value, else the flag
    reason: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.license_number, self.application, self.provisioned_on)


class ReviewStatus(BaseModel):
    """B6: where one campus's net-new review stands."""

    campus: str
    candidates: int = 0
    reviewed: int = 0
    corrected: int = 0
    captured_at: datetime | None = None
    captured_by: str | None = None

    @property
    def captured(self) -> bool:
        return self.captured_at is not None
