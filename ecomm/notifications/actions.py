"""What the System team does with the outbox from the Messages page and ``python -m ecomm
notify`` (A2): queue the day's compliance messages (Q1-Q3), send pending ones by SMTP, read
the outbox, mark messages sent by hand and edit the message templates."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ecomm import permissions
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.notifications.compliance import queue_compliance_notifications
from ecomm.notifications.models import OutboxMessage, SmtpSettings
from ecomm.notifications.smtp import send_pending
from ecomm.notifications.templates import check_template
from ecomm.storage import audit
from ecomm.storage import notifications as store_n
from ecomm.storage.settings import load_policy

SMTP_WHERE = "smtp_host (and smtp_port, smtp_from, smtp_starttls) under Admin > Settings"


class SendReport(BaseModel):
    sent: int
    pending: int   # still not sent afterwards (refused ones keep their error)


def queue_compliance_messages(store, actor: Identity, as_of: date) -> int:
    """Q1-Q3 (A2): queue the compliance messages due on as_of; each message is queued once, so a
    second run the same day queues none. Returns how many are new."""
    permissions.require_system(actor, "queue compliance messages")
    return queue_compliance_notifications(store, as_of, load_policy(store), actor=actor.email)


def queued_sentence(count: int, as_of: date) -> str:
    """The confirmation after queueing (says why a re-run queues nothing)."""
    if count:
        return f"Queued {count} compliance message(s) due on {as_of.isoformat()}."
    return (f"No new compliance message for {as_of.isoformat()}: every message due was already "
            "queued (each message is queued once, so running it again adds none).")


def smtp_status(store) -> tuple[bool, str]:
    """(configured, a sentence saying which server, or where to set one)."""
    s = store_n.load_smtp_settings(store)
    if s.configured:
        sender = s.from_addr or "no sender address yet: set smtp_from"
        return True, (f"Mail server {s.host}:{s.port}{' with STARTTLS' if s.starttls else ''}, "
                      f"from {sender}.")
    return False, ("No mail server is configured: messages wait here; download each as .eml, "
                   f"send it yourself and mark it sent. To send from the app, set {SMTP_WHERE}.")


def send_now(store, actor: Identity) -> SendReport:
    """A2: deliver every pending message via the configured SMTP server."""
    permissions.require_system(actor, "send messages")
    if not store_n.load_smtp_settings(store).configured:
        raise EcommError(f"No mail server is configured: set {SMTP_WHERE}.")
    sent = send_pending(store)
    report = SendReport(sent=sent, pending=store_n.count_pending(store))
    store.write(lambda cur: audit.record(  # A4: who sent what, when
        cur, actor=actor.email, action="send_messages", entity="outbox",
        after={"sent": report.sent, "pending": report.pending},
        detail=f"{report.sent} message(s) sent by SMTP; {report.pending} not sent yet"))
    return report


def smtp_settings(store) -> SmtpSettings:
    """The mail server settings (smtp_* under Admin > Settings)."""
    return store_n.load_smtp_settings(store)


def list_outbox(store, actor: Identity, status: str = "pending",
                limit: int = 5000) -> list[OutboxMessage]:
    """A2: the System team lists the outbox: pending, failed, sent, superseded or all (newest
    first)."""
    permissions.require_system(actor, "read the outbox")
    return store_n.outbox_messages(store, status, limit)


def get_message(store, message_id: int, actor: Identity) -> OutboxMessage:
    """A2: one outbox message (to download it as .eml)."""
    permissions.require_system(actor, "read the outbox")
    return store_n.outbox_message(store, message_id)


def mark_sent_by_hand(store, message_ids: list[int], actor: Identity) -> int:
    """A2: the System team sent downloaded .eml files itself; they leave the pending list (A4)."""
    permissions.require_system(actor, "mark messages as sent")
    return store_n.write_sent_by_hand(store, message_ids, actor.email)


def list_templates(store) -> list[dict]:
    """Every template with its current wording, who receives it and its placeholders."""
    return store_n.list_templates(store)


def update_template(store, key: str, subject: str, body: str, actor: Identity) -> None:
    """A2: the System team edits a message's wording (audited, A4); placeholders are checked."""
    permissions.require_system(actor, "edit message templates")
    problems = check_template(key, subject, body)
    if problems:
        raise EcommError("The message template was not saved.", problems)
    store_n.save_template(store, key, subject, body, actor.email)
