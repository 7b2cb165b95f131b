"""Cancelling a request that has not been acted on yet (pending or held), with a reason."""
from __future__ import annotations

from datetime import datetime

from ecomm import clock, permissions
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm import access
from ecomm.requests.models import Outcome
from ecomm.storage import audit
from ecomm.storage import requests as rs

CANCELLABLE = ("pending", "held")


def cancel_request(store, actor: Identity, request_id: str, *, reason: str,
                   now_utc: datetime) -> Outcome:
    """A1-A3: the campus's specialist or the System team cancels a pending or held request;
    a cancelled deprovisioning does not give Salesforce back (C4 removed it at submission)."""
    req = rs.request(store, request_id)
    additional = (req or {}).get("license_named")
    if req is None or not access.can_see(actor, req["campus"], additional):
        raise NotFound(f"Request {request_id} was not found.")
    access.require_can_change(actor, req["campus"], additional, doing="cancel requests")
    permissions.require_quiz_pass(actor, clock.denver_date(now_utc), "cancel requests")
    reason = (reason or "").strip()
    if not reason:
        raise EcommError("Give the reason for cancelling the request.")
    if req["status"] not in CANCELLABLE:
        raise EcommError(f"Request {request_id} is {req['status']}: only a pending or held "
                         "request can be cancelled.")

    def fn(cur):
        current = rs.request(cur, request_id)
        if current["status"] not in CANCELLABLE:
            raise EcommError(f"Request {request_id} was {current['status']} a moment ago: only a "
                             "pending or held request can be cancelled.")
        rs.set_status(cur, request_id, "cancelled")
        rs.add_status(cur, request_id, now_utc, "cancelled", actor.email, reason)
        audit.record(cur, actor=actor.email, action="cancel_request", entity="request",
                     entity_id=request_id, campus=current["campus"],
                     before={"status": current["status"]}, after={"status": "cancelled"},
                     detail=reason)

    store.write(fn)
    message = f"Request {request_id} was cancelled."
    if req["kind"] == "deprovision" and req["salesforce_removed_on"]:
        message += (f" {ref.SALESFORCE} was already removed on "
                    f"{req['salesforce_removed_on'].isoformat()} and cancelling does not give it "
                    f"back: submit a provisioning request for {ref.SALESFORCE} if the user still "
                    "needs it.")
    return Outcome(id=request_id, status="cancelled", message=message)
