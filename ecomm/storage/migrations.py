"""Numbered schema migrations. A database file at an older version is upgraded on open.

Append new migrations at the end; never edit one that has shipped. Each is a list of SQL
statements (or a callable taking a cursor) run in one transaction with its version row.
"""
from __future__ import annotations

import json

from ecomm.storage.migration_steps import (  # noqa: F401  (re-exported)
    M001_CORE, M003_INDEXES, M004_NOTIFICATIONS, M005_ELIGIBILITY_INDEXES, M006_BILLING_WORKFLOW,
    M007_DATABASE_FACTS, Step, _m002_default_settings, _m004_seed_templates_and_mail_settings,
)


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
