"""Migrations 1-7: the core schema, its indexes, default settings and templates (SQL steps).

Shipped steps: never edit one. ``ecomm.storage.migrations`` lists them in order.
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
