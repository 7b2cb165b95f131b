"""P5 at the batch (C3): a request held on P5 is judged again with the LATER of the course date
typed on the request and the contact's recorded completion, so it passes once the person
retakes the course (issue 3: held requests no longer stay held for ever)."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.batch import plan as planner
from ecomm.batch.models import BatchInputs, QueuedRequest
from ecomm.policy import Policy
from tests.unit.rules_factory import draft, facts

TYPED = dict(course_privacy_awareness_on=date(2026, 9, 1),
             course_it_providers_on=date(2026, 9, 1), course_pci_on=date(2025, 11, 1))


def _inputs(recorded_pci: date, on: date, cycle: str) -> BatchInputs:
    req = QueuedRequest(
        request_id="R-000001", kind="provision", contact_id="C-1001", campus="Boulder",
        status="held", submitted_at=datetime(2026, 10, 20, 17, 0),
        submitted_by="spec.boulder@colorado.edu", cycle="2026-11",
        applications=[ref.SALESFORCE], license_number=None, salesforce_removed_on=None,
        draft=draft(contact_id="C-1001", applications=[ref.SALESFORCE], **TYPED))
    recorded = facts(contact_kw={"contact_id": "C-1001"}, courses={
        ref.COURSE_PRIVACY: date(2026, 9, 1), ref.COURSE_IT_PROVIDERS: date(2026, 9, 1),
        ref.COURSE_PCI: recorded_pci})
    return BatchInputs(cycle=cycle, on=on, requests=[req], facts={"C-1001": recorded},
                       licenses={}, names={"C-1001": "Jane Doe"}, first_new_license="LN-0777")


def test_p5_held_request_passes_the_next_batch_once_the_course_is_retaken():
    # PCI typed 2025-11-01 is out of date from 2026-11-01: held at the December batch ...
    held = planner.plan_batch(_inputs(date(2025, 11, 1), date(2026, 12, 1), "2026-12"), Policy())
    assert [h.failures for h in held.held] == [["P5"]]
    # ... and provisioned at January's once the contact's records show the retake.
    plan = planner.plan_batch(_inputs(date(2026, 12, 10), date(2027, 1, 4), "2027-01"), Policy())
    assert plan.held == [] and [p.request_id for p in plan.provisioned] == ["R-000001"]
