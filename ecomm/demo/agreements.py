"""Demo: requests of the cycle due next that WILL be held at processing because the user
agreement is missing (P4 checked again on the processing day, C3; issue 13).

The story: each of these users signed the eComm user agreement before their specialist
submitted the request (so the request passed P4 at submission, as the form and the import
check it); afterwards the signature was voided in Salesforce, and the agreement campaign's
refresh, imported by the System team, shows them as members with no signed date. On the
processing day the batch holds the request ("In the agreement campaign but with no signed
date: ask the user to sign the eComm user agreement") until the user signs again.

The requests are picked without drawing from the demo's random source, so the demo's files
stay exactly as they were; only the refresh, imported after the demo's files, voids them.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ecomm import reference as ref
from ecomm.demo.past_cycles import past_cycles
from ecomm.safe_export import write_interchange_csv

# At least this many in the current cycle (more at a larger demo), on different campuses.
CURRENT_CYCLE_MINIMUM = 2
CURRENT_CYCLE_SHARE = 0.002
# The campuses they are planted at, in turn (others than the course holds' first ones).
CAMPUS_ORDER = ("Boulder", "Anschutz", "UCCS", "Denver", "System", "Boulder Advancement")


def agreement_held_requests(data) -> list:
    """The demo requests (``ecomm.demo.requests.Request``) whose agreement will be voided: in
    the current cycle, the first new user's request of each of a few campuses; in the cycle
    before it, when its batch still waits for the System team on the demo's day (a first
    processing week: the batch due now), the first new user's request of one campus."""
    ctx = data.ctx
    wanted = max(CURRENT_CYCLE_MINIMUM, round(ctx.licenses * CURRENT_CYCLE_SHARE))
    picked = _first_per_campus([r for r in data.requests if r.tag == "new_user"], wanted)
    latest = past_cycles(ctx)[-1]
    if latest.pending_on(ctx.as_of):
        waiting = [r for r in data.requests if r.tag == "past_new_user"
                   and latest.window_start <= r.submitted_at.date() <= latest.cutoff]
        picked += _first_per_campus(waiting, 1)
    return picked


def _first_per_campus(requests: list, wanted: int) -> list:
    out = []
    for campus in CAMPUS_ORDER:
        mine = sorted((r for r in requests if r.campus == campus),
                      key=lambda r: (r.submitted_at, r.id))
        if mine and len(out) < wanted:
            out.append(mine[0])
    return out


def void_signatures(store, data, *, actor: str) -> list[str]:
    """Import the agreement campaign's refresh: the users of ``agreement_held_requests`` are
    members with no signed date (P4 fails for them from now on). Returns their request IDs."""
    from ecomm.importer import import_path

    held = agreement_held_requests(data)
    if not held:
        return []
    with tempfile.TemporaryDirectory(prefix="ecomm-demo-refresh-") as tmp:
        path = Path(tmp) / "campaign_members.csv"
        write_interchange_csv(path, ("contact_id", "campaign", "signed_at", "added_by", "reason"),
                              ((r.contact.id, ref.AGREEMENT_CAMPAIGN, "", "", "") for r in held))
        import_path(store, path, actor=actor)
    return [r.id for r in held]
