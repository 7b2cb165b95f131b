"""CLI: ``notify [--on DATE] [--send] [--json]``: queue the day's compliance messages (Q1-Q3,
each once: running it again the same day queues none) and, with ``--send``, deliver every
pending message through the SMTP server of the smtp_* settings. The same services as the
Messages page. Meant for a daily scheduler (cron) once the app's server is not holding the
database file.

``--send`` without a configured server is refused before anything is queued (exit 1).
JSON: ``{"on": "2026-11-23", "queued": 3, "sent": 3, "pending": 0, "smtp_configured": true}``
(``sent`` is null without ``--send``).
"""
from __future__ import annotations

from ecomm import clock
from ecomm.cli import EXIT_OK, actor_of, add_db_arg, print_json
from ecomm.cli.requests import _date_arg
from ecomm.errors import EcommError
from ecomm.notifications.actions import (SMTP_WHERE, queue_compliance_messages,
                                         queued_sentence, send_now)
from ecomm.storage import notifications as store_n
from ecomm.storage import open_store


def register(subs) -> None:
    p = subs.add_parser(
        "notify", help="queue the day's compliance messages (Q1-Q3); --send delivers them",
        description="Queue the compliance messages due on DATE (default today): quiz "
                    "reminders and 60-day warnings (Q1), six-month idle warnings (Q2), course "
                    "re-take and non-compliance messages (Q3). Each message is queued once, so "
                    "a second run the same day queues none. --send then delivers every "
                    "pending message through the smtp_* settings' mail server.")
    p.add_argument("--send", action="store_true",
                   help="deliver pending messages by SMTP (refused when smtp_host is not set)")
    add_day_options(p, "the day whose messages are queued")
    p.set_defaults(handler=run_notify)


def add_day_options(p, day_help: str) -> None:
    """The daily message commands' options (notify, digest): ``--on DATE`` (default: today in
    Denver), ``--json`` and ``--db``."""
    p.add_argument("--on", type=_date_arg, metavar="DATE",
                   help=f"{day_help} (default: today in Denver)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)


def run_notify(args) -> int:
    on = args.on or clock.today_denver()
    with open_store(args.db) as store:
        configured = store_n.load_smtp_settings(store).configured
        if args.send and not configured:
            raise EcommError(f"Nothing was queued or sent: no mail server is configured. Set "
                             f"{SMTP_WHERE}, or run without --send and download the messages "
                             "as .eml from the Messages page.")
        queued = queue_compliance_messages(store, actor_of(args), on)
        report = send_now(store, actor_of(args)) if args.send else None
        pending = report.pending if report else store_n.count_pending(store)
    if args.json:
        print_json({"on": on.isoformat(), "queued": queued,
                    "sent": report.sent if report else None, "pending": pending,
                    "smtp_configured": configured})
        return EXIT_OK
    print(queued_sentence(queued, on))
    if report:
        print(f"Sent {report.sent} message(s) by SMTP.")
    print(f"{pending} message(s) not sent yet" + (
        "." if configured or not pending else
        f" (no mail server: set {SMTP_WHERE}, or download them from the Messages page)."))
    return EXIT_OK
