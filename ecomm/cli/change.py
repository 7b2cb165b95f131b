"""CLI: ``change`` (P15): a change request for an existing license, submitted by the System
team (the command line acts as the System team). The same service as the form's "Change"."""
from __future__ import annotations

from ecomm import clock
from ecomm import reference as ref
from ecomm.cli import EXIT_OK, add_db_arg, print_json
from ecomm.identity import CLI_ACTOR
from ecomm.requests.changes import submit_change
from ecomm.storage import open_store


def register(subs) -> None:
    p = subs.add_parser(
        "change", help="submit a change request for a license (P15)",
        description="P15: ask for Cvent add-ons, super-user permissions, another eComm role or "
                    "the upgrade from Chatter Free to a full Salesforce license; the change "
                    "joins the monthly cycle (C1-C3).")
    p.add_argument("license_number", metavar="LICENSE", help="e.g. LN-0776")
    p.add_argument("--role", choices=ref.ECOMM_ROLES, help="the new eComm role")
    p.add_argument("--super-user", action="append", default=[], metavar="PERMISSION",
                   help=f"a super-user permission ({' or '.join(ref.SUPER_USER_PERMISSIONS)}); "
                        "repeat for several")
    p.add_argument("--add-on", action="append", default=[], metavar="ADD_ON",
                   help=f"a Cvent add-on ({', '.join(ref.CVENT_ADD_ONS)}); repeat for several")
    p.add_argument("--upgrade-salesforce", action="store_true",
                   help="upgrade a Chatter Free user to a full (paid) Salesforce license")
    p.add_argument("--replaces", metavar="LICENSE",
                   help="the upgrade replaces this license's Salesforce (P10: not net new)")
    p.add_argument("--notes", help="notes for the System team")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_change)


def run_change(args) -> int:
    values = {"ecomm_role": args.role, "super_user_permissions": args.super_user,
              "cvent_add_ons": args.add_on, "salesforce_upgrade": args.upgrade_salesforce,
              "replaces_license": args.replaces, "notes": args.notes}
    with open_store(args.db) as store:
        conf = submit_change(store, CLI_ACTOR, args.license_number, values,
                             now_utc=clock.now_utc())
    if args.json:
        print_json({"request_id": conf.request_id, "kind": "change",
                    "license_number": conf.license_number, "campus": conf.campus,
                    "cycle": conf.cycle, "cutoff": conf.cutoff.isoformat(),
                    "net_new": [ref.SALESFORCE] if conf.applications and not conf.transfer
                    else [], "transfers": [ref.SALESFORCE] if conf.transfer else [],
                    "cost_total": f"{conf.cost_total:.2f}", "message": conf.message})
    else:
        print(conf.message)
        for line in conf.effects:
            print(f"  {line}")
        if conf.cost_note:
            print(f"  {conf.cost_note}")
    return EXIT_OK
