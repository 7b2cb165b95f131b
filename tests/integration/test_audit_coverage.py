"""A4 for the notifications (issue 7 item 2): queueing the day's compliance messages and sending
pending messages by SMTP leave audit entries (who, when, how many); a run that queues nothing
leaves none."""
from __future__ import annotations

import json
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from ecomm.identity import Identity
from ecomm.notifications.actions import queue_compliance_messages, send_now
from tests.integration.compliance_seed import add_user

ON = date(2026, 11, 23)
SYSTEM = Identity(email="sam.system@cu.edu", name="Sam", role="system")


@pytest.fixture
def seeded(store):
    """Two users whose Q1 quiz messages are due on ON (see test_cli_notify)."""
    add_user(store, "C1", "LN-0001", date(2026, 11, 9), courses_on=date(2026, 10, 1),
             last_login_on=date(2026, 11, 10))
    add_user(store, "C2", "LN-0002", date(2026, 9, 1), courses_on=date(2026, 10, 1),
             last_login_on=date(2026, 11, 10), first="Bob", last="Babbage")
    return store


def entries(store, action):
    return store.query_dicts("SELECT actor, entity, entity_id, after FROM audit_log "
                             "WHERE action = ? ORDER BY audit_id", [action])


def test_a4_queueing_compliance_messages_is_audited(seeded):
    assert queue_compliance_messages(seeded, SYSTEM, ON) == 2
    [entry] = entries(seeded, "queue_messages")
    assert (entry["actor"], entry["entity"], entry["entity_id"]) == (SYSTEM.email, "outbox",
                                                                     "2026-11-23")
    assert json.loads(entry["after"])["queued"] == 2
    assert queue_compliance_messages(seeded, SYSTEM, ON) == 0  # nothing new: no entry
    assert len(entries(seeded, "queue_messages")) == 1


class _Inbox:
    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted for delivery"


def test_a4_sending_messages_is_audited(seeded):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(_Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        seeded.write(lambda cur: cur.executemany(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            [["smtp_host", json.dumps("127.0.0.1")], ["smtp_port", json.dumps(port)],
             ["smtp_from", json.dumps("ecomm@cu.edu")]]))
        queue_compliance_messages(seeded, SYSTEM, ON)
        report = send_now(seeded, SYSTEM)
    finally:
        controller.stop()
    assert report.sent == 2
    [entry] = entries(seeded, "send_messages")
    assert entry["actor"] == SYSTEM.email
    assert json.loads(entry["after"]) == {"pending": 0, "sent": 2}
