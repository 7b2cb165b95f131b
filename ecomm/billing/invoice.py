"""B2-B5, B9: building the July invoice and the true-ups from plain inputs.

Decisions where the pages are silent (see docs/billing.md):

- One invoice per invoice campus (billing campus, else affiliated campus) and group
  (``ecomm.reference.INVOICE_GROUPS``: Salesforce, Marketing Cloud, Apsona and Geopointe
  together; Cvent alone).
- A line lists the group's applications it is charged for; a line that would list none is
  left out. Applications with rate 0 and a Chatter Free User's Salesforce (B3) are listed
  with amount 0, so a Chatter Free user holding Salesforce and Cvent is on the Salesforce
  invoice (0) and the Cvent invoice; a Cvent-only license is on the Cvent invoice only.
- The campus billing speedtype charged is the one the campus's license records name most
  often across the run's lines (both groups; ties go to the smallest), unless the caller
  fixes it per campus (``campus_speedtypes``). Other speedtypes seen are listed on the invoice.
- The July invoice bills applications held on ``as_of`` that were provisioned by July 31
  (the July batch); later ones belong to the January true-up, so nothing is billed twice.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_end, fy_start
from ecomm.billing.models import AppHolding, Charge, Invoice, InvoiceLine, LicenseForBilling
from ecomm.billing.proration import (ANNUAL, JANUARY, JUNE, KIND_LABEL, KINDS,
                                     in_true_up_window, july_batch_end, months_charged)
from ecomm.errors import EcommError
from ecomm.policy import Policy

Rates = Mapping[str, Decimal]

CHATTER_FREE_NOTE = "Chatter Free User: no charge for Salesforce (B3)"


def is_chatter_free(lic: LicenseForBilling) -> bool:
    """B3: a license with the Chatter Free User profile pays nothing for Salesforce."""
    return (lic.salesforce_profile or "").strip().lower() == ref.PROFILE_CHATTER_FREE.lower()


def missing_rates(applications: Iterable[str], rates: Rates, policy: Policy) -> list[str]:
    """B2: the billed applications among ``applications`` with no rate for the fiscal year."""
    billed = set(policy.billable_applications)
    return sorted({a for a in applications if a not in rates and a in billed})


def monthly_rate(application: str, rates: Rates, policy: Policy) -> Decimal:
    """B2: the application's monthly rate for the year; non-billed applications are 0 until set."""
    if application in rates:
        return Decimal(rates[application])
    if application in policy.billable_applications:
        raise EcommError(f"B2: There is no monthly rate for {application}: the System team "
                         "must set this fiscal year's rates first (Billing > Fiscal year setup).")
    return Decimal("0")


def group_of(application: str) -> str | None:
    """B4: the invoice group (spreadsheet) an application is billed on, or None."""
    for group, apps in ref.INVOICE_GROUPS.items():
        if application in apps:
            return group
    return None


def annual_holdings(lic: LicenseForBilling, fy: int, as_of: date) -> list[AppHolding]:
    """B4: the applications the July invoice bills: held on ``as_of``, provisioned by the July batch; one per application."""
    chosen: dict[str, AppHolding] = {}
    for h in sorted(lic.apps, key=lambda h: (h.provisioned_on, h.application)):
        if h.active_on(as_of) and h.provisioned_on <= july_batch_end(fy):
            chosen.setdefault(h.application, h)
    return list(chosen.values())


def true_up_holdings(lic: LicenseForBilling, fy: int, kind: str, as_of: date) -> list[AppHolding]:
    """B5/P10: the net-new applications a true-up bills: provisioned in its window by ``as_of``; transfers are not billed."""
    return sorted(
        (h for h in lic.apps
         if h.net_new and in_true_up_window(h.provisioned_on, fy, kind)
         and (h.pending or h.provisioned_on <= as_of)),
        key=lambda h: (h.provisioned_on, h.application),
    )


def holdings_for(lic: LicenseForBilling, fy: int, kind: str, as_of: date) -> list[AppHolding]:
    """B4/B5: the application rows an invoice of ``kind`` charges for this license."""
    if kind == ANNUAL:
        return annual_holdings(lic, fy, as_of)
    return true_up_holdings(lic, fy, kind, as_of)


def charge_for(lic: LicenseForBilling, h: AppHolding, *, fy: int, kind: str, as_of: date,
               rates: Rates, policy: Policy) -> Charge:
    """B2-B5, B9: one application's charge: monthly rate x months charged (0 for Chatter Free Salesforce)."""
    removed = h.deprovisioned_on if (h.deprovisioned_on and not h.pending
                                     and h.deprovisioned_on <= as_of) else None
    months = months_charged(h.provisioned_on, fy, kind, removed)
    if h.application == ref.SALESFORCE and is_chatter_free(lic):
        return Charge(application=h.application, monthly_rate=Decimal("0"), months=months,
                      provisioned_on=h.provisioned_on, note=CHATTER_FREE_NOTE)
    note = ""
    if kind != ANNUAL and removed is not None:
        note = f"removed {removed.isoformat()}: charged through that month (B5)"
    return Charge(application=h.application, monthly_rate=monthly_rate(h.application, rates, policy),
                  months=months, provisioned_on=h.provisioned_on, note=note)


def line_for(lic: LicenseForBilling, group: str, *, fy: int, kind: str, as_of: date,
             rates: Rates, policy: Policy) -> InvoiceLine | None:
    """B4/B5: the license's line on the group's invoice, or None when it holds nothing billed there."""
    apps = ref.INVOICE_GROUPS[group]
    rows = [h for h in holdings_for(lic, fy, kind, as_of) if h.application in apps]
    if not rows:
        return None
    charges = [charge_for(lic, h, fy=fy, kind=kind, as_of=as_of, rates=rates, policy=policy)
               for h in rows]
    held = [a for a in apps if any(h.application == a for h in rows)]
    return InvoiceLine(license_number=lic.license_number, user_name=lic.user_name,
                       licenses_held=held, charges=charges,
                       campus_speedtype=_clean(lic.campus_speedtype),
                       unit_speedtypes=_clean(lic.unit_speedtypes))


def campus_billing_speedtype(speedtypes: Iterable[str | None]) -> str | None:
    """B4: the one speedtype a campus is charged: the one its license records name most often (ties: smallest)."""
    counts = Counter(s for s in (_clean(x) for x in speedtypes)
                     if s and s != ref.NEW_SPEEDTYPE_NEEDED)
    if not counts:
        return None
    return min(counts, key=lambda s: (-counts[s], s))


def check_as_of(fy: int, kind: str, as_of: date) -> None:
    """B1/B4/B5: the as-of date must fall in the fiscal year, and a true-up after its window opened."""
    if kind not in KINDS:
        raise EcommError(f"'{kind}' is not an invoice kind: use annual (July), january or june.")
    start, end = fy_start(fy), fy_end(fy)
    if not start <= as_of <= end:
        raise EcommError(f"B1: The {KIND_LABEL[kind]} of FY{fy} is drafted as of a day in FY{fy} "
                         f"({start} to {end}); {as_of} is not.")
    earliest = {ANNUAL: start, JANUARY: date(fy, 1, 1), JUNE: date(fy, 6, 1)}[kind]
    if as_of < earliest:
        raise EcommError(f"B5: The {KIND_LABEL[kind]} of FY{fy} cannot be drafted as of {as_of}: "
                         f"its provisioning window is not over; use a day from {earliest} on.")


def build_invoices(licenses: Iterable[LicenseForBilling], rates: Rates, policy: Policy, *,
                   fiscal_year: int, kind: str, as_of: date,
                   campus_speedtypes: Mapping[str, str] | None = None) -> list[Invoice]:
    """B2-B5, B9: the run's draft invoices, one per invoice campus and group that has lines."""
    check_as_of(fiscal_year, kind, as_of)
    return assemble(licenses, rates, policy, fiscal_year=fiscal_year, kind=kind, as_of=as_of,
                    campus_speedtypes=campus_speedtypes)


def assemble(licenses: Iterable[LicenseForBilling], rates: Rates, policy: Policy, *,
             fiscal_year: int, kind: str, as_of: date,
             campus_speedtypes: Mapping[str, str] | None = None) -> list[Invoice]:
    """B2-B5: build_invoices without the as-of checks (the forecast projects other dates)."""
    if kind not in KINDS:
        raise EcommError(f"'{kind}' is not an invoice kind: use annual (July), january or june.")
    licenses = sorted(licenses, key=lambda lic: _natural(lic.license_number))
    _require_rates(licenses, rates, policy, fiscal_year, kind, as_of)
    _require_rates_not_negative(rates, fiscal_year)

    lines: dict[tuple[str, str], list[InvoiceLine]] = defaultdict(list)
    speedtypes: dict[str, list[str | None]] = defaultdict(list)
    for lic in licenses:
        billed = False
        for group in ref.INVOICE_GROUPS:
            line = line_for(lic, group, fy=fiscal_year, kind=kind, as_of=as_of, rates=rates,
                            policy=policy)
            if line is not None:
                lines[(lic.invoice_campus, group)].append(line)
                billed = True
        if billed:
            speedtypes[lic.invoice_campus].append(lic.campus_speedtype)

    invoices = []
    for (campus, group) in sorted(lines, key=lambda k: (k[0], list(ref.INVOICE_GROUPS).index(k[1]))):
        chosen = (campus_speedtypes or {}).get(campus) or campus_billing_speedtype(speedtypes[campus])
        group_lines = lines[(campus, group)]
        others = sorted({ln.campus_speedtype for ln in group_lines
                         if ln.campus_speedtype and ln.campus_speedtype != chosen})
        invoices.append(Invoice(fiscal_year=fiscal_year, kind=kind, campus=campus, group=group,
                                as_of=as_of, campus_speedtype=chosen,
                                other_campus_speedtypes=others, lines=group_lines))
    return invoices


def _require_rates(licenses, rates, policy, fy, kind, as_of) -> None:
    """B2: every billed application charged on the run needs the fiscal year's rate."""
    needed = set()
    for lic in licenses:
        for h in holdings_for(lic, fy, kind, as_of):
            if h.application == ref.SALESFORCE and is_chatter_free(lic):
                continue
            if group_of(h.application):
                needed.add(h.application)
    missing = missing_rates(needed, rates, policy)
    if missing:
        raise EcommError(
            f"B2: FY{fy} has no monthly rate for {', '.join(missing)}. The System team must set "
            f"the FY{fy} rates first (Billing > Fiscal year setup, or rates.csv on the "
            "Import page).",
            [f"No FY{fy} monthly rate for {a}." for a in missing])


def _require_rates_not_negative(rates: Rates, fy: int) -> None:
    bad = sorted(a for a, r in rates.items() if Decimal(r) < 0)
    if bad:
        raise EcommError(f"B2: FY{fy} rates must not be negative: fix {', '.join(bad)}.")


def _clean(value: str | None) -> str | None:
    v = (value or "").strip()
    return v or None


def _natural(number: str) -> tuple:
    """Sort LN-999 before LN-1000."""
    head, _, digits = number.rpartition("-")
    return (head, int(digits), number) if digits.isdigit() else (number, -1, number)
