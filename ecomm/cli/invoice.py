"""CLI: ``invoice {annual,january,june} --fy YEAR [--on DATE] [--out DIR] [--json]`` (B1-B9),
the same service as the Billing page: draft (again) the July invoice or a true-up as of DATE
(default today), saved as drafts (approved and billed invoices are never changed, B8); with
``--out``, write the run's two spreadsheets of the stored invoices there.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecomm import clock
from ecomm.billing import workflow
from ecomm.billing.models import GROUP_LABEL
from ecomm.billing.frames import default_as_of
from ecomm.billing.proration import ANNUAL, KINDS
from ecomm.billing.records import STATUS_LABEL
from ecomm.cli import EXIT_OK, actor_of, add_db_arg, print_json
from ecomm.cli.requests import _date_arg
from ecomm.storage import open_store


def _fy_arg(text: str) -> int:
    try:
        fy = int(text.strip().upper().removeprefix("FY"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a fiscal year: write the year it ends, e.g. 2027") from None
    if not 2000 <= fy <= 2100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fiscal year: e.g. 2027")
    return fy


def register(subs) -> None:
    p = subs.add_parser(
        "invoice", help="draft the July invoice or a true-up (B1-B9)",
        description="Draft the July invoice (annual) or the January or June true-up for fiscal "
                    "year YEAR (B1-B9), as of DATE (default today); with --out, write the two "
                    "spreadsheets there. Drafting again replaces drafts; approved and billed "
                    "invoices never change.")
    p.add_argument("kind", choices=KINDS, help="annual (July invoice), january or june (true-ups)")
    p.add_argument("--fy", type=_fy_arg, required=True, metavar="YEAR",
                   help="fiscal year, named by the year it ends (2027 = July 2026 to June 2027)")
    p.add_argument("--on", type=_date_arg, metavar="DATE", help="as-of day (default: today)")
    p.add_argument("--out", type=Path, metavar="DIR", help="write the two spreadsheets here")
    p.add_argument("--override", metavar="REASON",
                   help="annual only: draft the July invoice although requests of that July's "
                        "cycle still wait to be processed (B4); the reason is recorded")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_invoice)


def _money(value) -> str:
    return f"{value:.2f}"


def run_invoice(args) -> int:
    now = clock.now_utc()
    today = clock.denver_date(now)
    # B4 (rev 2): the July invoice is as of July of its fiscal year unless --on says otherwise
    as_of = args.on or (min(default_as_of(args.fy, args.kind, today), today)
                        if args.kind == ANNUAL else today)
    label = workflow.run_label(args.fy, args.kind)
    with open_store(args.db) as store:
        if not args.json:
            print(f"Drafting the {label} as of {as_of.isoformat()} ...", file=sys.stderr)
        # B6 (rev 2): the System team acting on purpose captures the lists as they stand
        outcome = workflow.draft_run(store, actor_of(args), fiscal_year=args.fy, kind=args.kind,
                                     as_of=as_of, now_utc=now, capture=True,
                                     override=args.override)
        files = []
        if args.out is not None:
            files = workflow.save_workbooks(store, actor_of(args), args.out, fiscal_year=args.fy,
                                            kind=args.kind)
    invoices = outcome.invoices
    if args.json:
        print_json({
            "kind": args.kind, "fiscal_year": args.fy, "as_of": as_of.isoformat(),
            "invoices": [{"campus": i.campus, "group": i.group, "status": i.status,
                          "lines": i.line_count, "total": _money(i.total),
                          "invoice_id": i.invoice_id, "revision": i.revision,
                          "as_of": i.as_of.isoformat()} for i in invoices],
            "files": [str(f) for f in files],
            "created": outcome.created, "replaced": outcome.replaced,
            "unchanged": outcome.unchanged, "removed": outcome.removed, "kept": outcome.kept,
            "differs": outcome.differs, "net_new_captured": outcome.captured,
            "unreviewed": outcome.unreviewed, "override": outcome.override,
            "total": _money(outcome.total),
        })
        return EXIT_OK
    print(f"{label} as of {as_of.isoformat()}: {outcome.sentence()}")
    if outcome.captured:
        print(f"  net-new lists captured (B6): {', '.join(outcome.captured)}")
    if outcome.unreviewed:
        print(f"  warning (B6): captured as they stood, not reviewed by their specialist: "
              f"{', '.join(outcome.unreviewed)}", file=sys.stderr)
    if outcome.override:
        print(f"  B4 override recorded: {outcome.override}")
    if not invoices:
        print("  no campus has anything to bill on this run")
    width = max([len(i.campus) for i in invoices] + [6])
    for i in invoices:
        print(f"  {i.campus:<{width}}  {GROUP_LABEL[i.group]:<31} {STATUS_LABEL[i.status]:<9} "
              f"r{i.revision}  {i.line_count:>5} lines  ${i.total:>12,.2f}")
    if invoices:
        print(f"  {'total':<{width}}  {'':<31} {'':<9} {'':>2}  "
              f"{sum(i.line_count for i in invoices):>5} lines  ${outcome.total:>12,.2f}")
    for iid in outcome.differs:
        print(f"  note: {iid} is approved or billed and no longer matches the data: "
              "make a correction on the Billing page (B8)")
    for f in files:
        print(f"  wrote {f}")
    return EXIT_OK
