"""Delivering the outbox by SMTP when a mail server is configured (settings smtp_*).

Without a configured server nothing is sent: messages wait in the outbox, where the System
team lists them and downloads each as ``.eml``. A message is marked sent right after the
server accepts it; a refused message keeps its error and is tried again next time.
"""
from __future__ import annotations

import smtplib
import threading

from ecomm.errors import EcommError
from ecomm.notifications.models import SmtpSettings
from ecomm.notifications.outbox import email_message
from ecomm.storage import notifications as store_n

_SENDING = threading.Lock()  # one delivery run at a time in this process


def send_pending(store, smtp: SmtpSettings | None = None, *, limit: int | None = None) -> int:
    """Send every message not sent yet; returns how many the server accepted.

    ``smtp`` defaults to the smtp_* settings; when no host is set nothing is sent (0)."""
    settings = smtp if smtp is not None else store_n.load_smtp_settings(store)
    if not settings.configured:
        return 0
    if not settings.from_addr.strip():
        raise EcommError("Set the smtp_from setting (the sender address) before sending mail.")
    with _SENDING:
        messages = store_n.pending_messages(store, limit)
        if not messages:
            return 0
        try:
            server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise EcommError(
                f"Could not reach the mail server {settings.host}:{settings.port} ({exc}). "
                "The messages stay in the outbox; check the smtp_* settings.") from exc
        sent = 0
        try:
            if settings.starttls:
                server.starttls()
            for m in messages:
                try:
                    email = email_message(m, settings.from_addr)
                except (EcommError, ValueError) as exc:  # a bad address: this one fails only
                    store_n.mark_failed(store, m.message_id, f"Not sent: {exc}")
                    continue
                try:
                    refused = server.send_message(email)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError,
                        UnicodeError) as exc:
                    store_n.mark_failed(store, m.message_id, f"Refused by the mail server: {exc}")
                    continue
                # partly refused: the others did get it, so it is not sent again
                note = f"Not delivered to: {', '.join(sorted(refused))}" if refused else None
                store_n.mark_sent(store, m.message_id, note)
                sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            raise EcommError(
                f"The mail server {settings.host}:{settings.port} stopped answering after "
                f"{sent} message(s) ({exc}). The rest stay in the outbox.") from exc
        finally:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                server.close()
        return sent
