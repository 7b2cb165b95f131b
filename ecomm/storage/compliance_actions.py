"""Storage for "from list to action" (ecomm.compliance_actions): the reason a deprovisioning
request was made from a compliance list (Q1-Q3), kept on the request and in the audit log (A4)."""
from __future__ import annotations

from ecomm.storage import audit


def record_deprovision_reason(store, request_id: str, reason: str, *, actor: str,
                              campus: str | None) -> None:
    """A4: keep why a compliance list led to this deprovisioning request (request notes + audit)."""
    def run(cur) -> None:
        cur.execute("UPDATE requests SET notes = ? WHERE request_id = ? AND kind = 'deprovision' "
                    "AND notes IS NULL", [reason, request_id])
        audit.record(cur, actor=actor, action="deprovision_reason", entity="request",
                     entity_id=request_id, campus=campus, detail=reason,
                     after={"notes": reason})

    store.write(run)
