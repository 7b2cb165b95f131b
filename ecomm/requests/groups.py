"""Off-cycle changes of a user's business units and public groups (C5): a specialist asks,
the System team completes the ticket; no batch, no cycle."""
from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from ecomm import clock
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.identity import Identity
from ecomm.notifications import work as work_messages
from ecomm.requests import access
from ecomm.requests.deprovision import load_license_for
from ecomm.requests.models import Confirmation, Outcome
from ecomm.rules import GroupChangeDraft, check_group_change, p11_groups
from ecomm.storage import audit
from ecomm.storage import requests as rs


def request_group_change(store, actor: Identity, license_number: str,
                         add_business_units: list[str], remove_business_units: list[str],
                         add_public_groups: list[str], remove_public_groups: list[str],
                         new_public_group: str | None = None, *,
                         now_utc: datetime) -> Confirmation:
    """C5 (with P6, P7, P11, P14): ask for business units / public groups to be added or
    removed; the request waits for the System team, not for a batch."""
    lic = load_license_for(store, actor, license_number)
    access.require_can_change(actor, lic.affiliated_campus, lic.additional_specialists,
                              doing="ask for group changes")
    try:
        draft = GroupChangeDraft(
            campus=lic.affiliated_campus, license_number=lic.license_number,
            business_units=add_business_units or [], public_groups=add_public_groups or [],
            remove_business_units=remove_business_units or [],
            remove_public_groups=remove_public_groups or [], new_public_group=new_public_group)
    except ValidationError as exc:
        raise from_validation_error(exc, "The group change") from None
    on = clock.denver_date(now_utc)
    check_group_change(draft, lic, actor, on, groups=rs.group_choices(
        store, lic.affiliated_campus)).raise_if_refused("This group change")

    def fn(cur):
        rid = rs.next_request_id(cur)
        request = {"request_id": rid, "kind": "change_groups", "contact_id": lic.contact_id,
                   "campus": lic.affiliated_campus, "submitted_at": now_utc,
                   "submitted_by": actor.email, "license_number": lic.license_number,
                   "business_units": draft.business_units, "public_groups": draft.public_groups,
                   "new_public_group": draft.new_public_group,
                   "remove_business_units": draft.remove_business_units,
                   "remove_public_groups": draft.remove_public_groups, "status": "pending",
                   "cycle": None}
        rs.insert_request(cur, request)
        rs.add_status(cur, rid, now_utc, "pending", actor.email,
                      "C5: off-cycle; waits for the System team")
        audit.record(cur, actor=actor.email, action="request_group_change", entity="request",
                     entity_id=rid, campus=lic.affiliated_campus, after=request)
        return rid

    rid = store.write(fn)
    return Confirmation(
        request_id=rid, kind="change_groups", status="pending", contact_id=lic.contact_id,
        campus=lic.affiliated_campus, license_number=lic.license_number,
        message=f"Your group change {rid} for {lic.license_number} has been sent to the System team.",
        effects=["C5: group changes are off-cycle: the System team makes the change as soon as "
                 "it completes the ticket, without waiting for the monthly batch. You will see "
                 "it as completed in the license record."])


def changed_groups(current_units: list[str], current_groups: list[str], req: dict
                   ) -> tuple[list[str], list[str]]:
    """C5: the license's lists after the change (removals, then additions in order; "New
    Public Group" stands for the new group's name)."""
    units = [g for g in current_units if g not in (req["remove_business_units"] or [])]
    units += [g for g in req["business_units"] or [] if g not in units]
    groups = [g for g in current_groups if g not in (req["remove_public_groups"] or [])]
    for g in req["public_groups"] or []:
        if g.strip().lower() == ref.NEW_PUBLIC_GROUP.lower() and req["new_public_group"]:
            g = req["new_public_group"]
        if g not in groups:
            groups.append(g)
    return units, groups


def complete_group_change(store, actor: Identity, request_id: str, *,
                          now_utc: datetime) -> Outcome:
    """C5/A2: the System team applies a pending group change to the license's lists."""
    access.require_system(actor, doing="complete group changes")
    req = rs.request(store, request_id)
    if req is None or req["kind"] != "change_groups":
        raise NotFound(f"There is no group change {request_id}.")
    if req["status"] != "pending":
        raise EcommError(f"Group change {request_id} is {req['status']}: only a pending one can "
                         "be completed.")

    def fn(cur):
        current = rs.request(cur, request_id)
        if current["status"] != "pending":
            raise EcommError(f"Group change {request_id} was {current['status']} a moment ago.")
        lic = rs.license(cur, current["license_number"])
        if lic is None:
            raise NotFound(f"License {current['license_number']} no longer exists.")
        before = {"business_units": lic["business_units"] or [],
                  "public_groups": lic["public_groups"] or []}
        units, groups = changed_groups(before["business_units"], before["public_groups"], current)
        p11 = [r for r in p11_groups(units, groups, None) if not r.passed]
        if p11:
            raise EcommError(f"Group change {request_id} cannot be completed.",
                             [r.sentence() for r in p11])
        rs.set_license_groups(cur, lic["license_number"], units, groups)
        rs.set_status(cur, request_id, "completed", now_utc)
        rs.add_status(cur, request_id, now_utc, "completed", actor.email,
                      "C5: groups changed on the license")
        audit.record(cur, actor=actor.email, action="complete_group_change", entity="license",
                     entity_id=lic["license_number"], campus=lic["affiliated_campus"],
                     before=before, after={"business_units": units, "public_groups": groups},
                     detail=f"Group change {request_id}")
        work_messages.queue_group_change_done(   # C5: the requester is told (issue 18)
            cur, request_id=request_id, requested_by=current["submitted_by"],
            license_number=lic["license_number"], units=units, groups=groups)
        return lic["license_number"], units, groups

    number, units, groups = store.write(fn)
    return Outcome(id=request_id, status="completed",
                   message=f"Group change {request_id} completed: {number} is now in business "
                           f"units {'; '.join(units)} and public groups {'; '.join(groups)}.")


def list_group_change_queue(store, actor: Identity) -> list[dict]:
    """C5: pending group changes, oldest first, limited to what this person may see (A1-A3)."""
    scope = access.scope_for(actor)
    rows = rs.list_requests(store, campus_scope=scope.campus, email_scope=scope.email,
                            status="pending", kind="change_groups")
    return sorted(rows, key=lambda r: (r["submitted_at"], r["request_id"]))
