"""CLI: ``batch YYYY-MM [--on DATE] [--dry-run] [--json]`` (C1-C6), the same service as the
Batch page.

``--on`` is the processing day. Without it: the cycle's first processing day while that is
still ahead (so a dry run shows the batch as it will run), else today. Processing (without
``--dry-run``) is refused before the cycle's first processing day, for a processing day
after today, and for a cycle older than one already processed; processing a cycle twice
changes nothing and says when and by whom it was processed (exit 0).
"""
from __future__ import annotations

import sys

from ecomm import clock
from ecomm.batch import service
from ecomm.batch.models import BatchPlan
from ecomm.cli import EXIT_OK, actor_of, add_db_arg, print_json
from ecomm.cli.requests import _date_arg, _month_arg
from ecomm.storage import open_store


def register(subs) -> None:
    p = subs.add_parser(
        "batch", help="preview or process a monthly batch (C1-C6)",
        description="Process the cycle handled in that month's first week: the requests "
                    "submitted up to the previous month's cutoff (C1-C6). --dry-run reports "
                    "without changing anything.")
    p.add_argument("cycle", metavar="YYYY-MM", type=_month_arg,
                   help="the processing month, e.g. 2026-12")
    p.add_argument("--on", type=_date_arg, metavar="DATE",
                   help="processing day (default: the cycle's first processing day while it "
                        "is ahead, else today)")
    p.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_batch)


def _print_plan(plan: BatchPlan, header: str) -> None:
    print(header)
    print(f"  processing day         {plan.on:%a} {plan.on.isoformat()}")
    if plan.credentials_date:
        print(f"  credentials date (C2)  {plan.credentials_date:%a} "
              f"{plan.credentials_date.isoformat()}")
    print(f"  provisioned    {len(plan.provisioned):>4}")
    for p in plan.provisioned:
        parts = []
        if p.net_new_apps:
            parts.append(f"net new: {', '.join(p.net_new_apps)}")
        if p.transfers:
            parts.append(f"transfer from {p.replaces_license}: {', '.join(p.transfers)}")
        kind = "; ".join(parts) or "nothing new"
        new = ", new license" if p.license_created else ""
        print(f"    {p.request_id:<10} {p.license_number:<8} {p.name} ({p.campus}): "
              f"{', '.join(p.applications) or 'nothing new'} [{kind}{new}]")
        if p.c3_changed:
            print(f"      C3: {', '.join(p.c3_changed)} now net new (the replaced application "
                  "is still held or already taken); the specialist is told")
    print(f"  deprovisioned  {len(plan.deprovisioned):>4}")
    for d in plan.deprovisioned:
        kept = f" (not removed again: {', '.join(d.already_removed)})" if d.already_removed else ""
        print(f"    {d.request_id:<10} {d.license_number or '':<8} {d.name} ({d.campus}): "
              f"{', '.join(d.applications) or 'nothing left to remove'}{kept}")
    print(f"  held           {len(plan.held):>4}")
    for h in plan.held:
        print(f"    {h.request_id:<10} {'':<8} {h.name} ({h.campus}) -> cycle {h.next_cycle}")
        for reason in h.reasons:
            print(f"        {reason}")


def run_batch(args) -> int:
    cycle = f"{args.cycle[0]:04d}-{args.cycle[1]:02d}"
    now = clock.now_utc()
    today = clock.denver_date(now)
    with open_store(args.db) as store:
        on = args.on or service.default_processing_day(store, cycle, today)
        if args.dry_run:
            plan = service.preview_batch(store, actor_of(args), cycle, on=on)
            if args.json:
                print_json(plan.to_json(dry_run=True))
            else:
                _print_plan(plan, f"Cycle {cycle}: dry run, nothing was changed")
            return EXIT_OK
        if not args.json:
            print(f"Processing cycle {cycle} on {on.isoformat()} ...", file=sys.stderr)
        outcome = service.process_batch(store, actor_of(args), cycle, on=on, now_utc=now)
    if args.json:
        print_json(outcome.to_json())
    elif outcome.already_processed:
        print(outcome.message)
    else:
        _print_plan(outcome.plan, outcome.message)
    return EXIT_OK
