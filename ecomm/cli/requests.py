"""CLI: ``check`` (P1-P5, P13 for one contact) and ``calendar`` (C1, C2 for one month)."""
from __future__ import annotations

import argparse
from datetime import date

from ecomm import calendar as cal
from ecomm import clock
from ecomm.cli import EXIT_OK, EXIT_REFUSED, add_db_arg, print_json
from ecomm.rules import check_contact, normalise_campus
from ecomm.storage import open_store
from ecomm.storage import calendar as cal_store
from ecomm.storage.contacts import load_contact_facts
from ecomm.storage.settings import load_policy

MARK = {True: "✓", False: "✗"}


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def _month_arg(text: str) -> tuple[int, int]:
    try:
        return cal.parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subs) -> None:
    p = subs.add_parser("check", help="may this contact be provisioned at this campus? (P1-P5, P13)",
                        description="Check rules P1-P5 (and P13 warnings) for one contact.")
    p.add_argument("contact_id", metavar="CONTACT_ID")
    p.add_argument("--campus", required=True, help="campus being provisioned, e.g. Boulder")
    p.add_argument("--on", type=_date_arg, metavar="DATE", help="day to check (default: today)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_check)

    p = subs.add_parser("calendar", help="a month's cutoff, processing start and credentials date",
                        description="The month's cutoff (C1) and, for the batch that follows, "
                                    "its first processing day and credentials date (C2).")
    p.add_argument("month", metavar="YYYY-MM", type=_month_arg)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_calendar)


def _item(r) -> dict:
    return {"rule": r.rule, "message": r.message}


def run_check(args) -> int:
    on = args.on or clock.today_denver()
    campus = normalise_campus(args.campus)
    with open_store(args.db) as store:
        policy = load_policy(store)
        facts = load_contact_facts(store, args.contact_id)
    result = check_contact(facts, campus, on, policy)
    if args.json:
        print_json({
            "contact_id": facts.contact.contact_id,
            "name": facts.contact.name,
            "campus": campus,
            "on": on.isoformat(),
            "eligible": result.eligible,
            "failures": [_item(r) for r in result.failures],
            "warnings": [_item(r) for r in result.warnings],
            "results": [{"rule": r.rule, "passed": r.passed, "severity": r.severity,
                         "message": r.message} for r in result.results],
        })
    else:
        verdict = "eligible" if result.eligible else "NOT eligible"
        print(f"{facts.contact.name} ({facts.contact.contact_id}) at {campus} on "
              f"{on.isoformat()}: {verdict}")
        for r in result.results:
            mark = "!" if (r.severity == "warning" and not r.passed) else MARK[r.passed]
            print(f"  {mark} {r.rule:<4} {r.message}")
    return EXIT_OK if result.eligible else EXIT_REFUSED


def run_calendar(args) -> int:
    year, month = args.month
    with open_store(args.db) as store:
        policy = load_policy(store)
        closures = cal_store.extra_closures(store, year=year)
        override = cal_store.credentials_override(store, cal.cycle_after_month(year, month))
    m = cal.month_calendar(year, month, policy=policy, extra_closures=closures,
                           credentials_override=override)
    if args.json:
        print_json({k: (v.isoformat() if isinstance(v, date) else v) for k, v in m.items()})
        return EXIT_OK

    def day(d: date) -> str:
        return f"{d:%a} {d.isoformat()}"

    note = " (set by the System team)" if m["credentials_date_overridden"] else ""
    print(f"{m['month']}")
    print(f"  cutoff (C1)            {day(m['cutoff'])}")
    print(f"  processing starts      {day(m['processing_starts'])}  (batch {m['cycle']})")
    print(f"  credentials date (C2)  {day(m['credentials_date'])}{note}")
    return EXIT_OK
