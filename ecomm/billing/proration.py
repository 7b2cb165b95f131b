"""B4/B5/B9: how many months of an application's monthly rate an invoice charges.

- July invoice ("annual", B4): 12 months for an application provisioned by the end of the
  July batch month (July of the fiscal year's first month); no credit for a later removal (B9).
- True-ups (B5): net-new applications provisioned in the true-up's window pay from the month
  of provisioning through June, both counted. Policy: an application removed by the
  true-up's as-of date pays through the month it was removed.
"""
from __future__ import annotations

from datetime import date

from ecomm.billing.fiscal import fy_end, fy_start, month_index

ANNUAL = "annual"
JANUARY = "january"
JUNE = "june"
KINDS: tuple[str, ...] = (ANNUAL, JANUARY, JUNE)
TRUE_UPS: tuple[str, ...] = (JANUARY, JUNE)

KIND_LABEL: dict[str, str] = {
    ANNUAL: "July invoice",
    JANUARY: "January true-up",
    JUNE: "June true-up",
}


def july_batch_end(fy: int) -> date:
    """B4/B5: the last day of the July batch month; applications provisioned by then are on the July invoice."""
    return date(fy - 1, 7, 31)


def true_up_window(fy: int, kind: str) -> tuple[date, date]:
    """B5: the provisioning dates a true-up bills (January: Aug 1-Dec 31; June: Jan 1-Jun 30)."""
    if kind == JANUARY:
        return date(fy - 1, 8, 1), date(fy - 1, 12, 31)
    if kind == JUNE:
        return date(fy, 1, 1), fy_end(fy)
    raise ValueError(f"{kind!r} is not a true-up (expected 'january' or 'june').")


def in_true_up_window(provisioned_on: date, fy: int, kind: str) -> bool:
    """B5: was the application provisioned inside this true-up's window?"""
    start, end = true_up_window(fy, kind)
    return start <= provisioned_on <= end


def months_through_june(first_month: date, fy: int) -> int:
    """B5: months from ``first_month`` through June of ``fy``, both counted (October => 9)."""
    return max(0, month_index(fy_end(fy)) - month_index(max(first_month, fy_start(fy))) + 1)


def months_charged(provisioned_on: date, fy: int, kind: str,
                   deprovisioned_on: date | None = None) -> int:
    """B4/B5/B9: months charged for one application row on the ``kind`` invoice of ``fy``.

    ``deprovisioned_on`` is given only when the application was removed by the invoice's
    as-of date; it ends a true-up charge with the month of removal and is ignored on the
    July invoice (B9: no credit).
    """
    if kind == ANNUAL:
        return 12 if provisioned_on <= july_batch_end(fy) else 0
    if not in_true_up_window(provisioned_on, fy, kind):
        return 0
    if deprovisioned_on is None or deprovisioned_on >= fy_end(fy):
        return months_through_june(provisioned_on, fy)
    if deprovisioned_on < provisioned_on:
        raise ValueError(
            f"An application cannot be removed ({deprovisioned_on}) before it was provisioned "
            f"({provisioned_on})."
        )
    return month_index(deprovisioned_on) - month_index(provisioned_on) + 1
