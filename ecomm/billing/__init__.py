"""Billing (B1-B9): fiscal years, proration, invoices, forecast and the spreadsheets.

Plain functions over plain values; storage reads are in ``ecomm.storage.billing_reads``.
"""
from ecomm.billing.fiscal import fiscal_year_of, fy_end, fy_months, fy_start
from ecomm.billing.invoice import build_invoices
from ecomm.billing.models import (AppHolding, Charge, Invoice, InvoiceLine,
                                  LicenseForBilling)
from ecomm.billing.proration import KIND_LABEL, KINDS, months_charged

__all__ = [
    "AppHolding", "Charge", "Invoice", "InvoiceLine", "KIND_LABEL", "KINDS", "LicenseForBilling",
    "build_invoices", "fiscal_year_of", "fy_end", "fy_months", "fy_start", "months_charged",
]
