"""B1-B5 invoice rules one value at a time: Chatter Free (B3), rates (B2), groups and
speedtypes (B4), removal notes (B5) and the as-of day a run may be drafted for (B1/B4/B5).
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from ecomm import reference as ref
from ecomm.billing.fiscal import fy_end, fy_start
from ecomm.billing.models import LicenseForBilling
from ecomm.billing.proration import ANNUAL, JANUARY, JUNE, KIND_LABEL, KINDS
from ecomm.errors import EcommError
from ecomm.policy import Policy

Rates = Mapping[str, Decimal]
GROUP_OF = {app: group for group, apps in ref.INVOICE_GROUPS.items() for app in apps}


# -- the rules, one value at a time --------------------------------------------------------------
def is_chatter_free_profile(profile: str | None) -> bool:
    """B3: the Chatter Free User profile pays nothing for Salesforce."""
    return (profile or "").strip().lower() == ref.PROFILE_CHATTER_FREE.lower()


def is_chatter_free(lic: LicenseForBilling) -> bool:
    """B3: a license with the Chatter Free User profile pays nothing for Salesforce."""
    return is_chatter_free_profile(lic.salesforce_profile)


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
    return GROUP_OF.get(application)


def removal_note(removed: date) -> str:
    """B5: a true-up charge ended by a removal says so."""
    return f"removed {removed.isoformat()}: charged through that month (B5)"


def campus_billing_speedtype(speedtypes: Iterable[str | None]) -> str | None:
    """B4: the one speedtype a campus is charged: the one its license records name most often (ties: smallest)."""
    counts = Counter(s for s in (_clean(x) for x in speedtypes)
                     if s and s != ref.NEW_SPEEDTYPE_NEEDED)
    if not counts:
        return None
    return min(counts, key=lambda s: (-counts[s], s))


def check_as_of(fy: int, kind: str, as_of: date) -> None:
    """B1/B4/B5: the as-of date must fall in the fiscal year, and a true-up after its window opened."""
    check_kind(kind)
    start, end = fy_start(fy), fy_end(fy)
    if not start <= as_of <= end:
        raise EcommError(f"B1: The {KIND_LABEL[kind]} of FY{fy} is drafted as of a day in FY{fy} "
                         f"({start} to {end}); {as_of} is not.")
    earliest = {ANNUAL: start, JANUARY: date(fy, 1, 1), JUNE: date(fy, 6, 1)}[kind]
    if as_of < earliest:
        raise EcommError(f"B5: The {KIND_LABEL[kind]} of FY{fy} cannot be drafted as of {as_of}: "
                         f"its provisioning window is not over; use a day from {earliest} on.")


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise EcommError(f"'{kind}' is not an invoice kind: use annual (July), january or june.")


def _clean(value: str | None) -> str | None:
    v = (value or "").strip() if isinstance(value, str) else ""
    return v or None
