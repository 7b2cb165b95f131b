"""B4/B5 forecast: what the next July invoice and the next true-up would bill each campus.

Licenses are counted as held on ``as_of``; pending provisioning requests are counted as if
provisioned on the first day of the month they will be processed in. A request that
replaces another user's license is a transfer (P10): on the July invoice, not on a true-up.
When the forecast year has no rates yet, the latest earlier year's rates are assumed and the
row says which year's were used.

- B6: the true-up bills the net-new list as the specialists reviewed it (their confirm or
  correct decisions, ``net_new_reviews``), else the flag set on provisioning.
- C4: pending deprovisioning requests count as removing their applications at the end of
  the month their batch processes them, when that batch comes before the invoice (the July
  batch before the July invoice; January's and June's batches before their true-ups): gone
  from the July invoice, charged on the true-up through that month (B5). Salesforce removed
  at submission is already closed on the license record and billed through that month's
  end; it is not removed a second time. A removal after the invoice changes nothing (B9).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Mapping

import pandas as pd
from pydantic import BaseModel, computed_field

from ecomm import reference as ref
from ecomm.billing.fiscal import fiscal_year_of
from ecomm.months import month_start
from ecomm.billing.invoice import (apply_reviews, assemble, billed_holdings, compute_run,
                                   group_of, license_frames, license_models)
from ecomm.billing.models import invoice_campus
from ecomm.billing.models import AppHolding, LicenseForBilling
from ecomm.billing.proration import ANNUAL, JANUARY, JUNE
from ecomm.errors import EcommError
from ecomm.policy import Policy

PENDING_PREFIX = "pending "
Key = tuple[str, str, date]  # (license, application, provisioned on): a license_apps row


class PendingProvision(BaseModel):
    """A provisioning request not yet processed, as the forecast needs it."""

    request_id: str
    campus: str  # the invoice campus: billing campus, else the request's campus
    applications: list[str]
    replaces_license: str | None = None
    salesforce_profile: str = ref.PROFILE_STANDARD
    provisioning_month: date  # first day of the month the batch will process it
    transfer_apps: list[str] | None = None   # P10 (rev 2): decided at submission

    @property
    def net_new(self) -> bool:
        """P10: a request that replaces nobody is net new."""
        return not (self.replaces_license or "").strip()

    def app_net_new(self, application: str) -> bool:
        """P10 (rev 2): per application: net new unless decided a transfer at submission
        (requests without that decision: as the whole request)."""
        if self.transfer_apps is None:
            return self.net_new
        return application not in self.transfer_apps


class PendingDeprovision(BaseModel):
    """A deprovisioning request not yet processed, as the forecast needs it (C4)."""

    request_id: str
    license_number: str
    applications: list[str]
    processing_month: date  # first day of the month the batch will process it
    salesforce_removed_on: date | None = None  # C4: Salesforce closed at submission

    @property
    def batch_applications(self) -> list[str]:
        """C4: what the batch removes (Salesforce already went at submission when recorded)."""
        return [a for a in self.applications
                if not (a == ref.SALESFORCE and self.salesforce_removed_on is not None)]

    @property
    def removed_on(self) -> date:
        """C4: counted as removed at the end of the month it is processed in."""
        return month_start(self.processing_month, 1) - timedelta(days=1)


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
    # C4: pending deprovisioning requests processed before the invoice, and what they take
    # off ``current_amount`` (0 or less)
    deprovision_requests: int = 0
    deprovision_amount: Decimal = Decimal("0.00")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Decimal:
        return self.current_amount + self.pending_amount + self.deprovision_amount


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
        apps=[AppHolding(application=a, provisioned_on=p.provisioning_month,
                         net_new=p.app_net_new(a), pending=True) for a in p.applications])


def run_month(fy: int, kind: str) -> date:
    """B4/B5: the month whose batch comes before the invoice (July's before the July invoice,
    January's and June's before their true-ups)."""
    return {ANNUAL: date(fy - 1, 7, 1), JANUARY: date(fy, 1, 1), JUNE: date(fy, 6, 1)}[kind]


def removals_before(deprovisions: Iterable[PendingDeprovision], fy: int, kind: str
                    ) -> dict[tuple[str, str], tuple[date, str]]:
    """C4: {(license, application): (removed on, request)} of the pending deprovisionings
    processed by the invoice's month (the earliest when two requests name the same one)."""
    out: dict[tuple[str, str], tuple[date, str]] = {}
    for p in sorted(deprovisions, key=lambda p: (p.processing_month, p.request_id)):
        if p.processing_month <= run_month(fy, kind):
            for app in p.batch_applications:
                out.setdefault((p.license_number, app), (p.removed_on, p.request_id))
    return out


def _open(h: AppHolding, as_of: date) -> bool:
    return h.provisioned_on <= as_of and (h.deprovisioned_on is None or h.deprovisioned_on > as_of)


def with_removals(lic: LicenseForBilling, removals: Mapping[tuple[str, str], tuple[date, str]],
                  kind: str, as_of: date) -> LicenseForBilling:
    """C4: the license as the invoice would see it after the pending deprovisionings: the
    July invoice no longer has the application; a true-up charges it through the month of
    removal. Rows provisioned after ``as_of`` are left out and later removals treated as not
    yet made, so that billing the result as of the latest removal day changes nothing else."""
    apps = []
    for h in lic.apps:
        removal = removals.get((lic.license_number, h.application)) if _open(h, as_of) else None
        if kind == ANNUAL:
            if removal is None:
                apps.append(h)
            continue
        if h.provisioned_on > as_of:
            continue
        if removal is not None:
            removed = max(removal[0], h.provisioned_on)
            apps.append(h.model_copy(update={"deprovisioned_on": removed}))
        elif h.deprovisioned_on is not None and h.deprovisioned_on > as_of:
            apps.append(h.model_copy(update={"deprovisioned_on": None}))
        else:
            apps.append(h)
    return lic.model_copy(update={"apps": apps})


def _totals(invoices) -> dict[tuple[str, str], tuple[int, Decimal]]:
    return {(inv.campus, inv.group): (len(inv.lines), inv.total) for inv in invoices}


def forecast(licenses: Iterable[LicenseForBilling] | tuple[pd.DataFrame, pd.DataFrame],
             pending: Iterable[PendingProvision],
             rates_by_fy: Mapping[int, Mapping[str, Decimal]], policy: Policy, *,
             as_of: date, deprovisions: Iterable[PendingDeprovision] = (),
             net_new_reviews: Mapping[tuple[int, str], Mapping[Key, bool]] | None = None
             ) -> list[ForecastRow]:
    """B4/B5: the next July invoice and next true-up per campus and group, if billed as of
    ``as_of``: pending provisioning requests added, pending deprovisionings processed before
    the invoice taken off (C4), the true-up's net-new list as reviewed (B6; ``net_new_reviews``
    by (fiscal year, kind)). ``licenses``: pydantic records, or their two frames
    (``invoice.license_frames``; what the app passes: no model per license at 100x)."""
    lic_df, apps_df = licenses if isinstance(licenses, tuple) else license_frames(licenses)
    pending = list(pending)
    deprovisions = list(deprovisions)
    rows: list[ForecastRow] = []
    annual_fy = next_annual_fy(as_of)
    true_up_fy, true_up_kind = next_true_up(as_of)
    for fy, kind in ((annual_fy, ANNUAL), (true_up_fy, true_up_kind)):
        used_fy, rates = rates_for(fy, rates_by_fy)
        # Pending requests processed after the July batch are not on this July invoice.
        batch = [p for p in pending if kind != ANNUAL or p.provisioning_month <= date(fy - 1, 7, 1)]
        batch_lic, batch_apps = license_frames(pending_as_license(p) for p in batch)
        reviewed = (net_new_reviews or {}).get((fy, kind), {}) if kind != ANNUAL else {}
        run = compute_run(pd.concat([lic_df, batch_lic], ignore_index=True),
                          apply_reviews(pd.concat([apps_df, batch_apps], ignore_index=True),
                                        reviewed),
                          rates, policy, fiscal_year=fy, kind=kind, as_of=as_of)
        by_key: dict[tuple[str, str], ForecastRow] = {}
        for head in run.heads:
            row = ForecastRow(campus=head["campus"], fiscal_year=fy, kind=kind,
                              group=head["group"], rates_from_fy=used_fy)
            rows.append(row)
            by_key[(head["campus"], head["group"])] = row
        for campus, group, number, total in zip(run.lines["campus"], run.lines["group"],
                                                run.lines["license_number"],
                                                run.lines["line_total"]):
            row = by_key[(campus, group)]
            if number.startswith(PENDING_PREFIX):
                row.pending_requests += 1
                row.pending_amount += total
            else:
                row.licenses += 1
                row.current_amount += total
        _take_off_removals(rows, by_key, lic_df, apps_df, deprovisions, rates, policy, fy=fy,
                           kind=kind, as_of=as_of, used_fy=used_fy, reviewed=reviewed)
    return rows


def _take_off_removals(rows: list[ForecastRow], by_key: dict[tuple[str, str], ForecastRow],
                       lic_df: pd.DataFrame, apps_df: pd.DataFrame,
                       deprovisions: list[PendingDeprovision], rates, policy: Policy, *,
                       fy: int, kind: str, as_of: date, used_fy: int,
                       reviewed: Mapping[Key, bool]) -> None:
    """C4: the licenses the pending deprovisionings touch, billed as they are and as they
    will be; the difference goes on each campus's row with the number of requests."""
    removals = removals_before(deprovisions, fy, kind)
    numbers = {n for n, _ in removals}
    mine = apps_df[apps_df["license_number"].isin(numbers)]
    current = license_models(lic_df[lic_df["license_number"].isin(numbers)], mine)
    touched = [lic for lic in current
               if any(_open(h, as_of) and (lic.license_number, h.application) in removals
                      for h in lic.apps)]
    if not touched:
        return
    after = [with_removals(lic, removals, kind, as_of) for lic in touched]
    later = max([as_of, *(day for day, _ in removals.values())]) if kind != ANNUAL else as_of
    before_totals = _totals(assemble(touched, rates, policy, fiscal_year=fy, kind=kind,
                                     as_of=as_of, overrides=reviewed))
    after_totals = _totals(assemble(after, rates, policy, fiscal_year=fy, kind=kind,
                                    as_of=later, overrides=reviewed))
    requests: dict[tuple[str, str], set[str]] = {}
    billed = billed_holdings(touched, fy, kind, as_of, overrides=reviewed)
    for lic in touched:
        for h in billed.get(lic.license_number, []):   # only what this invoice bills
            hit = removals.get((lic.license_number, h.application)) if _open(h, as_of) else None
            group = group_of(h.application)
            if hit is not None and group is not None:
                campus = invoice_campus(lic.affiliated_campus, lic.billing_campus)
                requests.setdefault((campus, group), set()).add(hit[1])
    for key in sorted(set(before_totals) | set(after_totals)):
        change = (after_totals.get(key, (0, Decimal("0")))[1]
                  - before_totals.get(key, (0, Decimal("0")))[1])
        row = by_key.get(key)
        if row is None:  # cannot happen: the touched licenses are billed as they are
            continue
        row.deprovision_amount += change
        row.deprovision_requests = len(requests.get(key, ()))
