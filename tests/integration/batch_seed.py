"""Seed for the batch tests: real requests submitted through the request services (so they are
stored exactly as the form stores them) on top of ``requests_fixtures.seed``."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.requests import submit_deprovision, submit_provision
from tests.integration.requests_fixtures import (BOULDER, DENVER, NOW, add_contact, draft, seed,
                                                 upload)

CYCLE = "2026-12"                         # submissions of NOW (2026-11-23) join it
ON = date(2026, 12, 1)                    # its first processing day (Tuesday)
PROCESS_AT = datetime(2026, 12, 1, 16)    # 09:00 Denver on that day
BEFORE = datetime(2026, 11, 30, 16)       # the day before: too early to process


def provision(store, actor, contact_id, *, now=NOW, **kw) -> str:
    return submit_provision(store, actor, contact_id, draft(**kw), [upload()],
                            now_utc=now).request_id


def seed_cycle(store) -> dict[str, str]:
    """Five requests of cycle 2026-12: a new user, one whose PCI course lapses on Nov 30 (held
    at the batch, C3), a transfer (P10), an extension of a Denver license, and a deprovisioning
    of Salesforce (removed at once, C4) and Cvent (in the batch)."""
    seed(store)
    ids = {"new": provision(store, BOULDER, "C-ELIG")}
    # PCI (365 days) completed 2025-12-01: valid through 2026-11-30, out of date on Dec 1
    # (on the request and in the contact's records: P5 counts the later of the two).
    add_contact(store, "C-LAPSE", "Lapse", "Lara", employee_id="666", ucb="lara@colorado.edu",
                courses_on=date(2025, 12, 1))
    ids["lapse"] = provision(store, BOULDER, "C-LAPSE", course_pci_on=date(2025, 12, 1))
    add_contact(store, "C-NEXT", "Next", "Nia", employee_id="777", ucb="nia@colorado.edu")
    # rev 2: LN-0900 held Salesforce only, so the transfer asks for Salesforce only (P10)
    ids["transfer"] = provision(store, BOULDER, "C-NEXT", replaces_license="LN-0900",
                                apps=(ref.SALESFORCE,))
    ids["extend"] = provision(store, DENVER, "C-DEN", campus="Denver",
                              apps=(ref.MARKETING_CLOUD,), business_units=["CUD Advancement"],
                              public_groups=["03 Adv Denver"])
    ids["deprov"] = submit_deprovision(store, BOULDER, "LN-0776", [ref.SALESFORCE, ref.CVENT],
                                       now_utc=NOW).request_id
    return ids


def snapshot(store) -> dict[str, list]:
    """Every row of every table (sorted), to prove that something changed nothing."""
    tables = [r[0] for r in store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "ORDER BY table_name")]
    return {t: sorted(map(repr, store.query(f'SELECT * FROM "{t}"'))) for t in tables}
