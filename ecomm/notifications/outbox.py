"""Queueing the product's messages (each once, by its dedup key) and writing them as ``.eml``.

The ``queue_*`` helpers run inside the caller's write transaction (``store.write``): the batch
queues "credentials ready" and "request held", recording a quiz pass queues "quiz passed", and
``ecomm.notifications.compliance`` queues the Q1-Q3 reminders and warnings. Each returns how
many messages it recorded (0 when that message was already queued or nobody can receive it).
"""
from __future__ import annotations

from datetime import date, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ecomm.compliance import quiz_deadline
from ecomm.emails import header_safe, is_email
from ecomm.errors import EcommError
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage, OutboxMessage
from ecomm.policy import Policy
from ecomm.storage import notifications as store_n

DEFAULT_FROM = "CU System eComm team <ecomm-noreply@localhost>"


# -- dedup keys: one message per event ------------------------------------------------------
def credentials_key(license_number: str, cycle: str) -> str:
    return f"credentials:{license_number}:{cycle}"


def quiz_passed_key(license_number: str, passed_on: date) -> str:
    return f"quiz_passed:{license_number}:{passed_on.isoformat()}"


def held_key(request_id: str, cycle: str) -> str:
    return f"held:{request_id}:{cycle}"


# -- messages the batch and the services queue -----------------------------------------------
def queue_credentials_ready_many(cur, items: list[tuple[str, list[str], date]], cycle: str,
                                 credentials_date: date, policy: Policy) -> int:
    """C2: credentials are ready (to the new user, specialists cc'd), once per license and
    cycle, for many licenses at once (the batch): items are (license_number, applications,
    provisioned_on); one recipients query, one insert."""
    if not items:
        return 0
    recipients = store_n.license_recipients(cur, [ln for ln, _, _ in items])
    messages = []
    for license_number, applications, provisioned_on in items:
        who = recipients.get(license_number)
        if who is None or not who["user_email"]:
            continue
        ctx = {**who, "applications": ", ".join(applications),
               "credentials_date": credentials_date,
               "quiz_deadline": quiz_deadline(provisioned_on, policy),
               "quiz_days": policy.quiz_deadline_days}
        messages.append(NewMessage(
            template_key=t.CREDENTIALS_READY, dedup_key=credentials_key(license_number, cycle),
            to=[who["user_email"]], cc=who["specialists"], context=ctx))
    return store_n.queue_messages(cur, messages) if messages else 0


def queue_quiz_passed(cur, license_number: str, passed_on: date) -> int:
    """Q1: the quiz was passed: sender access granted (to the user, specialists cc'd)."""
    who = store_n.license_recipients(cur, [license_number]).get(license_number)
    if who is None or not who["user_email"]:
        return 0
    return store_n.queue_messages(cur, [NewMessage(
        template_key=t.QUIZ_PASSED, dedup_key=quiz_passed_key(license_number, passed_on),
        to=[who["user_email"]], cc=who["specialists"],
        context={**who, "quiz_passed_on": passed_on})])


def queue_requests_held(cur, items: list[tuple[str, list[str]]], cycle: str) -> int:
    """C3: requests failed their re-check and are held: tell each one's specialists the failing
    requirements, for many (request_id, held_reasons) at once (the batch): one recipients
    query and one insert."""
    messages = []
    recipients = store_n.request_recipients_many(cur, [r for r, _ in items]) if items else {}
    for request_id, held_reasons in items:
        who = recipients[request_id]
        if not who["specialists"]:
            continue
        ctx = {**who, "cycle": cycle, "held_reasons": t.bullets(held_reasons)}
        messages.append(NewMessage(template_key=t.REQUEST_HELD,
                                   dedup_key=held_key(request_id, cycle),
                                   to=who["specialists"], context=ctx))
    return store_n.queue_messages(cur, messages) if messages else 0


def queue_transfers_now_net_new(cur, items: list[tuple[str, list[str], str]], cycle: str) -> int:
    """C3 (rev 2): tell each request's specialists the applications that were transfers at
    submission and were provisioned as net new, for many (request_id, applications, replaced
    license) at once (the batch)."""
    messages = []
    recipients = store_n.request_recipients_many(cur, [r for r, _, _ in items]) if items else {}
    for request_id, apps, replaced in items:
        who = recipients[request_id]
        if not who["specialists"]:
            continue
        ctx = {**who, "cycle": cycle, "applications": ", ".join(apps),
               "replaces_license": replaced}
        messages.append(NewMessage(template_key=t.TRANSFER_NOW_NET_NEW,
                                   dedup_key=f"transfer_now_net_new:{request_id}:{cycle}",
                                   to=who["specialists"], context=ctx))
    return store_n.queue_messages(cur, messages) if messages else 0


# -- .eml ---------------------------------------------------------------------------------
class UnsendableMessage(EcommError):
    """An outbox message that cannot be written as an email (an address that is not one)."""


def _addresses(message: OutboxMessage, field: str, addrs: list[str]) -> str:
    """The header value of To/Cc; every address checked (no CR/LF ever reaches a header)."""
    bad = [a for a in addrs if not is_email(a)]
    if bad:
        raise UnsendableMessage(
            f"Message {message.message_id} cannot be sent: its {field} holds "
            f"{header_safe(bad[0])[:80]!r}, which is not an email address. Correct the address "
            "(the contact's email by import, an app user's under Admin), then queue the message "
            "again or send it by hand.")
    return ", ".join(a.strip() for a in addrs)


def email_message(message: OutboxMessage, from_addr: str | None = None) -> EmailMessage:
    """The outbox message as an email (From, To, Cc, Subject, Date, Message-ID, text body).
    UnsendableMessage when an address is not one; the subject is kept on one line."""
    msg = EmailMessage()
    msg["From"] = header_safe(from_addr or DEFAULT_FROM)
    msg["To"] = _addresses(message, "To", message.to_addrs)
    if message.cc_addrs:
        msg["Cc"] = _addresses(message, "Cc", message.cc_addrs)
    msg["Subject"] = header_safe(message.subject)
    msg["Date"] = format_datetime(message.created_at.replace(tzinfo=timezone.utc))
    msg["Message-ID"] = make_msgid(idstring=f"ecomm-{message.message_id}")
    msg.set_content(message.body)
    return msg


def to_eml(message: OutboxMessage, from_addr: str | None = None) -> bytes:
    """The message as a .eml file; ``X-Unsent: 1`` makes Outlook open it as a draft to send."""
    msg = email_message(message, from_addr)
    msg["X-Unsent"] = "1"
    return msg.as_bytes()


def eml_filename(message: OutboxMessage) -> str:
    return f"message-{message.message_id}-{message.template_key}.eml"
