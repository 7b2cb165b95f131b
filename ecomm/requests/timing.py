"""When a request takes effect (C1, C2, C4) and what a provisioning costs this year (B5).

Thin glue over ``ecomm.calendar`` and ``ecomm.billing``: no rule is decided here.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


from ecomm import calendar as cal
from ecomm import reference as ref
from ecomm.billing.fiscal import fiscal_year_of
from ecomm.billing.invoice import assemble, is_chatter_free_profile, missing_rates
from ecomm.billing.models import AppHolding, LicenseForBilling, to_cents
from ecomm.billing.proration import ANNUAL, JANUARY, JUNE, KIND_LABEL
from ecomm.policy import Policy
from ecomm.requests.models import CostLine
from ecomm.storage import calendar as cal_store
from ecomm.storage.billing_reads import load_rates


def month_label(d: date) -> str:
    """'November 2026'."""
    return d.strftime("%B %Y")


def money(amount: Decimal) -> str:
    """'$1,234.50'."""
    return f"${to_cents(amount):,.2f}"


# C1/C2: the batch a request joins, with its dates (the one model: ecomm.calendar.CycleDates)
CycleInfo = cal.CycleDates


def cycle_info(store, now_utc: datetime, policy: Policy) -> CycleInfo:
    """C1/C2: the cycle a request submitted at ``now_utc`` joins, with its dates."""
    closures = cal_store.extra_closures(store)
    cycle = cal.cycle_for_submission(now_utc, closures)
    return cycle_dates(store, cycle, policy, closures)


def cycle_dates(store, cycle: str, policy: Policy, closures=None) -> CycleInfo:
    """C1/C2: a named cycle's cutoff (last business day of the month before), first
    processing day and credentials date (the System team's date when set)."""
    closures = cal_store.extra_closures(store) if closures is None else closures
    return cal.cycle_dates(cycle, policy=policy, extra_closures=closures,
                           credentials_override=cal_store.credentials_override(store, cycle))


def _invoice_kind(month: date) -> str:
    """B4/B5: July batch -> July invoice; August-December -> January true-up; else June's."""
    if month.month == 7:
        return ANNUAL
    return JANUARY if month.month >= 8 else JUNE


def provision_cost(store, *, applications: list[str], salesforce_profile: str,
                   provisioning_month: date, policy: Policy
                   ) -> tuple[int, list[CostLine], Decimal, str]:
    """B2-B5: what net-new applications provisioned in ``provisioning_month`` cost the campus
    this fiscal year: monthly rate x months from that month through June, per application
    (the charge the July invoice or the next true-up will make). Returns (fiscal year, lines,
    total, sentence)."""
    fy = fiscal_year_of(provisioning_month)
    kind = _invoice_kind(provisioning_month)
    rates = load_rates(store, fy)
    free = ref.SALESFORCE if is_chatter_free_profile(salesforce_profile) else None
    no_rate = set(missing_rates([a for a in applications if a != free], rates, policy))
    missing = [a for a in dict.fromkeys(applications) if a in no_rate]
    lic = LicenseForBilling(
        license_number="pending", affiliated_campus="", salesforce_profile=salesforce_profile,
        apps=[AppHolding(application=app, provisioned_on=provisioning_month, net_new=True,
                         pending=True) for app in applications if app not in missing])
    charges = {c.application: c
               for inv in assemble([lic], rates, policy, fiscal_year=fy, kind=kind,
                                   as_of=provisioning_month)
               for line in inv.lines for c in line.charges}
    lines: list[CostLine] = []
    for app in applications:
        c = charges.get(app)
        if c is None:
            lines.append(CostLine(application=app, monthly_rate=Decimal("0"), months=0,
                                  amount=Decimal("0.00"), note=f"no FY{fy} rate set yet"))
            continue
        lines.append(CostLine(application=app, monthly_rate=c.monthly_rate, months=c.months,
                              amount=to_cents(c.amount), note=c.note or None))
    total = to_cents(sum((line.amount for line in lines), Decimal(0)))
    parts = [f"{line.application} {money(line.monthly_rate)} x {line.months} month(s) = "
             f"{money(line.amount)}" + (f" ({line.note})" if line.note else "") for line in lines]
    sentence = (f"Net new: this adds {money(total)} to the campus's bill for FY{fy} "
                f"({'; '.join(parts)}), counting {month_label(provisioning_month)} through "
                f"June {fy}, on the {KIND_LABEL[kind]}.")
    if missing:
        sentence += (f" The System team has not set FY{fy} rates for {', '.join(missing)} yet, "
                     "so their cost is not included.")
    return fy, lines, total, sentence


def transfer_sentence(replaces_license: str, applications: list[str] | None = None) -> str:
    """P10/B5: transferred applications continue the replaced user's seat: no new charge
    (a seat that was net new this year goes on being billed once, B5)."""
    what = f" of {', '.join(applications)}" if applications else ""
    return (f"License transfer{what}: no new charge; the seat of {replaces_license} continues "
            "(B5).")


def salesforce_sentence(on: date) -> str:
    """C4: Salesforce goes at once on submission; billed through the end of that month."""
    return (f"{ref.SALESFORCE} was removed at once, on {on.isoformat()}; the campus is billed for "
            f"{ref.SALESFORCE} through the end of {month_label(on)}.")
