"""CLI: ``digest [--on DATE] [--json]``: queue the day's "My work" digest (issue 18) for every
app user with something due, each once per person and day (a second run queues none). The
same service as the Messages page's "Queue today's digests"; ``notify --send`` delivers them.

JSON: ``{"on": "2026-11-23", "queued": 4, "pending": 12}``.
"""
from __future__ import annotations

from ecomm import clock
from ecomm.cli import EXIT_OK, print_json
from ecomm.cli.notify import add_day_options
from ecomm.identity import CLI_ACTOR
from ecomm.notifications.work import queue_daily_digests
from ecomm.storage import notifications as store_n
from ecomm.storage import open_store


def register(subs) -> None:
    p = subs.add_parser(
        "digest", help="queue the day's 'My work' digest for everyone with work due",
        description="Queue, for every active app user with something due within a week (or "
                    "overdue), one message listing what waits for them (Home > My work) with "
                    "counts, due dates and pages. Each person gets one per day.")
    add_day_options(p, "the day of the digest")
    p.set_defaults(handler=run_digest)


def run_digest(args) -> int:
    on = args.on or clock.today_denver()
    with open_store(args.db) as store:
        queued = queue_daily_digests(store, CLI_ACTOR, on)
        pending = store_n.count_pending(store)
    if args.json:
        print_json({"on": on.isoformat(), "queued": queued, "pending": pending})
        return EXIT_OK
    print(f"Queued {queued} daily digest(s) for {on.isoformat()}." if queued else
          f"No new digest for {on.isoformat()}: nobody has work due, or theirs was queued.")
    print(f"{pending} message(s) not sent yet.")
    return EXIT_OK
