"""CLI `notify [--on DATE] [--send] [--json]`: queues the day's compliance messages (Q1-Q3) once,
refuses --send without a mail server (nothing queued), and delivers by SMTP with --send."""
from __future__ import annotations

import json
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from ecomm import clock
from ecomm.cli import main
from ecomm.storage import Store
from tests.integration.compliance_seed import add_user

ON = date(2026, 11, 23)
EXPECTED_KEYS = {"quiz_reminder:LN-0001:2026-11-09:14", "quiz_overdue:LN-0002:2026-09-01"}


@pytest.fixture
def seeded(db_path):
    """LN-0001: provisioned 14 days before ON (Q1 reminder 1 due); LN-0002: 83 days before (Q1
    overdue: the specialist is told). Courses current, so nothing for Q3; nobody idle (Q2)."""
    with Store(db_path) as s:
        add_user(s, "C1", "LN-0001", date(2026, 11, 9), courses_on=date(2026, 10, 1),
                 last_login_on=date(2026, 11, 10))
        add_user(s, "C2", "LN-0002", date(2026, 9, 1), courses_on=date(2026, 10, 1),
                 last_login_on=date(2026, 11, 10), first="Bob", last="Babbage")
    return db_path


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def outbox(db_path) -> list[dict]:
    with Store(db_path) as s:
        return s.query_dicts("SELECT dedup_key, to_addrs, sent_at FROM outbox ORDER BY message_id")


def test_q1_notify_queues_the_days_messages_once(seeded, capsys, monkeypatch):
    monkeypatch.setattr(clock, "today_denver", lambda: ON)  # --on defaults to today
    code, out, err = run(["notify", "--json", "--db", str(seeded)], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data == {"on": "2026-11-23", "queued": 2, "sent": None, "pending": 2,
                    "smtp_configured": False}
    rows = outbox(seeded)
    assert {r["dedup_key"] for r in rows} == EXPECTED_KEYS
    assert all(r["sent_at"] is None for r in rows)

    code, out, err = run(["notify", "--on", "2026-11-23", "--db", str(seeded)], capsys)
    assert code == 0, err
    assert "No new compliance message for 2026-11-23" in out
    assert "running it again adds none" in out
    assert "2 message(s) not sent yet" in out and "smtp_host" in out
    assert len(outbox(seeded)) == 2


def test_notify_on_another_day_queues_that_days_messages(seeded, capsys):
    code, out, err = run(["notify", "--on", "2026-11-22", "--json", "--db", str(seeded)], capsys)
    assert code == 0, err
    # day 13 for LN-0001: no reminder yet; LN-0002 is overdue on that day too
    assert json.loads(out)["queued"] == 1
    assert [r["dedup_key"] for r in outbox(seeded)] == ["quiz_overdue:LN-0002:2026-09-01"]


def test_notify_send_without_a_mail_server_is_refused_and_queues_nothing(seeded, capsys):
    code, out, err = run(["notify", "--on", "2026-11-23", "--send", "--db", str(seeded)], capsys)
    assert code == 1
    assert "no mail server is configured" in err and "smtp_host" in err
    assert outbox(seeded) == []


def test_notify_usage_errors_exit_2(seeded, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["notify", "--on", "23/11/2026", "--db", str(seeded)])
    assert exc.value.code == 2
    assert "is not a date" in capsys.readouterr().err


class _Inbox:
    def __init__(self):
        self.rcpts: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.rcpts.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def mail_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_notify_send_delivers_pending_messages_by_smtp(seeded, capsys, mail_server):
    inbox, port = mail_server
    with Store(seeded) as s:
        s.write(lambda cur: cur.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [
            ["smtp_host", json.dumps("127.0.0.1")], ["smtp_port", json.dumps(port)],
            ["smtp_from", json.dumps("ecomm@cu.edu")]]))
    code, out, err = run(["notify", "--on", "2026-11-23", "--send", "--json", "--db",
                          str(seeded)], capsys)
    assert code == 0, err
    assert json.loads(out) == {"on": "2026-11-23", "queued": 2, "sent": 2, "pending": 0,
                               "smtp_configured": True}
    assert all(r["sent_at"] is not None for r in outbox(seeded))
    assert "c1@colorado.edu" in inbox.rcpts and "spec.boulder@cu.edu" in inbox.rcpts

    code, out, err = run(["notify", "--on", "2026-11-23", "--send", "--db", str(seeded)], capsys)
    assert code == 0, err
    assert "No new compliance message" in out and "Sent 0 message(s)" in out
