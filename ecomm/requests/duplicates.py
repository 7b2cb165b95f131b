"""One waiting request per thing (P7, C4, C5), decided inside the write transaction.

The submit services run these on their ``store.write(fn)`` cursor, after every other
submission in this process has committed (writes are serialised), so that of many identical
submissions made at once exactly one lands and the others get a sentence naming the rule and
the request already waiting. The unique index of ``ecomm.storage.open_requests`` backs them.
"""
from __future__ import annotations

from ecomm.errors import EcommError
from ecomm.storage import open_requests as orq


def _refuse(what: str, sentence: str) -> None:
    raise EcommError(f"{what} cannot be submitted: {sentence}. Nothing was saved.", [sentence])


def _names(items) -> str:
    return ", ".join(sorted(items))


def p7_provision_pending(cur, contact_id: str, applications: list[str]) -> None:
    """P7: an application already in the contact's waiting provisioning request is not
    requested again (cancel that request first)."""
    for r in orq.open_of_contact(cur, contact_id, "provision"):
        same = set(applications) & set(r["applications"] or [])
        if same:
            _refuse("This provisioning request",
                    f"P7: a provisioning request for {_names(same)} is already requested for "
                    f"{r['license_number']} ({r['request_id']}, {r['status']}): cancel it "
                    "first, or wait for its batch")


def p7_deprovision_pending(cur, license_number: str, applications: list[str]) -> None:
    """P7: an application already in a waiting deprovisioning request of the license is not
    asked for again (its batch removes it)."""
    for r in orq.open_of_license(cur, license_number, "deprovision"):
        same = set(applications) & set(r["applications"] or [])
        if same:
            _refuse("This deprovisioning request",
                    f"P7: removal of {_names(same)} from {license_number} is already requested "
                    f"({r['request_id']}, {r['status']}): wait for its batch or cancel it")


def _group_key(req: dict) -> tuple:
    def norm(v):
        return tuple(sorted(v or []))
    return (norm(req.get("business_units")), norm(req.get("public_groups")),
            (req.get("new_public_group") or "").strip().lower(),
            norm(req.get("remove_business_units")), norm(req.get("remove_public_groups")))


def c5_group_change_pending(cur, license_number: str, change: dict) -> None:
    """C5: the same group change is not asked for twice while the first waits for the System
    team."""
    for r in orq.open_of_license(cur, license_number, "change_groups"):
        if _group_key(r) == _group_key(change):
            _refuse("This group change",
                    f"C5: the same group change is already requested for {license_number} "
                    f"({r['request_id']}, pending): wait for the System team to complete it, "
                    "or cancel it")
