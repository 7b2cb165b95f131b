"""The demo is written in the import format (spec/import-format.md): the right files and
columns, unique keys, and values the importer accepts."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ecomm import reference as ref
from ecomm.demo import write_demo
from tests.unit.test_demo_support import FILES, Demo, d, dt, lst

AS_OF = date(2026, 11, 23)

# Columns of each file as import-format.md lists them (rates also takes the demo's is_demo).
SPEC_COLUMNS = {
    "contacts": {"contact_id", "last_name", "first_name", "email", "employee_id", "ucb_email",
                 "ucd_email", "anschutz_email", "uccs_email", "cu_system_email", "poi", "poi_active"},
    "employments": {"contact_id", "campus", "status", "start_date", "end_date", "department", "title"},
    "campaign_members": {"contact_id", "campaign", "signed_at", "added_by", "reason"},
    "course_completions": {"contact_id", "course", "completed_on"},
    "licenses": {"license_number", "contact_id", "affiliated_campus", "ecomm_specialist",
                 "additional_specialists", "ecomm_role", "salesforce_profile", "not_a_sender",
                 "quiz_passed_on", "business_units", "public_groups", "billing_campus",
                 "campus_speedtype", "unit_speedtypes", "speedtype_notes", "super_user_permissions",
                 "cvent_add_ons", "replaces_license"},
    "license_apps": {"license_number", "application", "provisioned_on", "deprovisioned_on",
                     "net_new", "last_login_on"},
    "requests": {"request_id", "kind", "contact_id", "campus", "submitted_at", "submitted_by",
                 "applications", "license_number", "ecomm_role", "replaces_license",
                 "business_units", "public_groups", "billing_campus", "campus_speedtype",
                 "unit_speedtypes", "course_privacy_awareness_on", "course_it_providers_on",
                 "course_pci_on",
                 # rules revision 2 (P15): a change request's asks
                 "super_user_permissions", "cvent_add_ons", "salesforce_upgrade"},
    "users": {"email", "name", "role", "campus", "quiz_passed_on"},
    "reference": {"kind", "campus", "value", "label", "active"},
    "rates": {"fiscal_year", "application", "monthly_rate", "is_demo"},
    "holidays": {"date", "name"},
    "seats": {"fiscal_year", "application", "purchased", "cost", "contract_end", "notes"},  # B10
}
KEYS = {
    "contacts": ("contact_id",),
    "employments": ("contact_id", "campus", "start_date"),
    "campaign_members": ("contact_id", "campaign"),
    "course_completions": ("contact_id", "course", "completed_on"),
    "licenses": ("license_number",),
    "license_apps": ("license_number", "application", "provisioned_on"),
    "requests": ("request_id",),
    "users": ("email",),
    "reference": ("kind", "campus", "value"),
    "rates": ("fiscal_year", "application"),
    "holidays": ("date",),
}
BOOLEAN_COLUMNS = {"contacts": ("poi", "poi_active"), "licenses": ("not_a_sender",),
                   "license_apps": ("net_new",), "reference": ("active",), "rates": ("is_demo",)}
DATE_COLUMNS = {
    "employments": ("start_date", "end_date"), "course_completions": ("completed_on",),
    "licenses": ("quiz_passed_on",), "users": ("quiz_passed_on",), "holidays": ("date",),
    "license_apps": ("provisioned_on", "deprovisioned_on", "last_login_on"),
    "requests": ("course_privacy_awareness_on", "course_it_providers_on", "course_pci_on"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    folder = write_demo(tmp_path_factory.mktemp("demo"), as_of=AS_OF)
    return Demo(folder, AS_OF)


def test_demo_writes_every_file_of_the_import_format_with_its_columns(demo):
    assert set(demo.rows) == set(FILES) == set(SPEC_COLUMNS)
    for name, rows in demo.rows.items():
        assert rows, f"{name}.csv is empty"
        assert set(rows[0]) == SPEC_COLUMNS[name], name


@pytest.mark.parametrize("name", sorted(KEYS))
def test_demo_keys_are_unique_per_file(demo, name):
    keys = Counter(tuple(r[k] for k in KEYS[name]) for r in demo.rows[name])
    dupes = [k for k, n in keys.items() if n > 1]
    assert not dupes, f"{name}: {dupes[:5]}"
    assert all(all(r[k] for k in KEYS[name]) for r in demo.rows[name]), f"{name}: empty key"


def test_demo_booleans_dates_and_datetimes_are_in_the_import_format(demo):
    for name, cols in BOOLEAN_COLUMNS.items():
        for r in demo.rows[name]:
            for c in cols:
                assert r[c] in ("true", "false", ""), (name, c, r[c])
    for name, cols in DATE_COLUMNS.items():
        for r in demo.rows[name]:
            for c in cols:
                assert r[c] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[c]), (name, c, r[c])
                d(r[c])
    for r in demo.rows["campaign_members"]:
        assert dt(r["signed_at"]).date() <= AS_OF
    for r in demo.rows["requests"]:
        assert dt(r["submitted_at"]).date() <= AS_OF


def test_demo_campuses_and_fixed_choices_are_the_reference_ones(demo):
    campus_cols = {"employments": ("campus",), "licenses": ("affiliated_campus", "billing_campus"),
                   "requests": ("campus", "billing_campus"), "reference": ("campus",)}
    for name, cols in campus_cols.items():
        for r in demo.rows[name]:
            for c in cols:
                assert r[c] == "" or r[c] in ref.CAMPUSES, (name, c, r[c])
    assert {r["status"] for r in demo.rows["employments"]} == {"Active", "Inactive"}
    assert {r["course"] for r in demo.rows["course_completions"]} == set(ref.COURSES)
    assert {r["campaign"] for r in demo.rows["campaign_members"]} == {ref.AGREEMENT_CAMPAIGN}
    assert {r["application"] for r in demo.rows["license_apps"]} == set(ref.APPLICATIONS)
    for r in demo.rows["licenses"]:
        assert r["ecomm_role"] in ref.ECOMM_ROLES
        assert r["salesforce_profile"] in ref.SALESFORCE_PROFILES
        assert set(lst(r["super_user_permissions"])) <= set(ref.SUPER_USER_PERMISSIONS)
        assert set(lst(r["cvent_add_ons"])) <= set(ref.CVENT_ADD_ONS)
    for r in demo.rows["requests"]:
        assert r["kind"] in ref.REQUEST_KINDS
        assert set(lst(r["applications"])) <= set(ref.APPLICATIONS)
    assert {r["role"] for r in demo.rows["users"]} == set(ref.APP_ROLES)
    assert {r["kind"] for r in demo.rows["reference"]} == set(ref.REFERENCE_KINDS)


def test_demo_references_between_files_resolve(demo):
    contacts, lics = demo.contacts, demo.licenses
    for name in ("employments", "campaign_members", "course_completions", "licenses", "requests"):
        missing = [r["contact_id"] for r in demo.rows[name] if r["contact_id"] not in contacts]
        assert not missing, (name, missing[:3])
    assert all(r["license_number"] in lics for r in demo.rows["license_apps"])
    assert all(demo.apps[n] for n in lics), "a license without any application row"
    for r in demo.rows["requests"]:
        for c in ("license_number", "replaces_license"):
            assert r[c] == "" or r[c] in lics
    for r in lics.values():
        assert r["replaces_license"] == "" or r["replaces_license"] in lics
    users = {u["email"] for u in demo.rows["users"]}
    assert {r["submitted_by"] for r in demo.rows["requests"]} <= users
    for r in lics.values():
        assert r["ecomm_specialist"] in users
        assert set(lst(r["additional_specialists"])) <= users


def test_demo_units_groups_and_speedtypes_come_from_the_campus_lists(demo):
    """P11/P12: each value is on the campus's active list (reference.csv) or a fixed choice."""
    active = {(r["kind"], r["campus"], r["value"]) for r in demo.rows["reference"] if r["active"] == "true"}
    fixed_units, fixed_groups = set(ref.FIXED_BUSINESS_UNITS), set(ref.FIXED_PUBLIC_GROUPS)
    for name, campus_col in (("licenses", "affiliated_campus"), ("requests", "campus")):
        for r in demo.rows[name]:
            campus = r[campus_col]
            for u in lst(r["business_units"]):
                assert u in fixed_units or ("business_unit", campus, u) in active, (name, u)
            for g in lst(r["public_groups"]):
                assert g in fixed_groups or ("public_group", campus, g) in active, (name, g)
            if r["campus_speedtype"]:
                assert ("speedtype", r["billing_campus"], r["campus_speedtype"]) in active
            if r["unit_speedtypes"]:
                parts = [p.split(":") for p in lst(r["unit_speedtypes"])]
                assert sum(int(pct) for _, pct in parts) == 100, r["unit_speedtypes"]
                for st, _ in parts:
                    assert ("speedtype", r["billing_campus"], st) in active, (name, st)


def test_demo_reference_lists_are_campus_flavoured_and_exclude_fixed_choices(demo):
    rows = demo.rows["reference"]
    values = {(r["kind"], r["campus"], r["value"]) for r in rows}
    for expected in (("business_unit", "Anschutz", "CUA Advancement"),
                     ("public_group", "Anschutz", "02 College of Nursing"),
                     ("public_group", "Anschutz", "02 Alumni Relations"),
                     ("speedtype", "Anschutz", "61000342"), ("speedtype", "System", "510")):
        assert expected in values
    assert any(v.startswith("09 Adv Anschutz") for k, c, v in values if k == "public_group")
    for campus in ref.CAMPUSES:
        for kind in ("business_unit", "public_group", "speedtype"):   # the lists
            assert sum(1 for k, c, _ in values if k == kind and c == campus) >= 3, (campus, kind)
        # P17 (rev 2): one primary specialist per campus
        assert sum(1 for k, c, _ in values if k == "primary_specialist" and c == campus) == 1
        # P12 (rev 2): one default campus billing speedtype per campus
        assert sum(1 for k, c, _ in values
                   if k == "campus_billing_speedtype" and c == campus) == 1, campus
    fixed = set(ref.FIXED_BUSINESS_UNITS + ref.FIXED_PUBLIC_GROUPS + ref.FIXED_SPEEDTYPES)
    assert not fixed & {v for _, _, v in values}
    assert {r["active"] for r in rows} == {"true", "false"}


def test_demo_license_numbers_are_ln_and_at_least_four_digits_in_order(demo):
    numbers = [r["license_number"] for r in demo.rows["licenses"]]
    assert all(re.fullmatch(r"LN-\d{4,}", n) for n in numbers)
    assert sorted(int(n[3:]) for n in numbers) == list(range(1, len(numbers) + 1))
    assert "LN-0001" in numbers


def test_demo_rates_b2_billed_apps_and_free_ones_for_two_fiscal_years_marked_demo(demo):
    rates = {(int(r["fiscal_year"]), r["application"]): Decimal(r["monthly_rate"])
             for r in demo.rows["rates"]}
    for fy in (2026, 2027):  # AS_OF 2026-11-23 is in FY2027 (B1)
        for app in ref.APPLICATIONS:
            assert (fy, app) in rates
            assert rates[(fy, app)] == rates[(fy, app)].quantize(Decimal("0.01"))
        for app in (ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT):
            assert rates[(fy, app)] > 0
        for app in (ref.APSONA, ref.GEOPOINTE):
            assert rates[(fy, app)] == 0
    assert {r["is_demo"] for r in demo.rows["rates"]} == {"true"}
    assert {fy for fy, _ in rates} == {2026, 2027}


def test_demo_holidays_add_closures_beyond_the_federal_ones(demo):
    days = {d(r["date"]): r["name"] for r in demo.rows["holidays"]}
    assert date(2026, 11, 27) in days  # the day after Thanksgiving 2026
    assert date(2026, 12, 24) in days
    assert all(day.weekday() < 5 for day in days)


def test_demo_users_have_the_agreed_emails_roles_and_quiz_passes(demo):
    users = {u["email"]: u for u in demo.rows["users"]}
    assert users["sam.system@cu.edu"]["role"] == "system"
    assert users["sam.system@cu.edu"]["name"] == "Sam Rivera"
    assert users["morgan.manager@cu.edu"]["role"] == "manager"
    assert users["morgan.manager@cu.edu"]["name"] == "Morgan Lee"
    specialists = {
        "ecomm.anschutz@cuanschutz.edu": "Anschutz", "ecomm.boulder@colorado.edu": "Boulder",
        "ecomm.bouldadv@colorado.edu": "Boulder Advancement", "ecomm.denver@ucdenver.edu": "Denver",
        "ecomm.uccs@uccs.edu": "UCCS", "ecomm.system@cu.edu": "System",
    }
    for email, campus in specialists.items():
        u = users[email]
        assert (u["role"], u["campus"]) == ("specialist", campus)
        assert d(u["quiz_passed_on"]) < AS_OF - timedelta(days=60)
    new = users["new.specialist@colorado.edu"]
    assert (new["role"], new["campus"], new["quiz_passed_on"]) == ("specialist", "Boulder", "")
    assert len(users) == 9
