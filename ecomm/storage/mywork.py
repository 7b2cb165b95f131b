"""SQL for "My work" (Home) and the messages about it: returned invoices with their reasons,
the audit entries since a person's last visit, the last visit itself, and who to tell."""
from __future__ import annotations

from datetime import datetime

from ecomm.storage import facts

LAST_VISIT = "last_visit:"   # database_facts key prefix: last_visit:<email> -> ISO UTC time

# B8: an invoice is "returned" while it is a draft whose latest step is a return (drafting
# it again or sending it again ends that); the reason is the return's note.
_RETURNED = """
WITH latest AS (
    SELECT entity_id, action, detail, actor, happened_at,
           row_number() OVER (PARTITION BY entity_id
                              ORDER BY happened_at DESC, audit_id DESC) AS rn
    FROM audit_log WHERE entity = 'invoice' AND entity_id IN (
        SELECT invoice_id FROM invoices WHERE status = 'draft'))
SELECT i.invoice_id, i.campus, i.fiscal_year, i.kind, i.invoice_group AS "group",
       l.detail AS reason, l.actor AS returned_by, l.happened_at AS returned_at
FROM invoices i JOIN latest l ON l.entity_id = i.invoice_id AND l.rn = 1
WHERE i.status = 'draft' AND l.action = 'return'
  AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], i.campus))
ORDER BY l.happened_at, i.invoice_id
"""


def returned_invoices(reader, campuses: list[str] | None = None) -> list[dict]:
    """B8: draft invoices returned by a campus (or the System team) and not drafted or sent
    again: invoice_id, campus, fiscal_year, kind, group, reason, returned_by, returned_at."""
    return reader.query_dicts(_RETURNED, [campuses, campuses])


def changes_since(reader, since: datetime | None, until: datetime,
                  campuses: list[str] | None = None) -> list[dict]:
    """A4: the audit entries after ``since`` (naive UTC; None: every entry) up to ``until``,
    counted per kind of record and action, most first: entity, action, n, latest."""
    return reader.query_dicts(
        "SELECT entity, action, count(*) AS n, max(happened_at) AS latest FROM audit_log "
        "WHERE (?::TIMESTAMP IS NULL OR happened_at > ?) AND happened_at <= ? "
        "AND (?::VARCHAR[] IS NULL OR campus IS NULL OR list_contains(?::VARCHAR[], campus)) "
        "GROUP BY entity, action ORDER BY n DESC, entity, action",
        [since, since, until, campuses, campuses])


def invoices_changed_since(reader, since: datetime | None, until: datetime) -> list[dict]:
    """A4/B8: the invoices with an audited step after ``since`` (None: ever) up to ``until``,
    per status now: status, n, total (Decimal, the invoices' totals added up)."""
    return reader.query_dicts(
        "SELECT i.status, count(*) AS n, sum(i.total) AS total FROM invoices i "
        "WHERE i.invoice_id IN (SELECT entity_id FROM audit_log WHERE entity = 'invoice' "
        "AND (?::TIMESTAMP IS NULL OR happened_at > ?) AND happened_at <= ?) "
        "GROUP BY i.status ORDER BY i.status", [since, since, until])


def last_visit(store, email: str) -> datetime | None:
    """When this person last opened Home (naive UTC), or None."""
    value = facts.get_fact(store, LAST_VISIT + email.lower())
    return datetime.fromisoformat(value) if value else None


def set_last_visit(cur, email: str, at: datetime) -> None:
    facts.set_fact(cur, LAST_VISIT + email.lower(), at.isoformat(), at=at, by=email.lower())


def active_users(reader, role: str, campus: str | None = None) -> list[str]:
    """The emails of active app users of a role (and campus, when given)."""
    return [r["email"] for r in reader.query_dicts(
        "SELECT email FROM app_users WHERE active AND role = ? "
        "AND (?::VARCHAR IS NULL OR campus = ?) ORDER BY email", [role, campus, campus])]


def active_people(reader) -> list[dict]:
    """Every active app user: email, name, role, campus, quiz_passed_on, active."""
    return reader.query_dicts(
        "SELECT email, name, role, campus, quiz_passed_on, active FROM app_users "
        "WHERE active ORDER BY role, campus, email")
