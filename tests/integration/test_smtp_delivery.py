"""Delivery by SMTP to a real local server (aiosmtpd on 127.0.0.1, a free port)."""
from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller

from ecomm.errors import EcommError
from ecomm.notifications import actions as messages
from ecomm.notifications import templates as t
from ecomm.notifications.models import SmtpSettings
from ecomm.notifications.smtp import send_pending
from ecomm.storage import notifications as sn
from ecomm.compliance_records import record_quiz_pass
from tests.integration.compliance_seed import SYSTEM, add_user


class Inbox:
    """Collects what the server receives; refuses recipients at refused.example."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.content, policy=email_policy.default)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, SmtpSettings(host="127.0.0.1", port=port, from_addr="ecomm@cu.edu")
    finally:
        controller.stop()


def _queue(store, key, to, cc, **ctx):
    return store.write(lambda cur: sn.queue_message(cur, t.QUIZ_REMINDER, key, to, cc, {
        "first_name": "Ada", "reminder_number": 1, "reminder_count": 4, **ctx}))


def test_pending_messages_are_sent_once_with_to_cc_subject_and_body(store, smtp_server):
    inbox, settings = smtp_server
    _queue(store, "quiz_reminder:LN-0001:2026-12-05:14", ["ada@colorado.edu"], ["spec@cu.edu"],
           days_left=46)
    _queue(store, "quiz_reminder:LN-0001:2026-12-05:14", ["ada@colorado.edu"], ["spec@cu.edu"])
    _queue(store, "quiz_reminder:LN-0002:2026-12-05:14", ["bob@colorado.edu"], [], first_name="Bob")
    assert store.query_value("SELECT count(*) FROM outbox") == 2      # same dedup key: once

    assert send_pending(store, settings) == 2
    assert len(inbox.received) == 2
    mail_from, rcpts, msg = inbox.received[0]
    assert mail_from == "ecomm@cu.edu"
    assert sorted(rcpts) == ["ada@colorado.edu", "spec@cu.edu"]
    assert msg["To"] == "ada@colorado.edu" and msg["Cc"] == "spec@cu.edu"
    assert msg["Subject"] == "Reminder 1 of 4: complete the eComm quiz"
    body = msg.get_content()
    assert body.startswith("Hello Ada,") and "You have 46 days left" in body
    assert "X-Unsent" not in msg
    assert inbox.received[1][1] == ["bob@colorado.edu"] and inbox.received[1][2]["Cc"] is None

    assert store.query_value("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    assert send_pending(store, settings) == 0                         # nothing twice
    assert len(inbox.received) == 2


def test_smtp_settings_from_the_settings_table(store, smtp_server):
    inbox, settings = smtp_server
    add_user(store, "C1", "LN-0001", date(2026, 12, 5))
    record_quiz_pass(store, "LN-0001", date(2026, 12, 20), SYSTEM)
    assert send_pending(store) == 0                                   # not configured yet
    store.write(lambda cur: cur.executemany(
        "UPDATE settings SET value = ? WHERE key = ?",
        [['"127.0.0.1"', "smtp_host"], [str(settings.port), "smtp_port"],
         ['"ecomm@cu.edu"', "smtp_from"]]))
    assert sn.load_smtp_settings(store) == settings
    assert send_pending(store) == 1
    _, rcpts, msg = inbox.received[0]
    assert sorted(rcpts) == ["c1@colorado.edu", "spec.boulder@cu.edu"]
    assert msg["Subject"] == "You passed the eComm quiz: sending access granted"
    assert "December 20, 2026" in msg.get_content()


def test_refused_message_keeps_its_error_and_the_rest_are_sent(store, smtp_server):
    inbox, settings = smtp_server
    _queue(store, "a", ["nobody@refused.example"], [])
    _queue(store, "b", ["ada@colorado.edu"], ["gone@refused.example"])
    _queue(store, "c", ["bob@colorado.edu"], [])
    assert send_pending(store, settings) == 2
    assert [r[1] for r in inbox.received] == [["ada@colorado.edu"], ["bob@colorado.edu"]]
    state = dict(store.query("SELECT dedup_key, sent_at IS NOT NULL FROM outbox"))
    assert state == {"a": False, "b": True, "c": True}
    errors = dict(store.query("SELECT dedup_key, error FROM outbox"))
    assert "Refused" in errors["a"] and "gone@refused.example" in errors["b"] and errors["c"] is None
    assert [m.dedup_key for m in messages.list_outbox(store, SYSTEM, "failed")] == ["a"]


def test_unreachable_server_leaves_messages_in_the_outbox(store):
    _queue(store, "a", ["ada@colorado.edu"], [])
    with pytest.raises(EcommError) as exc:
        send_pending(store, SmtpSettings(host="127.0.0.1", port=_free_port(), from_addr="e@cu.edu",
                                         timeout=5))
    assert "stay in the outbox" in str(exc.value)
    assert store.query_value("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 1
