"""Off-cycle changes of a user's business units and public groups (C5): a specialist asks,
the System team completes the ticket; no batch, no cycle."""
from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from ecomm import clock, system_tasks
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.identity import Identity
from ecomm import access
from ecomm.requests import duplicates
from ecomm.requests.deprovision import load_license_for
from ecomm.requests.models import Confirmation, Outcome
from ecomm.rules import GroupChangeDraft, check_group_change, p11_groups
from ecomm.rules.stored_requests import c5_changed_groups
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.storage import audit, contacts
from ecomm.storage import notifications as store_n
from ecomm.storage import specialists as p17
from ecomm.storage import requests as rs


def request_group_change(store, actor: Identity, license_number: str,
                         add_business_units: list[str], remove_business_units: list[str],
                         add_public_groups: list[str], remove_public_groups: list[str],
                         new_public_group: str | None = None, *,
                         now_utc: datetime) -> Confirmation:
    """C5 (with P6, P7, P11, P14): ask for business units / public groups to be added or
    removed; the request waits for the System team, not for a batch."""
    lic = load_license_for(store, actor, license_number)
    access.require_can_change(actor, lic.affiliated_campus, access.named(lic),
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

    def fn(cur):
        # P6, P7, P11, P14 and C5's "not twice" inside the transaction: of changes asked at
        # once, one lands; the license's groups are read as they are now
        reader = rs.CursorReader(cur)
        now_lic = contacts.load_license(reader, lic.license_number)
        if now_lic is None:
            raise NotFound(f"License {lic.license_number} no longer exists.")
        check_group_change(draft, now_lic, actor, on, groups=rs.group_choices(
            reader, lic.affiliated_campus)).raise_if_refused("This group change")
        duplicates.c5_group_change_pending(cur, lic.license_number, draft.model_dump())
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
        system_tasks.open_for_request(cur, request, actor=actor.email, now_utc=now_utc)  # C7
        return rid

    rid = store.write(fn)
    return Confirmation(
        request_id=rid, kind="change_groups", status="pending", contact_id=lic.contact_id,
        campus=lic.affiliated_campus, license_number=lic.license_number,
        message=f"Your group change {rid} for {lic.license_number} has been sent to the System team.",
        effects=["C5: group changes are off-cycle: the System team makes the change as soon as "
                 "it completes the ticket, without waiting for the monthly batch. You will see "
                 "it as completed in the license record, and you will be notified when it is complete."])


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
        units, groups = c5_changed_groups(before["business_units"], before["public_groups"], current)
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
        queue_group_change_done(cur, current, units, groups)  # C5 (rev 2)
        return lic["license_number"], units, groups

    number, units, groups = store.write(fn)
    return Outcome(id=request_id, status="completed",
                   message=f"Group change {request_id} completed: {number} is now in business "
                           f"units {'; '.join(units)} and public groups {'; '.join(groups)}.")


def queue_group_change_done(cur, req: dict, units: list[str], groups: list[str]) -> int:
    """C5 (rev 2): the requesting specialist is told the group change is complete (the
    license's specialists cc'd; P17: someone always receives it)."""
    who = store_n.license_recipients(cur, [req["license_number"]]).get(req["license_number"], {})
    to = [req["submitted_by"]] if "@" in (req["submitted_by"] or "") else []
    cc = who.get("specialists") or []
    if not to:
        to = p17.reach(cc, req["campus"], p17.primary_specialists(cur), p17.system_team(cur))
    if not to:
        return 0
    return store_n.queue_messages(cur, [NewMessage(
        template_key=t.GROUP_CHANGE_DONE, dedup_key=f"group_change_done:{req['request_id']}",
        to=to, cc=cc, context={"full_name": who.get("full_name") or req["contact_id"],
                               "license_number": req["license_number"], "campus": req["campus"],
                               "request_id": req["request_id"],
                               "business_units": "; ".join(units),
                               "public_groups": "; ".join(groups)})])


def list_group_change_queue(store, actor: Identity) -> list[dict]:
    """C5: pending group changes, oldest first, limited to what this person may see (A1-A3)."""
    scope = access.scope_for(actor)
    rows = rs.list_requests(store, campus_scope=scope.campus, email_scope=scope.email,
                            status="pending", kind="change_groups")
    return sorted(rows, key=lambda r: (r["submitted_at"], r["request_id"]))
