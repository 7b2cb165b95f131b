"""Assemble the demo data set and write it as the import format's CSV files."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from ecomm import reference as ref
from ecomm.demo import org, people, rev2
from ecomm.demo.context import Ctx
from ecomm.demo.licenses import License, make_licenses
from ecomm.safe_export import write_interchange_csv
from ecomm.demo.people import Person
from ecomm.demo.requests import Request, make_requests
from ecomm.demo.users import primary_specialist_rows, specialist_for, user_rows

# B2: demo monthly rates (dollars) for the current fiscal year; the previous year's were lower.
DEMO_RATES: dict[str, Decimal] = {
    ref.SALESFORCE: Decimal("52.00"),
    ref.MARKETING_CLOUD: Decimal("38.50"),
    ref.CVENT: Decimal("29.00"),
}
PREVIOUS_YEAR_FACTOR = Decimal("0.95")

COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": ("contact_id", "last_name", "first_name", "email", "employee_id", "ucb_email",
                 "ucd_email", "anschutz_email", "uccs_email", "cu_system_email", "poi", "poi_active"),
    "employments": ("contact_id", "campus", "status", "start_date", "end_date", "department", "title"),
    "campaign_members": ("contact_id", "campaign", "signed_at", "added_by", "reason"),
    "course_completions": ("contact_id", "course", "completed_on"),
    "licenses": ("license_number", "contact_id", "affiliated_campus", "ecomm_specialist",
                 "additional_specialists", "ecomm_role", "salesforce_profile", "not_a_sender",
                 "quiz_passed_on", "business_units", "public_groups", "billing_campus",
                 "campus_speedtype", "unit_speedtypes", "speedtype_notes", "super_user_permissions",
                 "cvent_add_ons", "replaces_license"),
    "license_apps": ("license_number", "application", "provisioned_on", "deprovisioned_on",
                     "net_new", "last_login_on"),
    "requests": ("request_id", "kind", "contact_id", "campus", "submitted_at", "submitted_by",
                 "applications", "license_number", "ecomm_role", "replaces_license",
                 "business_units", "public_groups", "billing_campus", "campus_speedtype",
                 "unit_speedtypes", "course_privacy_awareness_on", "course_it_providers_on",
                 "course_pci_on", "super_user_permissions", "cvent_add_ons",
                 "salesforce_upgrade"),
    "users": ("email", "name", "role", "campus", "quiz_passed_on"),
    "reference": ("kind", "campus", "value", "label", "active"),
    "rates": ("fiscal_year", "application", "monthly_rate", "is_demo"),
    "holidays": ("date", "name"),
    "seats": ("fiscal_year", "application", "purchased", "cost", "contract_end", "notes"),
}
EMAIL_FIELDS = ("ucb_email", "ucd_email", "anschutz_email", "uccs_email", "cu_system_email")
B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class DemoData:
    """The generated organisation, as objects (tests read it; the writer turns it into rows)."""

    def __init__(self, ctx: Ctx, persons: list[Person], lics: list[License], reqs: list[Request]):
        self.ctx, self.persons, self.licenses, self.requests = ctx, persons, lics, reqs


def build(as_of: date, licenses: int, seed: int) -> DemoData:
    ctx = Ctx(as_of, licenses, seed)
    lics, holders = make_licenses(ctx)
    prospects = people.make_prospects(ctx)
    reqs, requested = make_requests(ctx, lics)
    persons = holders + prospects + requested
    persons += people.make_staff(ctx, max(0, ctx.contacts_target - len(persons)))
    order = list(range(len(persons)))
    ctx.rng.shuffle(order)  # IDs say nothing about what a contact is
    for k, i in enumerate(order):
        persons[i].id = "0035e0000" + _b36(36 ** 3 + 7 * k + ctx.rng.randint(0, 6)).rjust(6, "0")
    return DemoData(ctx, persons, lics, reqs)


def _b36(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = B36[r] + out
    return out or "0"


def _cell(v: Any) -> str:
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is bool:
        return "true" if v else "false"
    if t is datetime:
        return v.isoformat(timespec="seconds")
    if t is list or t is tuple:
        return ";".join(v)
    return v.isoformat() if t is date else str(v)


def _write(folder: Path, name: str, rows: Iterable[tuple]) -> None:
    write_interchange_csv(folder / f"{name}.csv", COLUMNS[name],
                          ([_cell(v) for v in row] for row in rows))


def write_data(data: DemoData, folder: Path) -> Path:
    """Write the eleven CSV files of the import format into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ctx, persons = data.ctx, data.persons
    _write(folder, "contacts", sorted(
        (p.id, p.last, p.first, p.email, p.employee_id, *(p.emails.get(f) for f in EMAIL_FIELDS),
         p.poi, p.poi_active) for p in persons))
    _write(folder, "employments", sorted(
        (p.id, *e) for p in persons for e in p.employments))
    _write(folder, "campaign_members", sorted(_campaign_rows(persons)))
    _write(folder, "course_completions", sorted(
        (p.id, course, c) for p in persons for course, c in p.courses))
    lics = sorted(data.licenses, key=lambda x: x.number)
    _write(folder, "licenses", (_license_row(x) for x in lics))
    _write(folder, "license_apps", (
        (x.number, *row) for x in lics for row in sorted(x.apps, key=lambda r: (r[0], r[1]))))
    _write(folder, "requests", (_request_row(r) for r in data.requests))
    _write(folder, "users", (tuple(u[c] for c in COLUMNS["users"]) for u in user_rows(ctx.as_of)))
    _write(folder, "reference", (tuple(r[c] for c in COLUMNS["reference"])
                                 for r in org.reference_rows() + primary_specialist_rows()))
    _write(folder, "rates", _rate_rows(ctx))
    _write(folder, "holidays", ctx.extra_closures.items())
    _write(folder, "seats", rev2.seat_rows(data))   # B10 (rules revision 2)
    return folder


def _campaign_rows(persons: list[Person]) -> Iterable[tuple]:
    for p in persons:
        if p.manual_by:
            reason = (f"Agreement signed on duplicate contact {p.manual_dup.id}; "
                      f"Data Change Request filed, added by hand until it is merged")
            yield (p.id, ref.AGREEMENT_CAMPAIGN, p.agreement, p.manual_by, reason)
        elif p.agreement is not None:
            yield (p.id, ref.AGREEMENT_CAMPAIGN, p.agreement, None, None)


def _license_row(x: License) -> tuple:
    return (x.number, x.holder.id, x.campus, specialist_for(x.campus), x.additional, x.role,
            x.profile, x.quiz is None, x.quiz, x.units, x.groups, x.billing_campus,
            x.campus_speedtype, x.unit_speedtypes, x.notes, x.super_perms, x.addons,
            x.replaces.number if x.replaces else None)


def _request_row(r: Request) -> tuple:
    return (r.id, r.kind, r.contact.id, r.campus, r.submitted_at, r.submitted_by, r.apps,
            r.license.number if r.license else None, r.role,
            r.replaces.number if r.replaces else None, r.units, r.groups, r.billing_campus,
            r.campus_speedtype, r.unit_speedtypes,
            *(r.courses.get(course) for course in ref.COURSE_REQUEST_COLUMNS.values()),
            r.super_perms, r.addons, r.upgrade)


def _rate_rows(ctx: Ctx) -> Iterable[tuple]:
    """B2: demo rates (marked is_demo) for the previous and current fiscal years."""
    billable = set(ctx.policy.billable_applications)
    for fy, factor in ((ctx.fy - 1, PREVIOUS_YEAR_FACTOR), (ctx.fy, Decimal(1))):
        for app in ref.APPLICATIONS:
            rate = DEMO_RATES.get(app, Decimal(0)) if app in billable else Decimal(0)
            yield (fy, app, (rate * factor).quantize(Decimal("0.01")), True)
