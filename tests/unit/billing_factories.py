"""Small builders for billing tests: licenses, application rows and a year's rates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecomm.billing.models import AppHolding, LicenseForBilling
from ecomm.policy import Policy

FY = 2027  # 2026-07-01 .. 2027-06-30

RATES = {
    "Salesforce": Decimal("41.67"),
    "Marketing Cloud": Decimal("23.50"),
    "Cvent": Decimal("12.25"),
    "Apsona": Decimal("0"),
}

POLICY = Policy()


def held(application: str, provisioned_on: date, deprovisioned_on: date | None = None,
         net_new: bool = False) -> AppHolding:
    return AppHolding(application=application, provisioned_on=provisioned_on,
                      deprovisioned_on=deprovisioned_on, net_new=net_new)


def lic(number: str, *apps: AppHolding, campus: str = "Boulder", billing_campus: str | None = None,
        profile: str = "Standard", name: str = "Ada Lovelace", speedtype: str | None = "61000342",
        units: str | None = None) -> LicenseForBilling:
    return LicenseForBilling(license_number=number, user_name=name, affiliated_campus=campus,
                             billing_campus=billing_campus, salesforce_profile=profile,
                             campus_speedtype=speedtype, unit_speedtypes=units, apps=list(apps))


def by_key(invoices):
    return {(i.campus, i.group): i for i in invoices}
