"""Plain values the request services take and return (no SQL, no Streamlit)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Upload(BaseModel):
    """P5: one checked transcript screenshot, ready to be stored with a request."""

    model_config = ConfigDict(frozen=True)

    name: str               # sanitised file name, extension matching the content
    content_type: str       # image/png | image/jpeg | application/pdf (from the bytes)
    data: bytes
    size: int
    sha256: str


class CostLine(BaseModel):
    """B5: what one application adds to the campus's bill this fiscal year."""

    application: str
    monthly_rate: Decimal
    months: int
    amount: Decimal
    note: str | None = None


class Confirmation(BaseModel):
    """What a submitted request is, what happens when, and what it costs (the green banner)."""

    request_id: str
    kind: str                       # provision | deprovision | change_groups
    status: str                     # pending | completed
    contact_id: str
    campus: str
    license_number: str | None = None
    license_created: bool = False   # a new license record was opened by this request
    applications: list[str] = Field(default_factory=list)
    cycle: str | None = None        # 'YYYY-MM' of the batch it joins (C1)
    cutoff: date | None = None      # C1: last day to submit for that batch
    processing_starts: date | None = None
    credentials_date: date | None = None  # C2
    fiscal_year: int | None = None
    transfer: bool = False          # P10: replaces another user, not net new
    transfers: list[str] = Field(default_factory=list)   # P10 (rev 2): applications transferred
    net_new: list[str] = Field(default_factory=list)     # P10 (rev 2): applications net new
    per_application: list[str] = Field(default_factory=list)  # P10: "Salesforce: transfer (...)"
    cost_lines: list[CostLine] = Field(default_factory=list)
    cost_total: Decimal = Decimal("0.00")
    cost_note: str = ""
    salesforce_removed_on: date | None = None  # C4
    warnings: list[str] = Field(default_factory=list)   # P13: shown, not blocking
    effects: list[str] = Field(default_factory=list)    # sentences: what takes effect when
    message: str = ""


class Outcome(BaseModel):
    """The result of a change that is not a new request (cancel, complete, agreement fix)."""

    id: str
    status: str
    message: str
