"""P10 (rev 2): "Replacing another user" is decided per application.

An application of a provisioning request is a **transfer** (not net new) only when the
replaced license (same campus) held that same application, and that application was
deprovisioned in the current fiscal year or is leaving (held, with a deprovisioning request
pending); a Chatter Free Salesforce (free) transfers no paid Salesforce; each application of
a replaced license is taken by one transfer only (earliest submission first). Every other
application is **net new**. Checked at submission (the confirmation says which is which) and
again when the batch processes the request (C3).

Pure: the caller loads ``ReplacedSeats`` (``ecomm.storage.transfers``).
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ecomm import reference as ref
from ecomm.rules.models import LicenseApp

TRANSFER, NET_NEW = "transfer", "net new"


class ReplacedSeats(BaseModel):
    """P10: what the replaced license can hand on: its campus, Salesforce profile, application
    rows, the applications in its open deprovisioning requests, and those already taken."""

    license_number: str
    affiliated_campus: str
    salesforce_profile: str | None = None
    apps: list[LicenseApp] = Field(default_factory=list)
    pending_deprovision: list[str] = Field(default_factory=list)   # applications leaving
    taken: dict[str, str] = Field(default_factory=dict)           # application -> taken by


class AppDecision(BaseModel):
    """P10: one application of a request: transfer or net new, and why."""

    application: str
    transfer: bool
    reason: str

    @property
    def word(self) -> str:
        return TRANSFER if self.transfer else NET_NEW

    def sentence(self) -> str:
        return f"{self.application}: {self.word} ({self.reason})"


def _fy_start(on: date) -> date:
    """B1: July 1 of the fiscal year ``on`` falls in."""
    return date(on.year if on.month >= 7 else on.year - 1, 7, 1)


def _chatter_free(profile: str | None) -> bool:
    return (profile or "").strip().lower() == ref.PROFILE_CHATTER_FREE.lower()


def p10_app_decision(application: str, salesforce_profile: str | None,
                     replaced: ReplacedSeats | None, on: date, campus: str) -> AppDecision:
    """P10: is ``application`` of a request (campus ``campus``, on ``on``) a transfer from
    ``replaced``? Transfer only when the replaced license of the same campus held it, left
    this fiscal year or is leaving, it is not already taken, and no free (Chatter Free)
    Salesforce would become a paid one."""
    def net_new(reason: str) -> AppDecision:
        return AppDecision(application=application, transfer=False, reason=reason)

    if replaced is None:
        return net_new("not replacing another user")
    number = replaced.license_number
    if replaced.affiliated_campus != campus:
        return net_new(f"{number} is a {replaced.affiliated_campus} license, not {campus}")
    rows = [a for a in replaced.apps if a.application == application]
    if not rows:
        return net_new(f"{number} never held {application}")
    if (application == ref.SALESFORCE and _chatter_free(replaced.salesforce_profile)
            and not _chatter_free(salesforce_profile)):
        return net_new(f"{number}'s Salesforce was Chatter Free (free): it transfers no paid "
                       "Salesforce")
    last = max(rows, key=lambda a: a.provisioned_on)
    if last.held_on(on) or (last.deprovisioned_on is not None and last.deprovisioned_on > on):
        if application not in replaced.pending_deprovision:
            return net_new(f"{number} still holds {application} and has no deprovisioning "
                           "request pending")
        state = f"{number}'s {application} is leaving (deprovisioning pending)"
    else:
        gone = last.deprovisioned_on
        start = _fy_start(on)
        if gone is None or gone < start:
            return net_new(f"{number}'s {application} was removed on {gone}, before this "
                           f"fiscal year began ({start})")
        state = f"{number}'s {application} was removed on {gone}"
    if application in replaced.taken:
        return net_new(f"{number}'s {application} was already taken by "
                       f"{replaced.taken[application]}")
    return AppDecision(application=application, transfer=True,
                       reason=f"{state}: the seat continues (B5)")


def p10_transfers(applications: list[str], salesforce_profile: str | None,
                  replaced: ReplacedSeats | None, on: date, campus: str) -> list[AppDecision]:
    """P10: per application of the request, transfer or net new (see ``p10_app_decision``)."""
    return [p10_app_decision(a, salesforce_profile, replaced, on, campus)
            for a in applications]


def transfer_apps(decisions: list[AppDecision]) -> list[str]:
    """The applications decided as transfers."""
    return [d.application for d in decisions if d.transfer]


def net_new_apps(decisions: list[AppDecision]) -> list[str]:
    """The applications decided as net new."""
    return [d.application for d in decisions if not d.transfer]
