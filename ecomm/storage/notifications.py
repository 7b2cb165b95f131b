"""Message templates, the outbox and mail settings in the database (SQL of ecomm.notifications).

``queue_message``/``queue_messages`` run inside the caller's write transaction and record a
message only when its ``dedup_key`` is new, so re-running a batch or a daily job never
queues the same message twice.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pandas as pd

from ecomm import reference as ref
from ecomm.clock import now_utc
from ecomm.errors import EcommError, NotFound
from ecomm.notifications.models import NewMessage, OutboxMessage, SmtpSettings, clean_addresses
from ecomm.notifications.templates import TEMPLATES, render
from ecomm.policy import SETTINGS_BY_KEY
from ecomm.storage import audit

OUTBOX_COLUMNS = ("message_id, dedup_key, template_key, to_addrs, cc_addrs, subject, body, "
                  "created_at, sent_at, error")

# Q1/Q3 catch-up (the policy: ecomm.notifications.catchup; this is its only implementation,
# on the dedup keys catchup's *_key functions make): an unsent compliance message is superseded
# once a later stage of its series is in the outbox (a quiz reminder's stage is its day, the
# overdue warning comes after every reminder day; a course's re-take reminder comes before its
# non-compliant notice), or (Q1) once its license's quiz-passed message was queued after it.
# Superseded messages are never sent and leave the unsent list. Window functions, so a long
# outbox stays one pass.
OUTBOX_WITH_STATE = """
    WITH k AS (
        SELECT o.*,
               CASE WHEN NOT starts_with(dedup_key, template_key || ':') THEN NULL
                    WHEN template_key IN ('quiz_reminder', 'quiz_overdue')
                        THEN 'quiz:' || split_part(dedup_key, ':', 2) || ':'
                             || split_part(dedup_key, ':', 3)
                    WHEN template_key IN ('course_retake', 'course_non_compliant')
                        THEN 'course:' || substr(dedup_key, strpos(dedup_key, ':') + 1)
               END AS series,
               CASE template_key
                    WHEN 'quiz_reminder' THEN TRY_CAST(split_part(dedup_key, ':', 4) AS INTEGER)
                    WHEN 'quiz_overdue' THEN 1000000
                    WHEN 'course_retake' THEN 1
                    WHEN 'course_non_compliant' THEN 2
               END AS stage,
               CASE WHEN template_key IN ('quiz_reminder', 'quiz_overdue')
                    THEN split_part(dedup_key, ':', 2) END AS quiz_license
        FROM outbox o
    ), passes AS (
        SELECT split_part(dedup_key, ':', 2) AS license, max(message_id) AS last_pass
        FROM outbox WHERE template_key = 'quiz_passed' GROUP BY 1
    ), outbox_state AS (
        SELECT k.*, coalesce(k.sent_at IS NULL AND k.series IS NOT NULL AND (
                        k.stage < max(k.stage) OVER (PARTITION BY k.series)
                        OR p.last_pass > k.message_id), FALSE) AS superseded
        FROM k LEFT JOIN passes p ON p.license = k.quiz_license
    )"""
STATE_COLUMNS = OUTBOX_COLUMNS + ", superseded"


# -- who a license's messages go to ---------------------------------------------------------
def user_email_sql(lic: str = "l", con: str = "c") -> str:
    """SQL for the user's address: the university email of the license's campus (P1 field),
    else the contact's primary email. Built from reference data only (no user input)."""
    whens = " ".join(f"WHEN '{campus}' THEN {con}.{field}"
                     for campus, field in ref.CAMPUS_EMAIL_FIELD.items())
    return (f"coalesce(nullif(trim(CASE {lic}.affiliated_campus {whens} END), ''), "
            f"nullif(trim({con}.email), ''))")


def full_name_sql(con: str = "c") -> str:
    return f"trim(coalesce({con}.first_name, '') || ' ' || coalesce({con}.last_name, ''))"


def specialists(primary: str | None, extra: list[str] | None) -> list[str]:
    """The license's eComm specialist followed by its additional specialists."""
    return list(_specialists(primary, tuple(extra or ())))


@lru_cache(maxsize=4096)
def _specialists(primary: str | None, extra: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(clean_addresses([primary or "", *extra]))


def license_recipients(cur, license_numbers: list[str]) -> dict[str, dict[str, Any]]:
    """license_number -> {full_name, first_name, campus, user_email, specialists, contact_id}."""
    rows = cur.execute(
        f"SELECT l.license_number, l.contact_id, coalesce(c.first_name, ''), {full_name_sql()}, "
        f"l.affiliated_campus, {user_email_sql()}, l.ecomm_specialist, l.additional_specialists "
        "FROM licenses l LEFT JOIN contacts c ON c.contact_id = l.contact_id "
        "WHERE l.license_number IN (SELECT unnest(?::VARCHAR[]))", [list(license_numbers)]).fetchall()
    reach = _p17_reach(cur, any(not specialists(r[6], r[7]) for r in rows))
    return {r[0]: {"license_number": r[0], "contact_id": r[1], "first_name": r[2] or r[3],
                   "full_name": r[3] or r[1], "campus": r[4], "user_email": r[5],
                   "specialists": reach(specialists(r[6], r[7]), r[4])} for r in rows}


def _p17_reach(cur, needed: bool):
    """P17: a function giving who receives what goes "to the specialist" of a campus: the
    specialists named, else the campus's primary specialist, else the System team."""
    from ecomm.storage import specialists as p17

    if not needed:
        return lambda addresses, campus: addresses
    primaries, system = p17.primary_specialists(cur), p17.system_team(cur)
    return lambda addresses, campus: p17.reach(addresses, campus, primaries, system)


def request_recipients_many(cur, request_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The people told about each request (submitter, its specialist and additional
    specialists), in one query (the batch holds hundreds): request_id -> {request_id,
    full_name, campus, applications, specialists}; NotFound names the first request that
    does not exist."""
    rows = cur.execute(
        f"SELECT r.request_id, {full_name_sql()}, r.campus, r.applications, r.submitted_by, "
        "r.ecomm_specialist, r.additional_specialists FROM requests r "
        "LEFT JOIN contacts c ON c.contact_id = r.contact_id "
        "WHERE r.request_id IN (SELECT unnest(?::VARCHAR[]))", [list(request_ids)]).fetchall()
    out = {row[0]: {"request_id": row[0], "full_name": row[1], "campus": row[2],
                    "applications": list(row[3] or []),
                    "specialists": clean_addresses([row[4] or "", row[5] or "",
                                                    *(row[6] or [])])} for row in rows}
    for request_id in request_ids:
        if request_id not in out:
            raise NotFound(f"There is no request {request_id}.")
    return out


# -- templates ---------------------------------------------------------------------------------
def get_template(cur, key: str) -> tuple[str, str]:
    """(subject, body) as the System team last saved it, else the default wording."""
    if key not in TEMPLATES:
        raise EcommError(f"There is no message template called {key!r}.")
    rows = cur.execute("SELECT subject, body FROM message_templates WHERE key = ?", [key]).fetchall()
    if not rows:
        return TEMPLATES[key].subject, TEMPLATES[key].body
    return rows[0][0], rows[0][1]


def list_templates(store) -> list[dict[str, Any]]:
    """Every template with its current wording, who receives it and its placeholders."""
    saved = {r["key"]: r for r in store.query_dicts(
        "SELECT key, subject, body, updated_at, updated_by FROM message_templates")}
    out = []
    for key, spec in TEMPLATES.items():
        row = saved.get(key, {})
        out.append({"key": key, "title": spec.title, "recipients": spec.recipients,
                    "placeholders": dict(spec.placeholders),
                    "subject": row.get("subject", spec.subject), "body": row.get("body", spec.body),
                    "updated_at": row.get("updated_at"), "updated_by": row.get("updated_by")})
    return out


def save_template(store, key: str, subject: str, body: str, actor: str) -> None:
    """Save a message's wording (audited, A4). The permission and placeholder checks are the
    caller's (ecomm.notifications.actions.update_template)."""

    def run(cur):
        before = get_template(cur, key)
        cur.execute(
            "INSERT INTO message_templates (key, subject, body, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET subject = excluded.subject, "
            "body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            [key, subject, body, now_utc(), actor])
        audit.record(cur, actor=actor, action="update_template", entity="message_template",
                     entity_id=key, before={"subject": before[0], "body": before[1]},
                     after={"subject": subject, "body": body})

    store.write(run)


# -- the outbox --------------------------------------------------------------------------------
def queue_messages(cur, messages: list[NewMessage]) -> int:
    """Record each message whose dedup_key is new (rendered now); returns how many were queued.

    Runs in the caller's transaction. A message without any recipient is refused."""
    pending: dict[str, dict[str, Any]] = {}
    templates: dict[str, tuple[str, str]] = {}
    queued = {r[0] for r in cur.execute(
        "SELECT dedup_key FROM outbox WHERE dedup_key IN (SELECT unnest(?::VARCHAR[]))",
        [[m.dedup_key for m in messages]]).fetchall()} if messages else set()
    for m in messages:
        if m.dedup_key in pending or m.dedup_key in queued:
            continue
        to = clean_addresses(m.to)
        if not to:
            raise EcommError(f"The message {m.dedup_key} has no recipient address.")
        if m.template_key not in templates:
            templates[m.template_key] = get_template(cur, m.template_key)
        subject, body = render(*templates[m.template_key], m.context)
        pending[m.dedup_key] = {
            "n": len(pending), "dedup_key": m.dedup_key, "template_key": m.template_key,
            "to_json": json.dumps(to), "cc_json": json.dumps(clean_addresses(m.cc, exclude=to)),
            "subject": subject, "body": body}
    if not pending:
        return 0
    df = pd.DataFrame(list(pending.values()))  # noqa: F841 (read by DuckDB below)
    before = cur.execute("SELECT count(*) FROM outbox").fetchall()[0][0]
    cur.register("incoming_messages", df)
    try:
        cur.execute(
            "INSERT INTO outbox (message_id, dedup_key, template_key, to_addrs, cc_addrs, subject, "
            "body, created_at) SELECT nextval('outbox_seq'), i.dedup_key, i.template_key, "
            "CAST(from_json(i.to_json, '[\"VARCHAR\"]') AS VARCHAR[]), "
            "CAST(from_json(i.cc_json, '[\"VARCHAR\"]') AS VARCHAR[]), i.subject, i.body, ? "
            "FROM (SELECT * FROM incoming_messages ORDER BY n) i "
            "WHERE i.dedup_key NOT IN (SELECT dedup_key FROM outbox)", [now_utc()])
    finally:
        cur.unregister("incoming_messages")
    return cur.execute("SELECT count(*) FROM outbox").fetchall()[0][0] - before


def queue_message(cur, template_key: str, dedup_key: str, to: list[str], cc: list[str],
                  context: dict[str, Any]) -> int | None:
    """Record one message once, in the caller's transaction: its message_id, or None when a
    message with this dedup_key was already queued (e.g. "credentials:LN-0123:2026-12")."""
    n = queue_messages(cur, [NewMessage(template_key=template_key, dedup_key=dedup_key, to=to,
                                        cc=cc, context=context)])
    if not n:
        return None
    return cur.execute("SELECT message_id FROM outbox WHERE dedup_key = ?", [dedup_key]).fetchall()[0][0]


def _message(row: dict[str, Any]) -> OutboxMessage:
    row = dict(row)
    row["to_addrs"] = list(row["to_addrs"] or [])
    row["cc_addrs"] = list(row["cc_addrs"] or [])
    return OutboxMessage(**row)


_STATUS_WHERE = {
    "pending": "sent_at IS NULL AND NOT superseded",
    "failed": "sent_at IS NULL AND NOT superseded AND error IS NOT NULL",
    "sent": "sent_at IS NOT NULL",
    "superseded": "superseded",
    "all": "TRUE",
}


def pending_messages(store, limit: int | None = None) -> list[OutboxMessage]:
    """Messages to send (including ones whose last try failed), oldest first; superseded
    reminders (Q1/Q3 catch-up) are never sent."""
    sql = (f"{OUTBOX_WITH_STATE} SELECT {STATE_COLUMNS} FROM outbox_state "
           "WHERE sent_at IS NULL AND NOT superseded ORDER BY message_id")
    params: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_message(r) for r in store.query_dicts(sql, params)]


def count_pending(store) -> int:
    """How many messages ``pending_messages`` would return (counted in the database)."""
    return int(store.query_value(f"{OUTBOX_WITH_STATE} SELECT count(*) FROM outbox_state "
                                 "WHERE sent_at IS NULL AND NOT superseded"))


def outbox_messages(store, status: str = "pending", limit: int = 5000) -> list[OutboxMessage]:
    """The outbox: pending, failed, sent, superseded or all (newest first)."""
    if status not in _STATUS_WHERE:
        raise EcommError(f"Unknown outbox status {status!r}: use {', '.join(_STATUS_WHERE)}.")
    return [_message(r) for r in store.query_dicts(
        f"{OUTBOX_WITH_STATE} SELECT {STATE_COLUMNS} FROM outbox_state "
        f"WHERE {_STATUS_WHERE[status]} ORDER BY message_id DESC LIMIT ?", [limit])]


def outbox_message(store, message_id: int) -> OutboxMessage:
    """One outbox message (to download it as .eml)."""
    rows = store.query_dicts(f"{OUTBOX_WITH_STATE} SELECT {STATE_COLUMNS} FROM outbox_state "
                             "WHERE message_id = ?", [message_id])
    if not rows:
        raise NotFound(f"There is no message {message_id} in the outbox.")
    return _message(rows[0])


def mark_sent(store, message_id: int, note: str | None = None) -> None:
    """The mail server accepted the message (``note``: recipients it refused, if any)."""
    store.write(lambda cur: cur.execute(
        "UPDATE outbox SET sent_at = ?, error = ? WHERE message_id = ?",
        [now_utc(), note, message_id]))


def mark_failed(store, message_id: int, error: str) -> None:
    store.write(lambda cur: cur.execute(
        "UPDATE outbox SET error = ? WHERE message_id = ? AND sent_at IS NULL",
        [error[:2000], message_id]))


def write_sent_by_hand(store, message_ids: list[int], actor: str) -> int:
    """Unsent messages someone sent themselves leave the pending list (audited, A4); returns
    how many were still unsent."""

    def run(cur):
        ids = [r[0] for r in cur.execute(
            "SELECT message_id FROM outbox WHERE sent_at IS NULL AND message_id IN "
            "(SELECT unnest(?::BIGINT[]))", [list(message_ids)]).fetchall()]
        if ids:
            cur.execute("UPDATE outbox SET sent_at = ? WHERE message_id IN (SELECT unnest(?::BIGINT[]))",
                        [now_utc(), ids])
            audit.record(cur, actor=actor, action="mark_sent_by_hand", entity="outbox",
                         after={"message_ids": ids})
        return len(ids)

    return store.write(run)


# -- mail settings -----------------------------------------------------------------------------
def load_smtp_settings(store) -> SmtpSettings:
    """The smtp_* settings (defaults for keys not stored yet)."""
    keys = ("smtp_host", "smtp_port", "smtp_from", "smtp_starttls")
    rows = dict(store.query("SELECT key, value FROM settings WHERE key IN (SELECT unnest(?::VARCHAR[]))",
                            [list(keys)]))
    v = {k: json.loads(rows[k]) if k in rows else SETTINGS_BY_KEY[k].default for k in keys}
    return SmtpSettings(host=str(v["smtp_host"] or ""), port=int(v["smtp_port"] or 25),
                        from_addr=str(v["smtp_from"] or ""), starttls=bool(v["smtp_starttls"]))
