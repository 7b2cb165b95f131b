"""Planning a monthly batch (C1-C5, P10, Q1) from plain values: which requests it handles,
which pass P1-P5 again on the processing day (C3), and what each one changes.

Pure: no SQL, no clock. ``ecomm.batch.service`` loads the inputs (outside the transaction for
a preview, inside it for processing) and applies the plan, so a preview is exactly what
processing would do.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Iterable

from ecomm import calendar as cal
from ecomm import reference as ref
from ecomm.batch.models import (LIST_LICENSE_FIELDS, SCALAR_LICENSE_FIELDS, BatchInputs,
                                BatchPlan, DeprovisionItem, HeldItem, LicenseState,
                                ProvisionItem, QueuedRequest)
from ecomm.policy import Policy
from ecomm.batch.changes import plan_changes
from ecomm.rules import check_contact, p16_profile_for
from ecomm.rules.stored_requests import c5_changed_groups
from ecomm.rules.transfer import ReplacedSeats, p10_transfers

OPEN_STATUSES = ("pending", "held")
BATCH_KINDS = ("provision", "deprovision", "change")   # C5: group changes are off-cycle


def next_cycle(cycle: str) -> str:
    """C3: the cycle after ``cycle`` (where a held request waits)."""
    return cal.month_name(*cal.shift_month(*cal.parse_month(cycle), 1))


def previous_cycle(cycle: str) -> str:
    return cal.month_name(*cal.shift_month(*cal.parse_month(cycle), -1))


def effective_cycle(req: QueuedRequest, closures: Iterable[date] = ()) -> str:
    """C1: the request's stored cycle, or (imported requests carry none) the cycle its
    submission time joins."""
    return req.cycle or _submission_cycle(req.submitted_at, tuple(sorted(set(closures))))


@lru_cache(maxsize=16_384)
def _submission_cycle(submitted_at: datetime, closures: tuple[date, ...]) -> str:
    """``cal.cycle_for_submission``, remembered: the preview, processing and the plan ask it
    of the same thousands of requests (a pure function of its arguments)."""
    return cal.cycle_for_submission(submitted_at, frozenset(closures))


def handled_by(req: QueuedRequest, cycle: str, closures: Iterable[date] = ()) -> bool:
    """C1/C3: the batch of ``cycle`` handles open provisioning and deprovisioning requests
    submitted up to the previous month's cutoff, held ones of earlier cycles included."""
    return (req.kind in BATCH_KINDS and req.status in OPEN_STATUSES
            and effective_cycle(req, closures) <= cycle)


def default_processing_day(cycle: str, today: date, closures: Iterable[date] = ()) -> date:
    """C1: the processing day when none is given: the cycle's first processing day while it
    is still ahead, else today."""
    return max(cal.first_processing_day(cycle, frozenset(closures)), today)


def announced_credentials_date(cycle_date: date, processed_on: date,
                               closures: Iterable[date] = ()) -> date:
    """C2: the credentials date announced to a batch's new users: the cycle's date, or for a
    batch processed late the next business day after processing (C1 calendar), whichever is
    later, so no message or download announces a day already past."""
    after = cal.next_business_day(processed_on + timedelta(days=1), frozenset(closures))
    return max(cycle_date, after)


def processing_refusal(cycle: str, on: date, today: date, closures: Iterable[date] = (),
                       latest_processed: str | None = None) -> str | None:
    """C1/C6: why the batch of ``cycle`` may not be processed on ``on`` (today being
    ``today``), or None when it may."""
    first = cal.first_processing_day(cycle, frozenset(closures))
    if today < first:
        return (f"The batch of cycle {cycle} cannot be processed yet: its first processing day "
                f"is {first:%A} {first.isoformat()} (C1), and today is {today.isoformat()}. "
                "You can preview it until then.")
    if on < first:
        return (f"The processing day {on.isoformat()} is before cycle {cycle}'s first "
                f"processing day, {first.isoformat()} (C1): choose {first.isoformat()} or later.")
    if on > today:
        return (f"The processing day {on.isoformat()} has not come yet (today is "
                f"{today.isoformat()}): a batch is processed on the day it runs or recorded for "
                "a day that has passed.")
    if latest_processed and latest_processed > cycle:
        return (f"Cycle {cycle} cannot be processed: the later cycle {latest_processed} was "
                "already processed, and it handled every request submitted before its cutoff.")
    return None


def following_license_number(number: str) -> str:
    """The LN- number after ``number`` (same width, at least four digits: LN-0999 -> LN-1000),
    as ``ecomm.storage.requests.next_license_number`` gives after ``number`` is taken."""
    digits = number[3:]
    return f"LN-{int(digits) + 1:0{max(4, len(digits))}d}"


def _union(current: list[str], added: list[str]) -> list[str]:
    out = list(current or [])
    out += [v for v in added or [] if v not in out]
    return out


def license_values_after(lic: LicenseState, req: QueuedRequest, *, new_user: bool) -> dict:
    """The license's fields after provisioning ``req``: the request's answers copied on (lists
    merged; "New Public Group" replaced by its name as C5 does), not a sender until the quiz
    for a new user (Q1)."""
    draft = req.draft
    after = lic.values()
    for k in SCALAR_LICENSE_FIELDS:
        value = getattr(draft, k)
        if value is not None and value != "":
            after[k] = value
    for k in LIST_LICENSE_FIELDS:
        after[k] = _union(after[k], getattr(draft, k))
    current_groups = [g for g in lic.public_groups
                      if g.strip().lower() != ref.NEW_PUBLIC_GROUP.lower()
                      or not draft.new_public_group]
    units, groups = c5_changed_groups(list(lic.business_units), current_groups, {
        "business_units": draft.business_units, "public_groups": draft.public_groups,
        "new_public_group": draft.new_public_group, "remove_business_units": [],
        "remove_public_groups": []})
    after["business_units"], after["public_groups"] = units, groups
    if new_user and lic.quiz_passed_on is None:
        after["not_a_sender"] = True
    if not after.get("salesforce_profile"):   # P16: follows the applications
        after["salesforce_profile"] = p16_profile_for([*lic.open_apps, *req.applications])
    return after


def _specialists(values: dict, req: QueuedRequest) -> list[str]:
    out: list[str] = []
    for e in [values.get("ecomm_specialist"), *(values.get("additional_specialists") or [])]:
        e = (e or "").strip().lower()
        if e and e not in out:
            out.append(e)
    return out or [req.submitted_by.strip().lower()]


def _new_license(number: str, req: QueuedRequest) -> LicenseState:
    return LicenseState(license_number=number, contact_id=req.contact_id,
                        affiliated_campus=req.campus)


class _Copies(dict):
    """The licenses as the plan changes them: a deep copy of an input license is made the
    first time the plan reads it (the inputs stay as they were; thousands are never read)."""

    def __init__(self, originals: dict[str, LicenseState]):
        super().__init__()
        self.originals = originals

    def __missing__(self, number: str) -> LicenseState:
        if number not in self.originals:
            raise KeyError(number)
        given = self.originals[number]
        # a deep copy: the scalar fields are immutable, the list fields are copied
        copy = self[number] = given.model_copy(update={
            k: list(v) for k, v in given.__dict__.items() if isinstance(v, list)})
        return copy

    def __contains__(self, number: object) -> bool:
        return dict.__contains__(self, number) or number in self.originals

    def get(self, number, default=None):
        return self[number] if number in self else default


def plan_batch(inputs: BatchInputs, policy: Policy) -> BatchPlan:
    """C1-C5: what the batch of ``inputs.cycle`` does on ``inputs.on``. Deprovisionings first
    (C4: Salesforce already removed at submission is not removed again), then provisionings
    in submission order, each checked again against P1-P5 (C3): a failing one is held for the
    next cycle with its failing requirements; a passing one opens or extends the license
    record (P10: net new unless it replaces someone)."""
    cycle, on, closures = inputs.cycle, inputs.on, inputs.closures
    queue = sorted((r for r in inputs.requests if handled_by(r, cycle, closures)),
                   key=lambda r: (r.submitted_at, r.request_id))
    licenses = _Copies(inputs.licenses)
    by_contact_campus: dict[tuple[str, str], str] = {}
    for n in sorted(inputs.licenses):
        lic = inputs.licenses[n]
        by_contact_campus.setdefault((lic.contact_id, lic.affiliated_campus), n)
    plan = BatchPlan(cycle=cycle, on=on)
    seats = {n: s.model_copy(deep=True) for n, s in inputs.replaced.items()}

    for req in (r for r in queue if r.kind == "deprovision"):
        lic = licenses.get(req.license_number or "")
        open_apps = set(lic.open_apps) if lic else set()
        removed_at_submission = req.salesforce_removed_on is not None
        close = [a for a in req.applications if a in open_apps
                 and not (a == ref.SALESFORCE and removed_at_submission)]
        if lic:
            lic.open_apps = [a for a in lic.open_apps if a not in close]
        _seats_closed(seats.get(req.license_number or ""), close, on)
        plan.deprovisioned.append(DeprovisionItem(
            request_id=req.request_id, contact_id=req.contact_id,
            name=inputs.names.get(req.contact_id, req.contact_id), campus=req.campus,
            license_number=req.license_number, applications=close,
            already_removed=[a for a in req.applications if a not in close],
            salesforce_removed_on=req.salesforce_removed_on))

    new_number = inputs.first_new_license
    for req in (r for r in queue if r.kind == "provision"):
        facts = inputs.facts[req.contact_id]
        verdict = check_contact(facts, req.campus, on, policy,
                                course_dates=req.draft.course_dates())
        name = facts.contact.name or req.contact_id
        if not verdict.eligible:
            plan.held.append(HeldItem(
                request_id=req.request_id, contact_id=req.contact_id, name=name,
                campus=req.campus, applications=list(req.applications),
                failures=verdict.failed_rules, reasons=verdict.problems(),
                next_cycle=next_cycle(cycle)))
            continue
        number = req.license_number if req.license_number else by_contact_campus.get(
            (req.contact_id, req.campus))
        created = number is None or number not in licenses
        if number is None:
            while new_number in licenses:
                new_number = following_license_number(new_number)
            number, new_number = new_number, following_license_number(new_number)
        if created:
            licenses[number] = _new_license(number, req)
            by_contact_campus.setdefault((req.contact_id, req.campus), number)
        lic = licenses[number]
        new_user = not lic.open_apps
        add = [a for a in req.applications if a not in lic.open_apps]
        before = {} if created else lic.values()
        after = license_values_after(lic, req, new_user=new_user)
        for k, v in after.items():
            setattr(lic, k, v)
        lic.open_apps = [*lic.open_apps, *add]
        # C3 (rev 2): P10 again, per application, on the processing day; earlier submissions
        # of this batch take a replaced application first
        source = seats.get((req.draft.replaces_license or "").strip())
        decisions = p10_transfers(add, req.draft.salesforce_profile, source, on, req.campus)
        for d in decisions:
            if d.transfer:
                source.taken[d.application] = f"request {req.request_id}"
        transfers = [d.application for d in decisions if d.transfer]
        net_new_apps = [d.application for d in decisions if not d.transfer]
        plan.provisioned.append(ProvisionItem(
            request_id=req.request_id, contact_id=req.contact_id, name=name, campus=req.campus,
            user_email=facts.contact.university_email(req.campus) or facts.contact.email,
            license_number=number, license_created=created, new_user=new_user,
            applications=add, already_held=[a for a in req.applications if a not in add],
            net_new=bool(net_new_apps), replaces_license=req.draft.replaces_license,
            transfers=transfers, net_new_apps=net_new_apps,
            p10_notes=[d.sentence() for d in decisions],
            c3_changed=[a for a in net_new_apps if a in req.transfer_apps],
            specialists=_specialists(after, req), license_before=before, license_after=after))
    plan_changes(queue, inputs, licenses, policy, plan, next_cycle(cycle), seats)   # P15
    return plan


def _seats_closed(source: ReplacedSeats | None, closed: list[str], on: date) -> None:
    """C3/P10: applications this batch removes from a replaced license leave it on ``on``."""
    if source is None:
        return
    for app in source.apps:
        if app.application in closed and app.deprovisioned_on is None:
            app.deprovisioned_on = on
