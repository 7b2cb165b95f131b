"""What happened in the demo organisation before its day (issue 13), played through the same
services the app uses, after the import: so that on any day every role has work.

- the batches of the two cycles before the current one are processed on their first
  processing days (held requests, new users whose quiz is due), except a cycle whose first
  processing week the demo's day falls in: that one waits for the System team;
- the fiscal year's July baseline is captured (B7), unless the July batch still waits for the
  System team (rev 2: the July count and invoice come after that batch);
- the previous fiscal year's invoices are drafted, reviewed, approved and billed, and this
  year's July invoice stands in every state (B8): billed, approved, in review and draft.

The January and June true-ups of the demo's own year are left to draft, and their net-new
lists to review (B5, B6).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ecomm import admin, batch, clock
from ecomm import reference as ref
from ecomm.batch import plan as planner
from ecomm.billing import workflow as wf
from ecomm.billing.fiscal import fy_start
from ecomm.billing.fiscal_setup import capture_baselines
from ecomm.billing.records import APPROVED, BILLED, DRAFT, IN_REVIEW
from ecomm.demo.dates import fiscal_year
from ecomm.demo.past_cycles import FIRST_WEEK_DAYS
from ecomm.demo.users import DEMO_USERS, specialist_for
from ecomm.errors import EcommError

SYSTEM_EMAIL = next(u.email for u in DEMO_USERS if u.role == ref.APP_SYSTEM)
# This year's July invoice, per campus: where it stands on the demo's day (in review elsewhere).
JULY_STATE = {"Anschutz": BILLED, "Denver": APPROVED, "UCCS": DRAFT}
# Last year's June true-up still waiting for these campuses' approval.
LAST_JUNE_IN_REVIEW = ("Anschutz", "Denver", "UCCS")


def _at(day: date, hour: int = 9) -> datetime:
    """``day`` at ``hour`` o'clock Denver time, as stored (naive UTC)."""
    return clock.to_utc_naive(datetime.combine(day, time(hour)))


def play_out(store, as_of: date) -> None:
    """Process the past batches, capture the baseline, and move the invoices (see above)."""
    system = admin.find_identity(store, SYSTEM_EMAIL)
    _batches(store, system, as_of)
    fy = fiscal_year(as_of)
    try:
        capture_baselines(store, system, fy,
                          now_utc=_at(min(fy_start(fy) + timedelta(days=1), as_of), 8))
        july_waits = False
    except EcommError:
        # B4/B7 (rev 2): in July's first processing week the July batch still waits for the
        # System team, and the July count and invoice come after it: last year's June
        # true-up then shows every state instead
        july_waits = True
    _run(store, system, fy - 1, "annual", fy_start(fy - 1), lambda campus: BILLED)
    _run(store, system, fy - 1, "january", date(fy - 1, 1, 15), lambda campus: BILLED)
    if july_waits:
        _run(store, system, fy - 1, "june", date(fy - 1, 6, 15),
             lambda campus: JULY_STATE.get(campus, IN_REVIEW), last=as_of)
        return
    _run(store, system, fy - 1, "june", date(fy - 1, 6, 15),
         lambda campus: IN_REVIEW if campus in LAST_JUNE_IN_REVIEW else BILLED)
    _run(store, system, fy, "annual", fy_start(fy),
         lambda campus: JULY_STATE.get(campus, IN_REVIEW), last=as_of)


def _batches(store, system, as_of: date) -> None:
    """C1-C6: process each past cycle on its first processing day, unless it is still in its
    first processing week on ``as_of`` (then it is the System team's to process)."""
    current = batch.current_cycle(store, as_of)
    cycles = [planner.previous_cycle(planner.previous_cycle(current)),
              planner.previous_cycle(current), current]
    for cycle in cycles:
        if batch.batch_record(store, cycle) is not None:
            continue
        first = batch.cycle_dates(store, cycle).processing_starts
        if first > as_of or as_of < first + timedelta(days=FIRST_WEEK_DAYS):
            continue
        plan = batch.preview_batch(store, system, cycle, on=first)
        if not (plan.provisioned or plan.deprovisioned or plan.held):
            continue
        batch.process_batch(store, system, cycle, on=first, now_utc=_at(first, 10))


def _run(store, system, fy: int, kind: str, as_of: date, state, *, last: date | None = None) -> None:
    """Draft the run as of ``as_of`` and move each invoice to ``state(campus)``, a day a step
    (never after ``last``)."""
    day = as_of + timedelta(days=5)
    if last is not None:
        day = min(day, last)
    try:
        # B6 (rev 2): the System team of the demo's past captured the net-new lists on purpose
        outcome = wf.draft_run(store, system, fiscal_year=fy, kind=kind, as_of=as_of,
                               now_utc=_at(day), capture=True)
    except EcommError:
        return  # nothing to bill that year (a demo too small or too young)
    order = [DRAFT, IN_REVIEW, APPROVED, BILLED]
    invoices = [(i.invoice_id, i.campus) for i in outcome.invoices]
    for step, target in enumerate(order[1:], start=1):
        ids = [(iid, campus) for iid, campus in invoices if order.index(state(campus)) >= step]
        if not ids:
            continue
        when = _at(min(day + timedelta(days=step), last) if last else day + timedelta(days=step))
        if target == IN_REVIEW:
            wf.send_for_review(store, system, [i for i, _ in ids], now_utc=when)
        elif target == APPROVED:
            for iid, campus in ids:
                who = admin.find_identity(store, specialist_for(campus))
                wf.approve(store, who, iid, now_utc=when)
        else:
            wf.mark_billed(store, system, [i for i, _ in ids], now_utc=when)
