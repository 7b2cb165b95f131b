"""From list to action (Q1-Q4): people selected on a compliance list become deprovisioning
requests in one step. Each item goes through ``ecomm.requests.submit_deprovision`` (C4 with
P6, P7, P14 and A1-A3): the same rules and permission checks as the request form.

Decision: **items are independent.** Each item is its own request in its own transaction;
an item refused by a rule or a permission check is reported with its sentence and does not
stop or undo the others. ``BulkResult`` says, item by item, which request was created or why
not, and ``BulkResult.summary`` says so in words. Only problems with the whole call (nothing
selected, no reason given, a manager asking) refuse everything before anything is submitted.

The reason is kept on each created request (its notes) and in the audit log (A4).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

import pandas as pd
from pydantic import BaseModel, Field

from ecomm import clock, permissions
from ecomm import reference as ref
from ecomm.compliance import CourseStatus, IdleApp, QuizStatus
from ecomm.compliance_frames import table_licenses
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.requests import Confirmation, submit_deprovision
from ecomm.requests.deprovision import load_license_for
from ecomm.storage import contacts
from ecomm.storage.compliance_actions import record_deprovision_reason

QUIZ, IDLE, COURSES = "quiz", "idle", "courses"
LEAVERS = "leavers"  # Q4 (rev 2)


class DeprovisionItem(BaseModel):
    """One person to deprovision from a list. ``applications=None`` means every application
    the license holds on the submission day (leaving out those already requested for removal)."""

    license_number: str
    applications: list[str] | None = None
    reason: str


class ItemResult(BaseModel):
    """What became of one item: the request's Confirmation, or the refusal sentence."""

    license_number: str
    applications: list[str] = Field(default_factory=list)
    reason: str
    confirmation: Confirmation | None = None
    refusal: str | None = None
    problems: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.confirmation is not None

    @property
    def request_id(self) -> str | None:
        return self.confirmation.request_id if self.confirmation else None

    def sentence(self) -> str:
        """One line for people: the request created, or why this item was refused."""
        if self.confirmation is not None:
            c = self.confirmation
            when = f", cycle {c.cycle}" if c.cycle else ""
            return (f"{self.license_number}: request {c.request_id} ({c.status}{when}) removes "
                    f"{', '.join(c.applications)}.")
        detail = "; ".join(self.problems)
        return f"{self.license_number}: refused. {self.refusal}" + (f" {detail}" if detail else "")


class BulkResult(BaseModel):
    """Per item (in the order given) the request created or the refusal; items are independent."""

    items: list[ItemResult] = Field(default_factory=list)

    @property
    def created(self) -> list[ItemResult]:
        return [i for i in self.items if i.ok]

    @property
    def refused(self) -> list[ItemResult]:
        return [i for i in self.items if not i.ok]

    @property
    def request_ids(self) -> list[str]:
        return [i.request_id for i in self.created]

    @property
    def summary(self) -> str:
        made = (f"{len(self.created)} deprovisioning request(s) created: "
                f"{', '.join(self.request_ids)}." if self.created
                else "No deprovisioning request was created.")
        if not self.refused:
            return made
        return (f"{made} {len(self.refused)} of {len(self.items)} refused (each person is a "
                "separate request: a refused one does not stop the others).")


def request_deprovisioning(store, actor: Identity, items: list[DeprovisionItem], *,
                           now_utc: datetime) -> BulkResult:
    """Q1-Q3 to C4: one deprovisioning request per item through submit_deprovision (same rules,
    same A1-A3 checks); a refused item does not block the others."""
    permissions.require_writer(actor, "submit deprovisioning requests")
    if not items:
        raise EcommError("Select at least one person to deprovision.")
    blank = [i.license_number for i in items if not (i.reason or "").strip()]
    if blank:
        raise EcommError("Give the reason for the deprovisioning (it is kept on each request); "
                         "nothing was submitted.", [f"{ln}: no reason given" for ln in blank])
    on = clock.denver_date(now_utc)
    out = BulkResult()
    for item in items:
        ln = (item.license_number or "").strip().upper()
        reason = item.reason.strip()
        result = ItemResult(license_number=ln, applications=list(item.applications or []),
                            reason=reason)
        try:
            apps = (list(item.applications) if item.applications is not None
                    else _held_applications(store, actor, ln, on))
            result.applications = apps
            result.confirmation = submit_deprovision(store, actor, ln, apps, now_utc=now_utc)
        except EcommError as exc:
            result.refusal, result.problems = exc.message, list(exc.problems)
        else:
            record_deprovision_reason(store, result.request_id, reason, actor=actor.email,
                                      campus=result.confirmation.campus)
            result.confirmation.effects.append(f"Reason recorded on the request: {reason}")
        out.items.append(result)
    return out


def _held_applications(store, actor: Identity, license_number: str, on: date) -> list[str]:
    """Every application the license holds on ``on`` not already requested for removal; when
    all are, all of them (so P7 says why); refused when it holds nothing."""
    lic = load_license_for(store, actor, license_number)  # A1: NotFound outside the scope
    held = [a for a in ref.APPLICATIONS if a in lic.applications_on(on)]
    if not held:
        raise EcommError(f"{lic.license_number} holds no application on {on.isoformat()}: "
                         "there is nothing to deprovision.")
    pending = contacts.pending_removals(store, lic.license_number)
    return [a for a in held if a not in pending] or held


# -- turning list rows into items -------------------------------------------------------------
def default_reason(kind: str, policy: Policy) -> str:
    """The reason offered for a list (the person may change it)."""
    if kind == QUIZ:
        return f"Q1: post-training quiz not passed within {policy.quiz_deadline_days} days"
    if kind == IDLE:
        return f"Q2: no login for {policy.idle_months} months"
    if kind == COURSES:
        return "Q3: pre-access course out of date (non-compliant)"
    if kind == LEAVERS:
        return "Q4: leaver: no longer meets P3 (employment ended or Person of Interest inactive)"
    raise ValueError(f"unknown list {kind!r}")


def _license_items(license_numbers: Iterable[str], reason: str) -> list[DeprovisionItem]:
    """Q1/Q3: one item per license (first seen first), removing everything it holds."""
    return [DeprovisionItem(license_number=ln, reason=reason)
            for ln in dict.fromkeys(license_numbers)]


def _idle_items(pairs: Iterable[tuple[str, str]], reason: str) -> list[DeprovisionItem]:
    """Q2: (license, idle application) pairs: one item per license removing the idle ones."""
    apps: dict[str, set[str]] = {}
    for ln, application in pairs:
        apps.setdefault(ln, set()).add(application)
    return [DeprovisionItem(license_number=ln, reason=reason,
                            applications=[a for a in ref.APPLICATIONS if a in held])
            for ln, held in apps.items()]


def quiz_items(rows: Iterable[QuizStatus], reason: str) -> list[DeprovisionItem]:
    """Q1 rows: one item per license, removing everything it holds."""
    return _license_items((r.license_number for r in rows), reason)


def idle_items(rows: Iterable[IdleApp], reason: str) -> list[DeprovisionItem]:
    """Q2 rows (one per idle application): one item per license removing the idle ones."""
    return _idle_items(((r.license_number, r.application) for r in rows), reason)


def course_items(rows: Iterable[CourseStatus], reason: str) -> list[DeprovisionItem]:
    """Q3 rows (one per contact and course): one item per license of those contacts."""
    return _license_items((ln for r in rows for ln in r.license_numbers), reason)


def table_items(kind: str, table: pd.DataFrame, reason: str) -> list[DeprovisionItem]:
    """Q1-Q3 rows of the page's tables (``ecomm.compliance_frames``), as the items above."""
    if kind in (QUIZ, LEAVERS):
        return _license_items(table["license"], reason)
    if kind == IDLE:
        return _idle_items(zip(table["license"], table["application"]), reason)
    if kind == COURSES:
        return _license_items(table_licenses(table), reason)
    raise ValueError(f"unknown list {kind!r}")
