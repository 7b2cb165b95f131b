"""Numbered schema migrations. A database file at an older version is upgraded on open.

Append new migrations at the end; never edit one that has shipped. Each is a list of SQL
statements (or a callable taking a cursor) run in one transaction with its version row.
"""
from __future__ import annotations

import json
from typing import Callable, Union

Step = Union[str, Callable]

M001_CORE: list[Step] = [
    # -- people and their records ------------------------------------------------------
    """CREATE TABLE contacts (
        contact_id VARCHAR PRIMARY KEY,
        last_name VARCHAR NOT NULL,
        first_name VARCHAR,
        email VARCHAR,
        employee_id VARCHAR,
        ucb_email VARCHAR,
        ucd_email VARCHAR,
        anschutz_email VARCHAR,
        uccs_email VARCHAR,
        cu_system_email VARCHAR,
        poi BOOLEAN NOT NULL DEFAULT FALSE,
        poi_active BOOLEAN
    )""",
    """CREATE TABLE employments (
        contact_id VARCHAR NOT NULL,
        campus VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        start_date DATE,
        end_date DATE,
        department VARCHAR,
        title VARCHAR
    )""",
    """CREATE TABLE campaign_members (
        contact_id VARCHAR NOT NULL,
        campaign VARCHAR NOT NULL,
        signed_at TIMESTAMP,          -- UTC
        added_by VARCHAR,
        reason VARCHAR,
        PRIMARY KEY (contact_id, campaign)
    )""",
    """CREATE TABLE course_completions (
        contact_id VARCHAR NOT NULL,
        course VARCHAR NOT NULL,
        completed_on DATE NOT NULL,
        PRIMARY KEY (contact_id, course, completed_on)
    )""",
    # -- licenses ---------------------------------------------------------------------
    """CREATE TABLE licenses (
        license_number VARCHAR PRIMARY KEY,
        contact_id VARCHAR NOT NULL,
        affiliated_campus VARCHAR NOT NULL,
        ecomm_specialist VARCHAR,
        additional_specialists VARCHAR[],
        ecomm_role VARCHAR NOT NULL DEFAULT 'User',
        salesforce_profile VARCHAR NOT NULL DEFAULT 'Standard',
        not_a_sender BOOLEAN NOT NULL DEFAULT FALSE,
        quiz_passed_on DATE,
        business_units VARCHAR[],
        public_groups VARCHAR[],
        billing_campus VARCHAR,
        campus_speedtype VARCHAR,
        unit_speedtypes VARCHAR,       -- canonical text '61000342:20;61000530:80'
        speedtype_notes VARCHAR,
        super_user_permissions VARCHAR[],
        cvent_add_ons VARCHAR[],
        replaces_license VARCHAR
    )""",
    """CREATE TABLE license_apps (
        license_number VARCHAR NOT NULL,
        application VARCHAR NOT NULL,
        provisioned_on DATE NOT NULL,
        deprovisioned_on DATE,
        net_new BOOLEAN NOT NULL DEFAULT FALSE,
        last_login_on DATE,
        PRIMARY KEY (license_number, application, provisioned_on)
    )""",
    # -- requests ---------------------------------------------------------------------
    """CREATE SEQUENCE request_seq START 1""",
    """CREATE TABLE requests (
        request_id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,                 -- provision | deprovision | change_groups
        contact_id VARCHAR NOT NULL,
        campus VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL,       -- UTC
        submitted_by VARCHAR NOT NULL,
        applications VARCHAR[],
        license_number VARCHAR,
        ecomm_role VARCHAR,
        salesforce_profile VARCHAR,
        replaces_license VARCHAR,
        ecomm_specialist VARCHAR,
        additional_specialists VARCHAR[],
        business_units VARCHAR[],
        public_groups VARCHAR[],
        new_public_group VARCHAR,
        remove_business_units VARCHAR[],
        remove_public_groups VARCHAR[],
        billing_campus VARCHAR,
        campus_speedtype VARCHAR,
        unit_speedtypes VARCHAR,
        speedtype_notes VARCHAR,
        super_user_permissions VARCHAR[],
        cvent_add_ons VARCHAR[],
        course_privacy_awareness_on DATE,
        course_it_providers_on DATE,
        course_pci_on DATE,
        notes VARCHAR,
        status VARCHAR NOT NULL DEFAULT 'pending',  -- pending | held | processed | completed | cancelled
        cycle VARCHAR,                          -- 'YYYY-MM' of the batch it joins
        held_reasons VARCHAR[],
        processed_at TIMESTAMP,
        salesforce_removed_on DATE              -- C4: Salesforce removed at submission
    )""",
    """CREATE TABLE request_status_history (
        request_id VARCHAR NOT NULL,
        happened_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        note VARCHAR
    )""",
    """CREATE TABLE evidence_files (
        file_id VARCHAR PRIMARY KEY,
        request_id VARCHAR,
        license_number VARCHAR,
        original_name VARCHAR NOT NULL,
        stored_name VARCHAR NOT NULL,
        content_type VARCHAR NOT NULL,
        size_bytes BIGINT NOT NULL,
        sha256 VARCHAR NOT NULL,
        uploaded_at TIMESTAMP NOT NULL,
        uploaded_by VARCHAR NOT NULL
    )""",
    # -- the monthly cycle ------------------------------------------------------------
    """CREATE TABLE cycles (
        cycle VARCHAR PRIMARY KEY,             -- 'YYYY-MM' of the processing month
        credentials_date DATE,                 -- C2 override set by the System team
        set_by VARCHAR,
        set_at TIMESTAMP
    )""",
    """CREATE TABLE batches (
        cycle VARCHAR PRIMARY KEY,
        processed_on DATE NOT NULL,
        processed_at TIMESTAMP NOT NULL,
        processed_by VARCHAR NOT NULL,
        summary VARCHAR NOT NULL               -- JSON
    )""",
    # -- billing ----------------------------------------------------------------------
    """CREATE TABLE rates (
        fiscal_year INTEGER NOT NULL,
        application VARCHAR NOT NULL,
        monthly_rate DECIMAL(12, 2) NOT NULL,
        is_demo BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (fiscal_year, application)
    )""",
    """CREATE TABLE baselines (
        fiscal_year INTEGER NOT NULL,
        campus VARCHAR NOT NULL,
        application VARCHAR NOT NULL,
        license_count INTEGER NOT NULL,
        captured_at TIMESTAMP NOT NULL,
        captured_by VARCHAR NOT NULL,
        reason VARCHAR,
        PRIMARY KEY (fiscal_year, campus, application)
    )""",
    """CREATE TABLE invoices (
        invoice_id VARCHAR PRIMARY KEY,
        fiscal_year INTEGER NOT NULL,
        kind VARCHAR NOT NULL,                 -- annual | january | june
        campus VARCHAR NOT NULL,
        invoice_group VARCHAR NOT NULL,        -- salesforce_marketing_cloud | cvent
        revision INTEGER NOT NULL DEFAULT 1,
        corrects_invoice_id VARCHAR,
        status VARCHAR NOT NULL,               -- draft | in_review | approved | billed
        as_of DATE NOT NULL,
        campus_speedtype VARCHAR,
        total DECIMAL(14, 2) NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE invoice_lines (
        invoice_id VARCHAR NOT NULL,
        line_no INTEGER NOT NULL,
        license_number VARCHAR NOT NULL,
        user_name VARCHAR NOT NULL,
        licenses_held VARCHAR NOT NULL,
        charges VARCHAR NOT NULL,              -- JSON: [{application, monthly_rate, months, amount}]
        line_total DECIMAL(14, 2) NOT NULL,
        unit_speedtypes VARCHAR,
        PRIMARY KEY (invoice_id, line_no)
    )""",
    """CREATE TABLE invoice_events (
        invoice_id VARCHAR NOT NULL,
        happened_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        note VARCHAR
    )""",
    # -- reference data, people who use the app, settings -----------------------------
    """CREATE TABLE reference_values (
        kind VARCHAR NOT NULL,                 -- business_unit | public_group | speedtype
        campus VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        label VARCHAR,
        active BOOLEAN NOT NULL DEFAULT TRUE,
        PRIMARY KEY (kind, campus, value)
    )""",
    """CREATE TABLE app_users (
        email VARCHAR PRIMARY KEY,             -- lower case
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,                 -- specialist | system | manager
        campus VARCHAR,
        quiz_passed_on DATE,
        active BOOLEAN NOT NULL DEFAULT TRUE
    )""",
    """CREATE TABLE settings (
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL,                -- JSON
        updated_at TIMESTAMP,
        updated_by VARCHAR
    )""",
    """CREATE TABLE extra_holidays (
        date DATE PRIMARY KEY,
        name VARCHAR
    )""",
    # -- audit (A4) -------------------------------------------------------------------
    """CREATE SEQUENCE audit_seq START 1""",
    """CREATE TABLE audit_log (
        audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
        happened_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        entity_id VARCHAR,
        campus VARCHAR,
        before VARCHAR,                        -- JSON
        after VARCHAR,                         -- JSON
        detail VARCHAR
    )""",
]


def _m002_default_settings(cur) -> None:
    """Seed every Policy value of rules.md with its default."""
    from ecomm.policy import SETTINGS

    for spec in SETTINGS:
        cur.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by) "
            "VALUES (?, ?, NULL, 'migration') ON CONFLICT (key) DO NOTHING",
            [spec.key, json.dumps(spec.default)],
        )


M003_INDEXES: list[Step] = [
    "CREATE INDEX idx_employments_contact ON employments (contact_id)",
    "CREATE INDEX idx_licenses_contact ON licenses (contact_id)",
    "CREATE INDEX idx_requests_contact ON requests (contact_id)",
    "CREATE INDEX idx_requests_status ON requests (status, cycle)",
    "CREATE INDEX idx_contacts_employee ON contacts (employee_id)",
]

def _m004_seed_templates_and_mail_settings(cur) -> None:
    """Default wording of every message template; the smtp_* settings (empty = not configured)."""
    from ecomm.notifications.templates import TEMPLATES
    from ecomm.policy import SETTINGS_BY_KEY

    for t in TEMPLATES.values():
        cur.execute(
            "INSERT INTO message_templates (key, subject, body, updated_at, updated_by) "
            "VALUES (?, ?, ?, NULL, 'migration') ON CONFLICT (key) DO NOTHING",
            [t.key, t.subject, t.body],
        )
    for key in ("smtp_host", "smtp_port", "smtp_from", "smtp_starttls"):
        cur.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by) "
            "VALUES (?, ?, NULL, 'migration') ON CONFLICT (key) DO NOTHING",
            [key, json.dumps(SETTINGS_BY_KEY[key].default)],
        )


M004_NOTIFICATIONS: list[Step] = [
    """CREATE TABLE message_templates (
        key VARCHAR PRIMARY KEY,
        subject VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        updated_at TIMESTAMP,                  -- UTC
        updated_by VARCHAR
    )""",
    "CREATE SEQUENCE outbox_seq START 1",
    """CREATE TABLE outbox (
        message_id BIGINT PRIMARY KEY,
        dedup_key VARCHAR NOT NULL UNIQUE,     -- e.g. 'credentials:LN-0123:2026-12'
        template_key VARCHAR NOT NULL,
        to_addrs VARCHAR[] NOT NULL,
        cc_addrs VARCHAR[],
        subject VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,         -- UTC
        sent_at TIMESTAMP,                     -- UTC; NULL while waiting in the outbox
        error VARCHAR                          -- last delivery failure
    )""",
    _m004_seed_templates_and_mail_settings,
]

M005_ELIGIBILITY_INDEXES: list[Step] = [
    # one contact's eligibility facts (P4, P5, P7, P10, P13) by point lookups
    "CREATE INDEX idx_course_completions_contact ON course_completions (contact_id)",
    "CREATE INDEX idx_campaign_members_contact ON campaign_members (contact_id)",
    "CREATE INDEX idx_license_apps_license ON license_apps (license_number)",
    "CREATE INDEX idx_contacts_last_name_lower ON contacts (lower(last_name))",
    "CREATE INDEX idx_requests_license ON requests (license_number)",
]

M006_BILLING_WORKFLOW: list[Step] = [
    # B4/B8: what a stored invoice needs to be read back exactly (speedtypes, correction reason)
    "ALTER TABLE invoices ADD COLUMN other_campus_speedtypes VARCHAR[]",
    "ALTER TABLE invoices ADD COLUMN note VARCHAR",
    "ALTER TABLE invoice_lines ADD COLUMN campus_speedtype VARCHAR",
    "CREATE INDEX idx_invoices_run ON invoices (fiscal_year, kind, campus)",
    # B6: a specialist's decision on one net-new candidate (latest decision; history in audit)
    """CREATE TABLE net_new_reviews (
        fiscal_year INTEGER NOT NULL,
        kind VARCHAR NOT NULL,                 -- january | june
        license_number VARCHAR NOT NULL,
        application VARCHAR NOT NULL,
        provisioned_on DATE NOT NULL,
        campus VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,             -- confirm | correct
        net_new BOOLEAN NOT NULL,
        reason VARCHAR,
        reviewed_by VARCHAR NOT NULL,
        reviewed_at TIMESTAMP NOT NULL,        -- UTC
        PRIMARY KEY (fiscal_year, kind, license_number, application, provisioned_on)
    )""",
    # B6: the System team captured a campus's reviewed list (reviews closed)
    """CREATE TABLE net_new_captures (
        fiscal_year INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        campus VARCHAR NOT NULL,
        captured_at TIMESTAMP NOT NULL,        -- UTC
        captured_by VARCHAR NOT NULL,
        PRIMARY KEY (fiscal_year, kind, campus)
    )""",
]

M007_DATABASE_FACTS: list[Step] = [
    # facts about the database itself (key -> text), e.g. the practice date of a demo database
    """CREATE TABLE database_facts (
        key VARCHAR PRIMARY KEY,
        value VARCHAR NOT NULL,
        set_at TIMESTAMP NOT NULL,             -- UTC
        set_by VARCHAR NOT NULL
    )""",
]


def _m008_fill_open_keys(cur) -> None:
    from ecomm.storage.open_requests import fill_missing
    fill_missing(cur)


def _m009_index(cur) -> None:
    from ecomm.storage.open_requests import INDEX_SQL
    cur.execute(INDEX_SQL)


# P7, C4, C5: identical waiting requests are refused by a unique index on the open key (of
# duplicates already waiting, the oldest holds the key; the others stay for a specialist to
# cancel). Note: DuckDB refuses DROP/RENAME COLUMN on an indexed table: drop the index first.
# DuckDB creates no index in a transaction that updated the table: the index is migration 9.
M008_OPEN_REQUEST_KEY: list[Step] = [
    "ALTER TABLE requests ADD COLUMN open_key VARCHAR",
    _m008_fill_open_keys,
]
M009_OPEN_REQUEST_INDEX: list[Step] = [_m009_index]


M010_JOB_RUNS: list[Step] = [
    # the scheduled jobs run in the app's process (ecomm.jobs): every run, its outcome and time
    "CREATE SEQUENCE job_runs_seq",
    """CREATE TABLE job_runs (
        run_id BIGINT PRIMARY KEY,
        job VARCHAR NOT NULL,                  -- daily_messages | nightly_backup | cycle_reminders
        trigger VARCHAR NOT NULL,              -- schedule | catch-up | manual
        slot TIMESTAMP,                        -- UTC: the scheduled moment it ran for (NULL: manual)
        started_at TIMESTAMP NOT NULL,         -- UTC
        finished_at TIMESTAMP,                 -- UTC; NULL while running
        outcome VARCHAR NOT NULL,              -- running | ok | failed | interrupted
        detail VARCHAR,                        -- what it did, or why it failed
        actor VARCHAR NOT NULL                 -- who started it (the scheduler or a person)
    )""",
    "CREATE INDEX idx_job_runs_job ON job_runs (job, started_at)",
]


# B10 seats and the Q5 June review (rules revision 2)
M011_SEATS_JUNE_REVIEW: list[Step] = [
    # B10: seats purchased per application and fiscal year, and their cost
    """CREATE TABLE seats (
        fiscal_year INTEGER NOT NULL,
        application VARCHAR NOT NULL,
        purchased INTEGER NOT NULL,
        cost DECIMAL(14, 2),
        contract_end DATE,
        notes VARCHAR,
        PRIMARY KEY (fiscal_year, application)
    )""",
    # Q5: a specialist's decision on one active license in a year's June review
    """CREATE TABLE june_reviews (
        review_year INTEGER NOT NULL,          -- the calendar year of the June
        license_number VARCHAR NOT NULL,
        campus VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,             -- keep | remove
        request_id VARCHAR,                    -- the deprovisioning request of a removal
        reason VARCHAR,
        decided_by VARCHAR NOT NULL,
        decided_at TIMESTAMP NOT NULL,         -- UTC
        PRIMARY KEY (review_year, license_number)
    )""",
]


def _m012_fill_specialists(cur) -> None:
    """P17: licenses that name no eComm specialist get their campus's primary specialist
    (audited; a campus with no specialist at all is left: the System team receives its
    messages)."""
    from ecomm.storage import audit
    from ecomm.storage.specialists import fill_missing_specialists

    filled = fill_missing_specialists(cur)
    if filled:
        audit.record(cur, actor="migration", action="fill_specialists", entity="license",
                     entity_id=None, after={"licenses": len(filled)},
                     detail=f"P17: {len(filled)} license(s) without an eComm specialist now "
                            "name their campus's primary specialist")


M012_LICENSE_LIFE: list[Step] = [
    # P15: a change request's upgrade from Chatter Free to a full Salesforce license
    "ALTER TABLE requests ADD COLUMN salesforce_upgrade BOOLEAN",
    # C7: what the System team must prepare before a request's batch (one task per request)
    """CREATE TABLE system_tasks (
        request_id VARCHAR PRIMARY KEY,
        campus VARCHAR NOT NULL,
        cycle VARCHAR,                         -- 'YYYY-MM' of the request's batch; NULL off-cycle
        reasons VARCHAR[] NOT NULL,            -- new_mec | super_user | new_public_group | new_speedtype
        detail VARCHAR,
        opened_at TIMESTAMP NOT NULL,          -- UTC
        opened_by VARCHAR NOT NULL,
        closed_at TIMESTAMP,                   -- UTC; NULL while open
        closed_by VARCHAR,
        close_note VARCHAR
    )""",
    _m012_fill_specialists,
]


def _m013_fill_campus_speedtypes(cur) -> None:
    """P12 (rev 2): every license has a campus billing speedtype: fill the missing ones from
    the billing campus's default (reference kind ``campus_billing_speedtype``), else the
    affiliated campus's; what cannot be filled is listed for the System team
    (``ecomm.storage.speedtypes.licenses_without_speedtype``) and in the audit log."""
    cur.execute("""
        UPDATE licenses SET campus_speedtype = d.value
        FROM (SELECT campus, min(value) AS value FROM reference_values
              WHERE kind = 'campus_billing_speedtype' AND active GROUP BY campus) d
        WHERE nullif(trim(coalesce(licenses.campus_speedtype, '')), '') IS NULL
          AND d.campus = coalesce(nullif(trim(licenses.billing_campus), ''),
                                  licenses.affiliated_campus)""")
    left = [r[0] for r in cur.execute(
        "SELECT license_number FROM licenses WHERE nullif(trim(coalesce(campus_speedtype, "
        "'')), '') IS NULL ORDER BY license_number").fetchall()]
    if left:
        from ecomm import clock
        cur.execute(
            "INSERT INTO audit_log (happened_at, actor, action, entity, entity_id, detail) "
            "VALUES (?, 'migration', 'p12_speedtypes_missing', 'license', NULL, ?)",
            [clock.now_utc(), json.dumps({"rule": "P12",
                                          "licenses_without_campus_speedtype": left})])


M013_TRANSFERS_AND_SPEEDTYPES: list[Step] = [
    # P10/B5 (rev 2): the license a transfer row continues (NULL: net new, or not recorded)
    "ALTER TABLE license_apps ADD COLUMN transfer_from VARCHAR",
    # P10 (rev 2): the applications a request takes as transfers, decided at submission
    "ALTER TABLE requests ADD COLUMN transfer_apps VARCHAR[]",
    _m013_fill_campus_speedtypes,
]

# (version, description, steps)
MIGRATIONS: list[tuple[int, str, list[Step]]] = [
    (1, "core schema: people, licenses, requests, cycles, billing, reference, audit", M001_CORE),
    (2, "default Policy settings", [_m002_default_settings]),
    (3, "lookup indexes", M003_INDEXES),
    (4, "notifications: message templates, outbox, mail settings", M004_NOTIFICATIONS),
    (5, "eligibility lookup indexes (contact facts, duplicates)", M005_ELIGIBILITY_INDEXES),
    (6, "billing workflow: stored invoice details, net-new reviews and captures", M006_BILLING_WORKFLOW),
    (7, "database facts: the demo's practice date", M007_DATABASE_FACTS),
    (8, "one waiting request per thing: requests.open_key and its unique index (P7, C5)",
     M008_OPEN_REQUEST_KEY),
    (9, "the unique index on waiting requests' open keys (P7, C5)", M009_OPEN_REQUEST_INDEX),
    (10, "scheduled jobs: their runs and outcomes", M010_JOB_RUNS),
    (11, "seats per application and fiscal year (B10); June review decisions (Q5)",
     M011_SEATS_JUNE_REVIEW),
    (12, "license life (rev 2): change requests, System team tasks, a specialist on every license",
     M012_LICENSE_LIFE),
    (13, "rules revision 2 billing: transfers per application, campus billing speedtypes",
     M013_TRANSFERS_AND_SPEEDTYPES),
]

LATEST_VERSION = MIGRATIONS[-1][0]
