"""B10 seats (rules revision 2; 000: "ensure certain licences are available (and procure more if
needed)"): the System team records, per application and fiscal year, the seats purchased and
their cost. The app shows purchased, assigned and available seats, warns at submission when a
request would go past the seats available (a warning, never a block), and alerts the System
team when an application's available seats fall below the Policy threshold (5% of purchased).

Decisions:
- *Assigned* on a day: licenses holding the application that day; a Chatter Free Salesforce
  (B3, the free profile) takes no paid Salesforce seat. *In the queue*: the applications of
  pending and held provisioning requests (each will take a seat at its batch). *Available* =
  purchased - assigned - in the queue (it may be negative: over the seats bought).
- The seats of the fiscal year of the day (B1) apply; an application with no seats recorded for
  that year is not counted against anything (no warning, no alert) and shows "not recorded".
- A request's application needs a seat unless the license it replaces holds that same
  application (P10: a transfer takes over the replaced seat).
- The alert is queued by the daily messages run (``notify``), once per fiscal year,
  application and purchased count (buying more seats and falling below again alerts again).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel

from ecomm import permissions
from ecomm import reference as ref
from ecomm.billing.fiscal import fiscal_year_of
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.storage import audit
from ecomm.storage import seats as db
from ecomm.storage.settings import load_policy


class SeatLine(BaseModel):
    """B10: one application's seats in a fiscal year on a day."""
    fiscal_year: int
    application: str
    purchased: int | None = None        # None: not recorded for that year
    cost: Decimal | None = None
    assigned: int = 0
    queued: int = 0
    threshold_percent: int = 5

    @property
    def recorded(self) -> bool:
        return self.purchased is not None

    @property
    def available(self) -> int | None:
        return None if self.purchased is None else b10_available(self.purchased, self.assigned,
                                                                 self.queued)

    @property
    def low(self) -> bool:
        return self.purchased is not None and b10_below_threshold(
            self.available, self.purchased, self.threshold_percent)


def b10_available(purchased: int, assigned: int, queued: int) -> int:
    """B10: seats available = purchased - assigned - waiting in the queue."""
    return purchased - assigned - queued


def b10_below_threshold(available: int, purchased: int, percent: int) -> bool:
    """B10: available seats below ``percent`` (5) % of those purchased: 100 purchased with 4
    available is below (4 < 5), with 5 available is not."""
    return Decimal(available) < Decimal(purchased) * Decimal(percent) / Decimal(100)


def b10_seat_warnings(lines: dict[str, SeatLine], needed: list[str]) -> list[str]:
    """B10: a warning (not a block) per application of a request that would go past the seats
    available (each needs one more seat)."""
    out = []
    for app in needed:
        line = lines.get(app)
        if line is None or not line.recorded or line.available >= 1:
            continue
        out.append(
            f"B10: {app} has {max(line.available, 0)} seat(s) available for FY{line.fiscal_year} "
            f"({line.purchased} purchased, {line.assigned} assigned, {line.queued} in the queue): "
            "this request goes past them. It can still be submitted; the System team is told so "
            "it can procure more.")
    return out


# -- services ------------------------------------------------------------------------------
def seat_lines(store, as_of: date, policy: Policy | None = None,
               fiscal_year: int | None = None) -> list[SeatLine]:
    """B10: every application's seats for the fiscal year of as_of (or ``fiscal_year``):
    purchased, assigned, in the queue, available (everyone may read them)."""
    policy = policy or load_policy(store)
    fy = fiscal_year or fiscal_year_of(as_of)
    recorded = {r["application"]: r for r in db.seat_rows(store, fy)}
    used = db.usage(store, as_of)
    out = []
    for app in ref.APPLICATIONS:
        row = recorded.get(app) or {}
        assigned, queued = used.get(app, (0, 0))
        out.append(SeatLine(fiscal_year=fy, application=app, purchased=row.get("purchased"),
                            cost=row.get("cost"), assigned=assigned, queued=queued,
                            threshold_percent=policy.seats_alert_percent))
    return out


def submission_warnings(store, applications: list[str], *, as_of: date,
                        replaces_license: str | None = None) -> list[str]:
    """B10: what the form (and any other way of submitting) shows before a provisioning or
    change request is submitted: the applications it asks for that would go past the seats
    available on as_of. Never a refusal."""
    transferred = db.applications_of_license(store, replaces_license, as_of)
    needed = [a for a in ref.APPLICATIONS if a in applications and a not in transferred]
    if not needed:
        return []
    lines = {line.application: line for line in seat_lines(store, as_of)}
    return b10_seat_warnings(lines, needed)


def record_seats(store, actor: Identity, *, fiscal_year: int, application: str, purchased,
                 cost=None, contract_end: date | None = None, notes: str | None = None
                 ) -> dict:
    """B10 (A2): the System team records an application's seats for a fiscal year (audited)."""
    permissions.require_system(actor, "record seats")
    app = ref.canonical_choice(str(application or ""), ref.APPLICATIONS)
    problems = []
    if app is None:
        problems.append(f"{application!r} is not an application ({', '.join(ref.APPLICATIONS)}).")
    try:
        fy = int(fiscal_year)
        if not 2000 <= fy <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(f"{fiscal_year!r} is not a fiscal year (the year it ends, e.g. 2027).")
    try:
        n = int(str(purchased).strip())
        if n < 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append("Seats purchased must be a whole number, zero or more.")
    amount = None
    if cost not in (None, ""):
        try:
            amount = Decimal(str(cost).replace("$", "").replace(",", "").strip()).quantize(
                Decimal("0.01"))
            if amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"{cost!r} is not a cost in dollars and cents (e.g. 12500.00).")
    if problems:
        raise EcommError("B10: the seats were not recorded.", problems)
    values = {"fiscal_year": fy, "application": app, "purchased": n, "cost": amount,
              "contract_end": contract_end, "notes": (notes or "").strip() or None}

    def run(cur) -> dict:
        before = db.get_seat(cur, fy, app)
        db.upsert_seat(cur, **values)
        audit.record(cur, actor=actor.email, action="record_seats", entity="seats",
                     entity_id=f"FY{fy}:{app}", before=before, after=values,
                     detail=f"B10: {n} {app} seat(s) for FY{fy}")
        return values

    return store.write(run)

