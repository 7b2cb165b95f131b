"""P15 in the monthly batch: change requests are checked again like provisioning (C3: P1-P5
on the processing day; a failing one is held) and then change the license record: eComm
role, super-user permissions, Cvent add-ons, and the upgrade from Chatter Free to a full
Salesforce license, billed as a new paid Salesforce from the processing day (its Chatter
Free row is closed that day and a Salesforce row opened, net new unless it replaces: P10's
``p10_app_decision``, checked again on the processing day). ``plan_changes`` is pure (called by ``plan.plan_batch``); ``apply`` writes
inside the batch's transaction."""
from __future__ import annotations

from datetime import datetime

from ecomm import reference as ref
from ecomm.batch.models import BatchPlan, ChangeItem, HeldItem
from ecomm.policy import Policy
from ecomm.rules import ChangeDraft, RuleResult, check_contact
from ecomm.rules.stored_requests import CHANGE_FIELDS, change_draft  # noqa: F401
from ecomm.rules.transfer import ReplacedSeats, p10_app_decision
from ecomm.storage import audit
from ecomm.storage import license_changes as lc
from ecomm.storage import requests as rs

def license_after_change(values: dict, draft: ChangeDraft) -> dict:
    """P15: the license's changed fields after the change (lists merged)."""
    after = dict(values)
    if draft.ecomm_role:
        after["ecomm_role"] = draft.ecomm_role
    for k in ("super_user_permissions", "cvent_add_ons"):
        current = list(after.get(k) or [])
        after[k] = current + [v for v in getattr(draft, k) if v not in current]
    if draft.salesforce_upgrade:
        after["salesforce_profile"] = ref.PROFILE_STANDARD
    return after


def plan_changes(queue, inputs, licenses, policy: Policy, plan: BatchPlan,
                 next_cycle: str, seats: dict[str, ReplacedSeats] | None = None) -> None:
    """C3/P15: each change request of the queue, in submission order, is held when the
    contact fails P1-P5 on the processing day, else changes its license (in ``licenses``,
    the plan's copies). An upgrade to full Salesforce is P10 checked again (C3): a transfer
    only when the replaced license's paid Salesforce can be taken (``seats``: the plan's
    copies of the replaced licenses, so one seat is taken once in the batch)."""
    on = inputs.on
    seats = inputs.replaced if seats is None else seats
    for req in (r for r in queue if r.kind == "change"):
        facts = inputs.facts[req.contact_id]
        name = facts.contact.name or req.contact_id
        verdict = check_contact(facts, req.campus, on, policy)
        lic = licenses.get(req.license_number or "")
        if lic is None:
            verdict.results.append(RuleResult(
                rule="P15", passed=False, message=f"License {req.license_number} no longer "
                                                  "exists: cancel the change request"))
        if not verdict.eligible:
            plan.held.append(HeldItem(
                request_id=req.request_id, contact_id=req.contact_id, name=name,
                campus=req.campus, applications=list(req.applications),
                failures=verdict.failed_rules, reasons=verdict.problems(), next_cycle=next_cycle))
            continue
        draft = req.change
        before = lic.values()
        after = license_after_change(before, draft)
        for k, v in after.items():
            setattr(lic, k, v)
        changed = {k for k in after if after[k] != before.get(k)}
        upgrade = draft.salesforce_upgrade and ref.SALESFORCE in lic.open_apps
        net_new = True
        if upgrade:
            source = seats.get((draft.replaces_license or "").strip())
            decision = p10_app_decision(ref.SALESFORCE, ref.PROFILE_STANDARD, source, on,
                                        req.campus)
            net_new = not decision.transfer
            if decision.transfer and source is not None:
                source.taken[ref.SALESFORCE] = f"request {req.request_id}"
        plan.changed.append(ChangeItem(
            request_id=req.request_id, contact_id=req.contact_id, name=name, campus=req.campus,
            license_number=lic.license_number, asks=draft.asks(), salesforce_upgrade=upgrade,
            net_new=net_new, replaces_license=draft.replaces_license,
            license_before={k: before.get(k) for k in changed},
            license_after={k: after[k] for k in changed}))


def apply(cur, plan: BatchPlan, actor: str, now_utc: datetime) -> None:
    """Write the plan's change requests: license fields, the upgraded Salesforce row, the
    request's status and history, audit entries (A4)."""
    on = plan.on
    for c in plan.changed:
        lc.set_license_fields(cur, c.license_number, c.license_after)
        if c.salesforce_upgrade:
            lc.upgrade_salesforce(cur, c.license_number, on, net_new=c.net_new,
                                  transfer_from=None if c.net_new else c.replaces_license)
        kind = "net new" if c.net_new else f"license transfer from {c.replaces_license}"
        note = (f"Batch {plan.cycle}: {'; '.join(c.asks)} on {c.license_number}"
                + (f" (Salesforce from {on.isoformat()}, {kind})" if c.salesforce_upgrade else ""))
        rs.set_status(cur, c.request_id, "processed", now_utc)
        lc.clear_held_reasons(cur, c.request_id)
        rs.add_status(cur, c.request_id, now_utc, "processed", actor, note)
        audit.record(cur, actor=actor, action="batch_change", entity="license",
                     entity_id=c.license_number, campus=c.campus, before=c.license_before or None,
                     after={**c.license_after, "salesforce_upgrade": c.salesforce_upgrade,
                            "net_new": c.net_new if c.salesforce_upgrade else None},
                     detail=note)
        audit.record(cur, actor=actor, action="batch_change", entity="request",
                     entity_id=c.request_id, campus=c.campus, before={"status": "pending"},
                     after={"status": "processed", "license_number": c.license_number},
                     detail=note)
