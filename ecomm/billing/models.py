"""Billing's plain values (B2-B5): what a license holds, what it is charged, the invoices.

Money is ``Decimal``. A charge keeps its exact amount (monthly rate x months); a line's total
is rounded to cents once, half up (``CENT``); an invoice's total is the sum of its line totals.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_label
from ecomm.billing.proration import KIND_LABEL

CENT = Decimal("0.01")

Kind = Literal["annual", "january", "june"]
Group = Literal["salesforce_marketing_cloud", "cvent"]
Status = Literal["draft", "in_review", "approved", "billed"]

GROUP_LABEL: dict[str, str] = {
    ref.GROUP_SALESFORCE_MC: "Salesforce and Marketing Cloud",
    ref.GROUP_CVENT: "Cvent",
}


def to_cents(amount: Decimal) -> Decimal:
    """Round money to cents, half up (B2-B5: once, at the line)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_campus(affiliated: str, billing: str | None) -> str:
    """P12/B4: the campus invoiced: the billing campus, else the affiliated campus."""
    return (billing or "").strip() or affiliated


class AppHolding(BaseModel):
    """One license_apps row: an application a license holds or held."""

    model_config = ConfigDict(frozen=True)

    application: str
    provisioned_on: date
    deprovisioned_on: date | None = None
    net_new: bool = False
    # Forecast only: the application comes from a pending provisioning request and is
    # assumed provisioned on ``provisioned_on`` (the next processing month).
    pending: bool = False
    # P10/B5 (rev 2): the license whose seat this transfer continues (None: not a transfer)
    transfer_from: str | None = None

    @model_validator(mode="after")
    def _removed_after_provisioned(self) -> "AppHolding":
        if self.deprovisioned_on is not None and self.deprovisioned_on < self.provisioned_on:
            raise ValueError(
                f"{self.application} was removed on {self.deprovisioned_on}, before it was "
                f"provisioned on {self.provisioned_on}"
            )
        return self


class LicenseForBilling(BaseModel):
    """A license record with what billing needs: who, which campus pays, and its applications."""

    license_number: str
    user_name: str = ""
    affiliated_campus: str
    billing_campus: str | None = None
    salesforce_profile: str = ref.PROFILE_STANDARD
    campus_speedtype: str | None = None
    unit_speedtypes: str | None = None
    replaces_license: str | None = None
    apps: list[AppHolding] = Field(default_factory=list)

    @property
    def invoice_campus(self) -> str:
        """P12/B4: the campus invoiced: the billing campus, else the affiliated campus."""
        return invoice_campus(self.affiliated_campus, self.billing_campus)


class Charge(BaseModel):
    """One application's charge on a line: monthly rate x months (exact; the line rounds)."""

    application: str
    monthly_rate: Decimal = Field(ge=0)
    months: int = Field(ge=0, le=12)
    provisioned_on: date | None = None
    note: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def amount(self) -> Decimal:
        return Decimal(self.monthly_rate) * self.months


class UnitShare(BaseModel):
    """P12: one unit billing speedtype and its percentage of the line."""

    speedtype: str
    percent: Decimal | None = None


def parse_unit_speedtypes(text: str | None) -> list[UnitShare]:
    """P12: '61000342:20;61000530:80' -> shares; a lone speedtype without a percentage is 100%."""
    parts = [p.strip() for p in (text or "").split(";") if p.strip()]
    shares: list[UnitShare] = []
    for p in parts:
        code, _, pct = p.partition(":")
        try:
            percent = Decimal(pct.strip().rstrip("%")) if pct.strip() else None
        except ArithmeticError:
            percent = None
        shares.append(UnitShare(speedtype=code.strip(), percent=percent))
    if len(shares) == 1 and shares[0].percent is None:
        shares[0] = UnitShare(speedtype=shares[0].speedtype, percent=Decimal(100))
    return shares


def b4_unit_amounts(line_total: Decimal, shares: list[UnitShare]) -> list[Decimal | None]:
    """B4 (rev 2): each unit speedtype's amount, its share of the line: line total x percent /
    100, rounded to cents half up; the last share takes what is left, so the amounts add up to
    the line total exactly. None for a share without a percentage (not a valid split)."""
    if not shares or any(s.percent is None for s in shares):
        return [None] * len(shares)
    out: list[Decimal | None] = []
    left = Decimal(line_total)
    for i, s in enumerate(shares):
        amount = left if i == len(shares) - 1 else to_cents(Decimal(line_total) * s.percent / 100)
        out.append(amount)
        left -= amount
    return out


def unit_text(unit_speedtypes: str | None, line_total: Decimal) -> str:
    """B4 (rev 2): '61000342 (20%) $25.00; 61000530 (80%) $100.00'; '' when there are none."""
    shares = parse_unit_speedtypes(unit_speedtypes)
    amounts = b4_unit_amounts(line_total, shares)
    return "; ".join(f"{s.speedtype} ({_fmt_percent(s.percent)})"
                     + (f" ${a:,.2f}" if a is not None else "") for s, a in zip(shares, amounts))


def _fmt_percent(p: Decimal | None) -> str:
    if p is None:
        return "?"
    return f"{p.normalize():f}%"


class InvoiceLine(BaseModel):
    """B4: license number, user name, licenses held, the charges and the line total."""

    license_number: str
    user_name: str
    licenses_held: list[str]
    charges: list[Charge]
    campus_speedtype: str | None = None
    unit_speedtypes: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def line_total(self) -> Decimal:
        return to_cents(sum((c.amount for c in self.charges), Decimal(0)))

    @property
    def licenses_held_text(self) -> str:
        return "; ".join(self.licenses_held)

    @property
    def unit_shares(self) -> list[UnitShare]:
        return parse_unit_speedtypes(self.unit_speedtypes)

    @property
    def unit_speedtypes_text(self) -> str:
        """'61000342 (20%) $25.00; 61000530 (80%) $100.00' for people (B4 rev 2: each unit
        speedtype with its amount); '' when there are none."""
        return unit_text(self.unit_speedtypes, self.line_total)


class Invoice(BaseModel):
    """B4/B5: one campus's invoice for one group; identity (fiscal_year, kind, campus, group)."""

    fiscal_year: int
    kind: Kind
    campus: str
    group: Group
    as_of: date
    status: Status = "draft"
    revision: int = Field(default=1, ge=1)
    corrects_invoice_id: str | None = None
    campus_speedtype: str | None = None
    # Campus speedtypes on this invoice's license records other than the one charged.
    other_campus_speedtypes: list[str] = Field(default_factory=list)
    lines: list[InvoiceLine] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.fiscal_year, self.kind, self.campus, self.group)

    @property
    def kind_label(self) -> str:
        return KIND_LABEL[self.kind]

    @property
    def group_label(self) -> str:
        return GROUP_LABEL[self.group]

    @property
    def fiscal_year_label(self) -> str:
        return fy_label(self.fiscal_year)
