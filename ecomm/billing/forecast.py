"""B4/B5 forecast: what the next July invoice and the next true-up would bill each campus.

Licenses are counted as held on ``as_of``; pending provisioning requests are counted as if
provisioned on the first day of the month they will be processed in. A request that
replaces another user's license is a transfer (P10): on the July invoice, not on a true-up.
When the forecast year has no rates yet, the latest earlier year's rates are assumed and the
row says which year's were used. Pending deprovisionings are not subtracted.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from pydantic import BaseModel, Field, computed_field

from ecomm import reference as ref
from ecomm.billing.fiscal import fiscal_year_of
from ecomm.billing.invoice import assemble
from ecomm.billing.models import AppHolding, LicenseForBilling
from ecomm.billing.proration import ANNUAL, JANUARY, JUNE
from ecomm.errors import EcommError
from ecomm.policy import Policy

PENDING_PREFIX = "pending "


class PendingProvision(BaseModel):
    """A provisioning request not yet processed, as the forecast needs it."""

    request_id: str
    campus: str  # the invoice campus: billing campus, else the request's campus
    applications: list[str]
    replaces_license: str | None = None
    salesforce_profile: str = ref.PROFILE_STANDARD
    provisioning_month: date  # first day of the month the batch will process it

    @property
    def net_new(self) -> bool:
        """P10: a request that replaces nobody is net new."""
        return not (self.replaces_license or "").strip()


class ForecastRow(BaseModel):
    """One campus's projected invoice of one kind and group."""

    campus: str
    fiscal_year: int
    kind: str
    group: str
    rates_from_fy: int
    licenses: int = 0
    current_amount: Decimal = Decimal("0.00")
    pending_requests: int = 0
    pending_amount: Decimal = Decimal("0.00")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Decimal:
        return self.current_amount + self.pending_amount


def next_annual_fy(as_of: date) -> int:
    """B4: the fiscal year of the next July invoice (this year's while it is still July)."""
    fy = fiscal_year_of(as_of)
    return fy if as_of.month == 7 else fy + 1


def next_true_up(as_of: date) -> tuple[int, str]:
    """B5: the next true-up: January's from July to January, June's from February to June."""
    fy = fiscal_year_of(as_of)
    return (fy, JUNE) if 2 <= as_of.month <= 6 else (fy, JANUARY)


def rates_for(fy: int, rates_by_fy: Mapping[int, Mapping[str, Decimal]]) -> tuple[int, Mapping[str, Decimal]]:
    """B2: the year's rates, else the latest earlier year's (a forecast assumption)."""
    if fy in rates_by_fy:
        return fy, rates_by_fy[fy]
    earlier = [y for y in rates_by_fy if y < fy]
    if not earlier:
        raise EcommError(f"B2: There are no rates for FY{fy} or any year before it: the System "
                         "team must set rates (Billing > Fiscal year setup) before a forecast "
                         "can be made.")
    return max(earlier), rates_by_fy[max(earlier)]


def pending_as_license(p: PendingProvision) -> LicenseForBilling:
    """A pending request as a license holding its applications from its processing month."""
    return LicenseForBilling(
        license_number=f"{PENDING_PREFIX}{p.request_id}", user_name="", affiliated_campus=p.campus,
        salesforce_profile=p.salesforce_profile,
        apps=[AppHolding(application=a, provisioned_on=p.provisioning_month, net_new=p.net_new,
                         pending=True) for a in p.applications])


def forecast(licenses: Iterable[LicenseForBilling], pending: Iterable[PendingProvision],
             rates_by_fy: Mapping[int, Mapping[str, Decimal]], policy: Policy, *,
             as_of: date) -> list[ForecastRow]:
    """B4/B5: the next July invoice and next true-up per campus and group, if billed as of ``as_of``."""
    licenses = list(licenses)
    pending = list(pending)
    pending_lics = [pending_as_license(p) for p in pending]
    rows: list[ForecastRow] = []
    annual_fy = next_annual_fy(as_of)
    true_up_fy, true_up_kind = next_true_up(as_of)
    for fy, kind in ((annual_fy, ANNUAL), (true_up_fy, true_up_kind)):
        used_fy, rates = rates_for(fy, rates_by_fy)
        if kind == ANNUAL:
            # Pending requests processed after the July batch are not on this July invoice.
            batch = [lic for lic, p in zip(pending_lics, pending)
                     if p.provisioning_month <= date(fy - 1, 7, 1)]
        else:
            batch = pending_lics
        invoices = assemble([*licenses, *batch], rates, policy, fiscal_year=fy, kind=kind,
                            as_of=as_of)
        for inv in invoices:
            row = ForecastRow(campus=inv.campus, fiscal_year=fy, kind=kind, group=inv.group,
                              rates_from_fy=used_fy)
            for line in inv.lines:
                if line.license_number.startswith(PENDING_PREFIX):
                    row.pending_requests += 1
                    row.pending_amount += line.line_total
                else:
                    row.licenses += 1
                    row.current_amount += line.line_total
            rows.append(row)
    return rows
