"""C7: the System team's tasks. A request for a new MEC, for super-user permissions, with "New
Public Group" or with "New SpeedType Needed" opens a task when it is submitted (form, CLI,
requests.csv) and the System team is told at once (outbox); a person of the System team
closes it (audited); the Batch page shows the open tasks of its cycle."""
from __future__ import annotations

from datetime import datetime

from ecomm import clock
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.permissions import require_system
from ecomm.rules.license_life import C7_REASONS, c7_task_reasons
from ecomm.storage import audit
from ecomm.storage import notifications as store_n
from ecomm.storage import specialists as p17
from ecomm.storage import system_tasks as db

KIND_WORDS = {"provision": "provisioning", "change": "change", "change_groups": "group change",
              "deprovision": "deprovisioning"}


def reasons_of(request: dict) -> list[str]:
    """C7: the task reasons of a request row (or draft dict)."""
    return c7_task_reasons(
        ecomm_role=request.get("ecomm_role"),
        super_user_permissions=request.get("super_user_permissions") or (),
        public_groups=request.get("public_groups") or (),
        campus_speedtype=request.get("campus_speedtype"),
        unit_speedtypes=request.get("unit_speedtypes"))


def open_for_request(cur, request: dict, *, actor: str, now_utc: datetime) -> bool:
    """C7, inside the submission's transaction: open the request's task and queue the System
    team's message when it needs one; True when a task was opened."""
    reasons = reasons_of(request)
    if not reasons:
        return False
    rid = request["request_id"]
    words = [C7_REASONS[r] for r in reasons]
    if not db.insert_task(cur, request_id=rid, campus=request["campus"],
                          cycle=request.get("cycle"), reasons=reasons, detail="; ".join(words),
                          at=now_utc, by=actor):
        return False
    audit.record(cur, actor=actor, action="open_system_task", entity="system_task",
                 entity_id=rid, campus=request["campus"], after={"reasons": reasons,
                                                                  "cycle": request.get("cycle")},
                 detail="C7: " + "; ".join(words))
    team = p17.system_team(cur)
    if team:
        who = store_n.request_recipients_many(cur, [rid])[rid]
        store_n.queue_messages(cur, [NewMessage(
            template_key=t.SYSTEM_TASK, dedup_key=f"system_task:{rid}", to=team,
            context={"full_name": who["full_name"], "campus": request["campus"],
                     "license_number": request.get("license_number") or "new license",
                     "request_id": rid, "kind": KIND_WORDS.get(request.get("kind"), "a"),
                     "reasons": t.bullets(words), "cycle": request.get("cycle") or "off-cycle",
                     "submitted_by": request.get("submitted_by") or actor})])
    return True


def open_for_imported(cur, request_ids: list[str], *, actor: str) -> int:
    """C7 for requests.csv: the open imported requests that need a task get one (once)."""
    n = 0
    for row in db.open_requests_needing_tasks(cur, request_ids):
        n += open_for_request(cur, row, actor=actor, now_utc=row["submitted_at"])
    return n


def list_tasks(store, actor: Identity, *, cycle: str | None = None,
               open_only: bool = False) -> list[dict]:
    """C7 (A2): the System team's tasks, of one cycle or all; open ones only if asked."""
    require_system(actor, "see the System team's tasks")
    rows = db.list_tasks(store, cycle=cycle, open_only=open_only)
    for r in rows:
        r["what"] = "; ".join(C7_REASONS.get(x, x) for x in r["reasons"] or [])
        r["opened"] = clock.format_datetime(r["opened_at"]) if r["opened_at"] else ""
    return rows


def close_task(store, actor: Identity, request_id: str, note: str | None = None, *,
               now_utc: datetime) -> dict:
    """C7 (A2, A4): a person of the System team closes a task (done); audited."""
    require_system(actor, "close the System team's tasks")

    def fn(cur):
        task = db.task(cur, request_id)
        if task is None:
            raise NotFound(f"There is no System team task for {request_id}.")
        if task["closed_at"] is not None:
            raise EcommError(f"The task of {request_id} was already closed by "
                             f"{task['closed_by']}.")
        clean = (note or "").strip() or None
        db.close_task(cur, request_id, at=now_utc, by=actor.email, note=clean)
        audit.record(cur, actor=actor.email, action="close_system_task", entity="system_task",
                     entity_id=request_id, campus=task["campus"], before={"closed_at": None},
                     after={"closed_at": now_utc, "closed_by": actor.email, "note": clean},
                     detail="C7: task done")
        return db.task(cur, request_id)

    return store.write(fn)


def specialist_gaps(store, actor: Identity) -> list[str]:
    """P17: sentences for the campuses (this person sees) with no eComm specialist at all:
    their licenses name none and the System team receives what would go to the specialist."""
    from ecomm import permissions

    out = []
    for campus in p17.campuses_without_specialist(store):
        if actor is not None and actor.active and permissions.can_see_campus(actor, campus):
            out.append(f"P17: {campus} has no eComm specialist: its licenses name none, and the "
                       "System team receives what would go to the specialist. Add a specialist "
                       f"of {campus} (Admin: users, or reference data 'primary specialist').")
    return out
