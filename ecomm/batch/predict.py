"""C3 predicted: which queued provisioning requests the next batch will hold, and why.

The batch checks P1-P5 again on its processing day (C3) through ``plan.plan_batch``; this
module runs that same plan, read-only, for the next batch as of its processing day, so a
prediction is exactly what processing would hold. One function (``c3_predicted_holds``) serves
My work on Home, the dashboard's row 1 and the daily digest.
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ecomm.batch import plan as planner
from ecomm.batch import service as batch_service
from ecomm.batch.models import BatchPlan, HeldItem
from ecomm.storage import batch as sb
from ecomm.storage import calendar as cal_db
from ecomm.storage.settings import load_policy


class Prediction(BaseModel):
    """The next batch (``cycle``, processed ``on``) as of its processing day: the pending
    requests it will hold (``will_hold``) and the held ones it would hold again
    (``still_held``), each with its failing rules."""

    cycle: str
    on: date
    plan: BatchPlan
    will_hold: dict[str, HeldItem] = Field(default_factory=dict)
    still_held: dict[str, HeldItem] = Field(default_factory=dict)

    def sentence(self, request_id: str) -> str:
        """'Will be held by the 2027-01 batch on Mon Jan 4 (C3): P5: ...' ('' if it passes)."""
        item = self.will_hold.get(request_id)
        return c3_hold_sentence(item, self.cycle, self.on) if item else ""

    def for_campus(self, campus: str) -> list[HeldItem]:
        return [h for h in self.will_hold.values() if h.campus == campus]


def c3_hold_sentence(item: HeldItem, cycle: str, on: date) -> str:
    """C3: why a queued request will be held: the batch, its processing day and each failing
    requirement (P1-P5 as of that day), e.g. 'Will be held by the 2027-01 batch on Mon Jan 4
    (C3): P5: PCI Compliance: completed 2025-12-18 ..., out of date since 2026-12-18: the user
    must retake the course'."""
    return (f"Will be held by the {cycle} batch on {on:%a %b %-d} (C3): "
            + "; ".join(item.reasons) + " (fix it before then)")


def _handled(row: dict, cycle: str, closures) -> bool:
    """C1/C3: the batch of ``cycle`` handles this open request (as ``planner.handled_by``)."""
    own = row["cycle"] or planner._submission_cycle(row["submitted_at"],
                                                    tuple(sorted(set(closures))))
    return (row["kind"] in planner.BATCH_KINDS and row["status"] in planner.OPEN_STATUSES
            and own <= cycle)


def next_batch(store, as_of: date) -> tuple[str, date]:
    """C1: the batch that runs next and its processing day: the due cycle (the latest whose
    processing day has come, unprocessed) when it has open requests to handle, else the
    upcoming cycle; on its first processing day, or today when that has passed."""
    closures = cal_db.extra_closures(store)
    due = batch_service.due_cycle(store, as_of)
    upcoming = planner.next_cycle(batch_service.current_cycle(store, as_of))
    cycle = upcoming if due > upcoming else due
    if cycle < upcoming and not any(
            _handled(r, cycle, closures) for r in sb.open_requests(store)):
        cycle = upcoming
    return cycle, batch_service.default_processing_day(store, cycle, as_of)


def c3_predicted_holds(store, as_of: date) -> Prediction:
    """C3: plan the next batch as of its processing day (the batch's own ``plan_batch``, P1-P5
    checked on that day) and sort its holds into pending requests that will be held and held
    ones that stay held. Reads only."""
    cycle, on = next_batch(store, as_of)
    closures = sorted(cal_db.extra_closures(store))
    inputs = batch_service.load_inputs(store, cycle, on, closures)
    plan = planner.plan_batch(inputs, load_policy(store))
    status = {r.request_id: r.status for r in inputs.requests}
    out = Prediction(cycle=cycle, on=on, plan=plan)
    for h in plan.held:
        (out.will_hold if status.get(h.request_id) == "pending"
         else out.still_held)[h.request_id] = h
    return out
