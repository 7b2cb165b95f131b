"""Seed data for the request-service tests: plain SQL into a real DuckDB file."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.requests.models import Upload
from ecomm.requests.evidence import validate_upload
from ecomm.policy import Policy

PNG = b"\x89PNG\r\n\x1a\n" + b"transcript-bytes" * 8
# Monday 2026-11-23, 08:00 in Denver: cutoff 2026-11-30 -> cycle 2026-12, credentials 12-07.
NOW = datetime(2026, 11, 23, 15, 0)

SYSTEM = Identity(email="sys@cu.edu", name="Sam System", role="system")
BOULDER = Identity(email="spec.boulder@colorado.edu", name="Bo Ulder", role="specialist",
                   campus="Boulder", quiz_passed_on=date(2026, 4, 30))
DENVER = Identity(email="spec.denver@ucdenver.edu", name="Den Ver", role="specialist",
                  campus="Denver", quiz_passed_on=date(2026, 4, 30))
NO_QUIZ = Identity(email="new.boulder@colorado.edu", name="New Specialist", role="specialist",
                   campus="Boulder", quiz_passed_on=None)
MANAGER = Identity(email="boss@cu.edu", name="Mana Ger", role="manager")

REFERENCE = [  # kind, campus, value, active (P11: the campus's business units and groups)
    ("business_unit", "Boulder", "CUB Advancement", True),
    ("business_unit", "Boulder", "CUB Retired Unit", False),
    ("public_group", "Boulder", "01 Adv Boulder", True),
    ("business_unit", "Denver", "CUD Advancement", True),
    ("public_group", "Denver", "03 Adv Denver", True),
    # P12 (rev 2): each campus's default campus billing speedtype
    *(("campus_billing_speedtype", c, f"{c} - 510", True) for c in ref.CAMPUSES),
]
RATES_FY2027 = {ref.SALESFORCE: "30.00", ref.MARKETING_CLOUD: "20.00", ref.CVENT: "15.00"}


def upload(name: str = "transcript.png", data: bytes = PNG) -> Upload:
    return validate_upload(name, data, Policy())


def add_contact(store, contact_id, last, first, *, employee_id="100", ucb=None, ucd=None,
                employment: str | None = "Boulder", agreement=True,
                courses_on: date | None = date(2026, 10, 1), poi=False):
    store.write(lambda cur: _add_contact(cur, contact_id, last, first, employee_id, ucb, ucd,
                                         employment, agreement, courses_on, poi))


def _add_contact(cur, contact_id, last, first, employee_id, ucb, ucd, employment, agreement,
                 courses_on, poi):
    cur.execute("INSERT INTO contacts (contact_id, last_name, first_name, email, employee_id, "
                "ucb_email, ucd_email, poi) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [contact_id, last, first, f"{first.lower()}@gmail.com", employee_id, ucb, ucd, poi])
    if employment:
        cur.execute("INSERT INTO employments VALUES (?, ?, 'Active', DATE '2020-01-01', NULL, "
                    "'Advancement', 'Coordinator')", [contact_id, employment])
    if agreement:
        cur.execute("INSERT INTO campaign_members (contact_id, campaign, signed_at) VALUES (?, ?, "
                    "TIMESTAMP '2026-09-01 16:00:00')", [contact_id, ref.AGREEMENT_CAMPAIGN])
    if courses_on:
        for course in ref.COURSES:
            cur.execute("INSERT INTO course_completions VALUES (?, ?, ?)",
                        [contact_id, course, courses_on])


def add_license(store, number, contact_id, campus, apps, *, provisioned_on=date(2025, 12, 2),
                deprovisioned_on=None, additional=None, units=("CUB Advancement",),
                groups=("01 Adv Boulder",)):
    def fn(cur):
        cur.execute("INSERT INTO licenses (license_number, contact_id, affiliated_campus, "
                    "ecomm_specialist, additional_specialists, business_units, public_groups, "
                    "billing_campus) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [number, contact_id, campus, None, additional or [], list(units),
                     list(groups), campus])
        for app in apps:
            cur.execute("INSERT INTO license_apps (license_number, application, provisioned_on, "
                        "deprovisioned_on, net_new, last_login_on) "
                        "VALUES (?, ?, ?, ?, TRUE, DATE '2026-11-01')",
                        [number, app, provisioned_on, deprovisioned_on])
    store.write(fn)


def seed(store):
    """Users, FY2027 rates, reference values (P11) and a handful of contacts and licenses."""
    def fn(cur):
        for who in (SYSTEM, BOULDER, DENVER, NO_QUIZ, MANAGER):
            cur.execute("INSERT INTO app_users VALUES (?, ?, ?, ?, ?, TRUE)",
                        [who.email, who.name, who.role, who.campus, who.quiz_passed_on])
        for app, rate in RATES_FY2027.items():
            cur.execute("INSERT INTO rates VALUES (2027, ?, ?, FALSE)", [app, rate])
        cur.executemany("INSERT INTO reference_values (kind, campus, value, label, active) "
                        "VALUES (?, ?, ?, NULL, ?)", [list(r) for r in REFERENCE])
    store.write(fn)
    seed_people(store)


def seed_people(store) -> None:
    """Five contacts: C-ELIG (ready at Boulder), C-BAD (P1, P4, P5 fail), C-USER (LN-0776:
    Salesforce, Marketing Cloud, Cvent), C-GONE (LN-0900, deprovisioned: replaceable), C-DEN
    (Denver, LN-0100)."""
    # Eligible Boulder contact.
    add_contact(store, "C-ELIG", "Ready", "Rita", employee_id="111", ucb="rita.ready@colorado.edu")
    # Ineligible: no UCB Email (P1), no agreement (P4), courses out of date (P5).
    add_contact(store, "C-BAD", "Notyet", "Ned", employee_id="222", ucb=None, agreement=False,
                courses_on=date(2023, 1, 10))
    # A licensed Boulder user.
    add_contact(store, "C-USER", "Holder", "Hana", employee_id="333", ucb="hana@colorado.edu")
    add_license(store, "LN-0776", "C-USER", "Boulder",
                [ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT])
    # A departed Boulder user whose license can be taken over (P10).
    add_contact(store, "C-GONE", "Left", "Lee", employee_id="444", ucb="lee@colorado.edu",
                employment=None)
    add_license(store, "LN-0900", "C-GONE", "Boulder", [ref.SALESFORCE],
                deprovisioned_on=date(2026, 10, 31))
    # A Denver user.
    add_contact(store, "C-DEN", "Mile", "Dana", employee_id="555", ucd="dana@ucdenver.edu",
                employment="Denver")
    add_license(store, "LN-0100", "C-DEN", "Denver", [ref.SALESFORCE, ref.CVENT],
                units=("CUD Advancement",), groups=("03 Adv Denver",))


def draft(campus="Boulder", apps=(ref.SALESFORCE, ref.MARKETING_CLOUD), **kw) -> dict:
    d = {"campus": campus, "applications": list(apps), "business_units": ["CUB Advancement"],
         "public_groups": ["01 Adv Boulder"],
         "course_privacy_awareness_on": date(2026, 10, 1),
         "course_it_providers_on": date(2026, 10, 1), "course_pci_on": date(2026, 10, 1)}
    d.update(kw)
    return d


def count(store, table: str) -> int:
    assert table.isidentifier()
    return store.query_value(f"SELECT count(*) FROM {table}")


def uploaded_files(store) -> list:
    root = store.path.parent / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
