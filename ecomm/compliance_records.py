"""Compliance records (System team, A2): record one quiz pass (Q1, lifts "not a sender"), and
import quiz passes (Q1) and last-login dates (Q2) from CSV files, all or nothing.

The service checks the permission and parses the file (``ecomm.compliance_csv``); the writes
and their audit entries (A4) are one transaction in ``ecomm.storage.compliance``.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ecomm import compliance_csv, permissions
from ecomm.identity import Identity
from ecomm.notifications import outbox
from ecomm.storage import compliance as compliance_sql
from ecomm.storage.compliance import ImportSummary

__all__ = ["ImportSummary", "import_logins", "import_quiz_passes", "record_quiz_pass"]


def _quiz_passed_message(cur, license_number: str, passed_on: date) -> int:
    """Q1: the user is told their quiz pass was recorded (specialists cc'd), in the same write."""
    return outbox.queue_quiz_passed(cur, license_number, passed_on)


def record_quiz_pass(store, license_number: str, passed_on: date, actor: Identity,
                     *, notify: bool = True) -> bool:
    """Q1: record a quiz pass (lifts 'not a sender'); audited; the user is told (specialist cc'd).
    Returns False when the license already had exactly this pass."""
    permissions.require_system(actor, "record quiz passes")
    return compliance_sql.write_quiz_pass(
        store, license_number.strip().upper(), passed_on, actor.email,
        _quiz_passed_message if notify else None)


def import_quiz_passes(store, source: str | Path | bytes, actor: Identity, *,
                       filename: str | None = None, notify: bool = True) -> ImportSummary:
    """Q1: import a CSV of license_number,quiz_passed_on (all-or-nothing, audited per license);
    users whose first pass this is get the quiz-passed message."""
    permissions.require_system(actor, "import quiz passes")
    name, text = compliance_csv.read_source(source, filename)
    rows = compliance_csv.parse_quiz_passes(name, text)
    return compliance_sql.write_quiz_passes(store, name, rows, actor.email,
                                            _quiz_passed_message if notify else None)


def import_logins(store, source: str | Path | bytes, actor: Identity, *,
                  filename: str | None = None) -> ImportSummary:
    """Q2: import a CSV of license_number,application,last_login_on (all-or-nothing, audited).

    Each row sets the last login of that application on the license: the row currently held,
    else the most recently provisioned one."""
    permissions.require_system(actor, "import logins")
    name, text = compliance_csv.read_source(source, filename)
    rows = compliance_csv.parse_logins(name, text)
    return compliance_sql.write_logins(store, name, rows, actor.email)
