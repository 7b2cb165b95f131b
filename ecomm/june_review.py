"""Q5 (rules revision 2): the June review. 002: "eComm specialists should also review all active
users in June and submit provisioning or deprovisioning requests prior to the last business day
of the month". From June 1 each specialist keeps or removes each active user of their campus; a
removal is a deprovisioning request (through ``ecomm.compliance_actions`` and so
``submit_deprovision``: the same rules and A1-A3 checks); the System team sees each campus's
progress.

Decisions:
- The review of a year is open from June 1 through June 30 of that year (Denver days);
  decisions are taken only then. It covers the licenses of the campus holding an application
  on the review day (today while open, June 30 afterwards), and those already decided.
- A kept license may be removed later in the month; a removal is final (its request exists;
  cancelling the request is done on the Requests page).
- Reminders (to the campus's active eComm specialists, else the System team, P17): on June 1
  (the review is open), and ``june_review_reminder_business_days`` (5: a week) business days
  (C1) before June's last business day, to the campuses with users still to review. A daily
  run that missed the day sends it the next run, once (the first only until the second is due).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field

from ecomm import calendar as cal
from ecomm import clock
from ecomm import reference as ref
from ecomm.compliance_actions import BulkResult, DeprovisionItem, request_deprovisioning
from ecomm.errors import AccessDenied, EcommError
from ecomm.identity import Identity
from ecomm import access
from ecomm.requests.deprovision import load_license_for
from ecomm.storage import audit
from ecomm.storage import calendar as cal_db
from ecomm.storage import june_review as db
from ecomm.storage.settings import load_policy

KEEP, REMOVE = "keep", "remove"
DEFAULT_REASON = "Q5: removed in the June review"


def q5_review_year(as_of: date) -> int:
    """Q5: the latest June review opened by as_of (this year's from June 1, else last year's)."""
    return as_of.year if as_of >= date(as_of.year, 6, 1) else as_of.year - 1


def q5_is_open(year: int, on: date) -> bool:
    """Q5: the review of ``year`` is open from June 1 through June 30 (June 1 is open, May 31
    and July 1 are not)."""
    return date(year, 6, 1) <= on <= date(year, 6, 30)


def q5_review_day(year: int, as_of: date) -> date:
    """Q5: the day whose active users the review covers: as_of while open, June 30 after."""
    return min(as_of, date(year, 6, 30))


def q5_last_business_day(year: int, closures=frozenset()) -> date:
    """Q5/C1: June's last business day, the day to finish by."""
    return cal.cutoff(year, 6, closures)


def q5_second_reminder_day(year: int, business_days: int, closures=frozenset()) -> date:
    """Q5: the second reminder: ``business_days`` (5, a week) business days before June's last
    business day (June 30, 2027 is a Wednesday: the reminder goes on Wednesday June 23)."""
    day = q5_last_business_day(year, closures)
    for _ in range(business_days):
        day = cal.previous_business_day(day - timedelta(days=1), closures)
    return day


def q5_reminder_due(year: int, on: date, business_days: int, closures=frozenset()) -> str | None:
    """Q5: which reminder a daily run on ``on`` sends: 'open' from June 1 until the second is
    due, 'reminder' from its day through June 30, else None."""
    if not q5_is_open(year, on):
        return None
    if on >= q5_second_reminder_day(year, business_days, closures):
        return "reminder"
    return "open"


class ReviewRow(BaseModel):
    license_number: str
    contact_id: str
    name: str = ""
    campus: str
    applications: list[str] = Field(default_factory=list)
    public_groups: list[str] = Field(default_factory=list)
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    request_id: str | None = None
    reason: str | None = None


class CampusProgress(BaseModel):
    campus: str
    active_users: int
    kept: int
    removed: int
    to_review: int

    @property
    def done(self) -> float:
        return 1.0 if not self.active_users else (self.kept + self.removed) / self.active_users


class Review(BaseModel):
    year: int
    as_of: date
    day: date
    open: bool
    last_business_day: date
    second_reminder: date
    campus: str | None = None
    rows: list[ReviewRow] = Field(default_factory=list)


def _campus_for(actor: Identity, campus: str | None) -> str | None:
    """A1: a specialist reviews their own campus; the System team and managers any (None: all)."""
    if actor is None or not actor.active:
        raise AccessDenied("Please sign in first.")
    if actor.is_specialist:
        return actor.campus
    if campus and ref.canonical_campus(campus) is None:
        raise EcommError(f"'{campus}' is not a campus.")
    return ref.canonical_campus(campus) if campus else None


def review(store, actor: Identity, year: int, as_of: date, campus: str | None = None) -> Review:
    """Q5: a campus's (or every campus's) licenses in the review of ``year`` with the decisions."""
    campus = _campus_for(actor, campus)
    closures = frozenset(cal_db.extra_closures(store))
    policy = load_policy(store)
    day = q5_review_day(year, as_of)
    rows = [ReviewRow(**{**r, "name": r["name"] or "", "applications": list(r["applications"] or []),
                         "public_groups": list(r["public_groups"] or [])})
            for r in db.review_rows(store, year, day, campus)]
    return Review(year=year, as_of=as_of, day=day, open=q5_is_open(year, as_of), campus=campus,
                  last_business_day=q5_last_business_day(year, closures),
                  second_reminder=q5_second_reminder_day(
                      year, policy.june_review_reminder_business_days, closures), rows=rows)


def progress(store, actor: Identity, year: int, as_of: date) -> list[CampusProgress]:
    """Q5: each campus's progress (the System team and managers; a specialist their campus)."""
    campus = _campus_for(actor, None)
    rows = [CampusProgress(**r) for r in db.progress_rows(store, year, q5_review_day(year, as_of))]
    return [r for r in rows if campus is None or r.campus == campus]


def _require_open(year: int, on: date) -> None:
    if not q5_is_open(year, on):
        raise EcommError(f"Q5: the June review of {year} is open from June 1 to June 30, {year}; "
                         f"today is {on.isoformat()}. Submit a deprovisioning request from the "
                         "license record instead.")


def keep(store, actor: Identity, year: int, license_numbers: list[str], *,
         now_utc: datetime) -> int:
    """Q5: the specialist confirms these users stay (audited). Returns how many were recorded;
    a license already removed in the review is refused."""
    on = clock.denver_date(now_utc)
    _require_open(year, on)
    if not license_numbers:
        raise EcommError("Select at least one user to keep.")
    lics = []
    for ln in dict.fromkeys(license_numbers):
        lic = load_license_for(store, actor, ln)  # A1: NotFound outside the scope
        access.require_can_change(actor, lic.affiliated_campus, lic.additional_specialists,
                                  doing="take June review decisions")
        lics.append(lic)

    def run(cur) -> int:
        removed = [lic.license_number for lic in lics
                   if db.decision_of(cur, year, lic.license_number) == REMOVE]
        if removed:
            raise EcommError("Q5: already removed in this review (their deprovisioning request "
                             "exists): nothing was saved.", removed)
        for lic in lics:
            db.save_decision(cur, year=year, license_number=lic.license_number,
                             campus=lic.affiliated_campus, decision=KEEP, request_id=None,
                             reason=None, by=actor.email, at=now_utc)
        audit.record_many(cur, [dict(
            actor=actor.email, action="june_review_keep", entity="license",
            entity_id=lic.license_number, campus=lic.affiliated_campus,
            after={"review_year": year, "decision": KEEP},
            detail=f"Q5: kept in the June review of {year}") for lic in lics])
        return len(lics)

    return store.write(run)


def remove(store, actor: Identity, year: int, license_numbers: list[str], reason: str, *,
           now_utc: datetime) -> BulkResult:
    """Q5: the specialist removes these users: one deprovisioning request each, of everything
    the license holds (``request_deprovisioning``: same rules; a refused one does not stop the
    others); each created request is recorded as the review's decision."""
    on = clock.denver_date(now_utc)
    _require_open(year, on)
    items = [DeprovisionItem(license_number=ln, reason=reason)
             for ln in dict.fromkeys(license_numbers)]
    result = request_deprovisioning(store, actor, items, now_utc=now_utc)
    created = result.created
    if created:
        def run(cur) -> None:
            for item in created:
                db.save_decision(cur, year=year, license_number=item.license_number,
                                 campus=item.confirmation.campus, decision=REMOVE,
                                 request_id=item.request_id, reason=item.reason, by=actor.email,
                                 at=now_utc)
            audit.record_many(cur, [dict(
                actor=actor.email, action="june_review_remove", entity="license",
                entity_id=i.license_number, campus=i.confirmation.campus,
                after={"review_year": year, "decision": REMOVE, "request_id": i.request_id},
                detail=f"Q5: removed in the June review of {year}: {i.request_id}")
                for i in created])

        store.write(run)
    return result
