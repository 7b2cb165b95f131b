"""My work (issue 18): what waits for the signed-in person, each thing with its count, its
due date from the calendar (C1) and the page where it is done.

- eComm specialists: requests the next batch will hold (P1-P5 checked as of its processing
  day, C3, with what to fix: ``ecomm.batch.predict``), held requests, invoices to review (B8),
  the net-new list to review (B6), quiz overdue (Q1), idle (Q2), course (Q3) and leaver (Q4)
  rows, and the June review while it is open (Q5).
- System team: the batch to process (C1-C6), open tasks (C7), seats running low (B10),
  returned invoices with their reasons and approvals received (B8).
- Managers: what changed since their last visit (A4), and the invoices changed with their
  totals (B8).

Reads only; ``as_of`` is the day; only ``record_visit`` writes (the person's last visit).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from ecomm import calendar as cal
from ecomm import june_review, seats, system_tasks
from ecomm import reference as ref
from ecomm.batch import predict
from ecomm.batch import service as batch_service
from ecomm.billing import net_new, workflow
from ecomm.billing.fiscal import fiscal_year_of
from ecomm.billing.proration import JANUARY, JUNE
from ecomm.billing.records import APPROVED, IN_REVIEW
from ecomm.dashboard import panels
from ecomm.dashboard.filters import DashboardFilters
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.permissions import visible_campuses
from ecomm.storage import batch as sb
from ecomm.storage import calendar as cal_db
from ecomm.storage import mywork as db

DASHBOARD, BATCH, BILLING = "app_pages/dashboard.py", "app_pages/batch.py", "app_pages/billing.py"
INVOICES, COMPLIANCE, AUDIT = "app_pages/invoices.py", "app_pages/compliance.py", "app_pages/audit.py"
REQUESTS, JUNE_REVIEW = "app_pages/requests.py", "app_pages/june_review.py"
ADMIN = "app_pages/admin.py"
DETAIL_LIMIT = 20        # lines of detail shown under an item
DIGEST_HORIZON_DAYS = 7  # the digest goes out when something is due within a week (or overdue)


class WorkItem(BaseModel):
    """One thing waiting: how many, by when (C1 calendar) and where it is done."""

    key: str
    title: str
    rule: str
    count: int
    due_on: date | None = None
    due_why: str = ""            # what the due date is, in words
    page: str
    page_label: str
    details: list[str] = Field(default_factory=list)

    def due_text(self, as_of: date) -> str:
        if self.due_on is None:
            return "no due date"
        n = (self.due_on - as_of).days
        when = ("today" if n == 0 else "tomorrow" if n == 1 else f"in {n} days" if n > 0
                else f"{-n} day(s) ago")
        return f"due {self.due_on:%a %b %-d, %Y} ({when})" + (
            f": {self.due_why}" if self.due_why else "")

    def is_due(self, as_of: date, horizon_days: int = DIGEST_HORIZON_DAYS) -> bool:
        """Something to do with a due date within ``horizon_days`` (or past)."""
        return self.count > 0 and self.due_on is not None and \
            self.due_on <= as_of + timedelta(days=horizon_days)

    def line(self, as_of: date) -> str:
        return f"{self.title}: {self.count} ({self.due_text(as_of)}) -> {self.page_label}"


class MyWork(BaseModel):
    email: str
    role: str
    as_of: date
    since: datetime | None = None        # managers: the previous visit (naive UTC)
    items: list[WorkItem] = Field(default_factory=list)

    @property
    def waiting(self) -> list[WorkItem]:
        return [i for i in self.items if i.count]

    def due(self, horizon_days: int = DIGEST_HORIZON_DAYS) -> list[WorkItem]:
        return [i for i in self.items if i.is_due(self.as_of, horizon_days)]


# -- the calendar -------------------------------------------------------------------------------
next_batch = predict.next_batch     # C1: the batch that runs next and its processing day
_handled = predict._handled


def next_cutoff(store, as_of: date) -> tuple[date, str]:
    """C1: the first cutoff on or after ``as_of`` and the cycle it feeds."""
    closures = cal_db.extra_closures(store)
    y, m = as_of.year, as_of.month
    if as_of > cal.cutoff(y, m, closures):
        y, m = cal.shift_month(y, m, 1)
    return cal.cutoff(y, m, closures), cal.cycle_after_month(y, m)


def review_window(as_of: date, closures=frozenset()) -> tuple[int, str, date] | None:
    """B6: in January and June specialists review their net-new list in the second week:
    (fiscal year, true-up, the last business day of the month's second week, on or before
    the 14th) while ``as_of`` is in that month, else None."""
    if as_of.month not in (1, 6):
        return None
    due = date(as_of.year, as_of.month, 14)
    if not cal.is_business_day(due, closures):
        due = cal.previous_business_day(due, closures)
    return fiscal_year_of(as_of), JANUARY if as_of.month == 1 else JUNE, due


# -- specialists --------------------------------------------------------------------------------
batch_outlook = predict.c3_predicted_holds   # C3: the next batch's holds as of its day


def _campus_requests(store, campus: str) -> dict[str, str]:
    return {r["request_id"]: r["status"] for r in sb.open_requests(store)
            if r["campus"] == campus}


def specialist_items(store, who: Identity, as_of: date, outlook=None) -> list[WorkItem]:
    """The specialist's items; ``outlook`` is ``batch_outlook``'s answer when already known
    (the digest plans the batch once for every specialist)."""
    campus = who.campus
    cutoff, cut_cycle = next_cutoff(store, as_of)
    outlook = outlook or batch_outlook(store, as_of)
    cycle, on = outlook.cycle, outlook.on
    statuses = _campus_requests(store, campus)
    will_hold = outlook.for_campus(campus)
    held_ids = sorted(r for r, s in statuses.items() if s == "held")
    still = outlook.still_held
    on_text = f"{on:%a %b %-d}"
    items = [
        WorkItem(key="predicted_holds", rule="C3",
                 title=f"Requests the {cycle} batch will hold on {on_text} (P1-P5 as of that day)",
                 count=len(will_hold), due_on=on,
                 due_why=f"fix them before the {cycle} batch's processing day",
                 page=DASHBOARD, page_label="Dashboard: provisioning queue",
                 details=[f"{h.request_id} {h.name}: " + "; ".join(h.reasons)
                          for h in will_hold[:DETAIL_LIMIT]]),
        WorkItem(key="held", rule="C3", title="Held requests", count=len(held_ids), due_on=on,
                 due_why=f"checked again by the {cycle} batch",
                 page=DASHBOARD, page_label="Dashboard: held requests",
                 details=[f"{r}: " + ("still missing: " + "; ".join(still[r].reasons)
                                      if r in still else f"passes as of {on_text}")
                          for r in held_ids[:DETAIL_LIMIT]]),
    ]
    review = [i for i in workflow.list_summaries(store, who) if i.status == IN_REVIEW
              and i.campus == campus]
    items.append(WorkItem(
        key="invoices_to_review", rule="B8", title="Invoices to review (approve or return)",
        count=len(review), due_on=cutoff, due_why=f"before the {cutoff:%B} cutoff",
        page=INVOICES, page_label="Invoices",
        details=[workflow.describe(i) for i in review[:DETAIL_LIMIT]]))
    window = review_window(as_of, frozenset(cal_db.extra_closures(store)))
    if window:
        fy, kind, due = window
        status = next((s for s in net_new.statuses(store, who, fiscal_year=fy, kind=kind)
                       if s.campus == campus), None)
        left = 0 if status is None or status.captured else status.candidates - status.reviewed
        items.append(WorkItem(
            key="net_new_review", rule="B6", title=f"Net-new list to review ({kind} true-up)",
            count=max(left, 0), due_on=due, due_why="the second week of the month (B6)",
            page=INVOICES, page_label="Invoices: net-new review"))
    # the panels' counts (limit=1: one row read; a limit of 0 gives no counts)
    keys = (panels.QUIZ, panels.IDLE, panels.COURSES, panels.LEAVERS)
    dash = panels.dashboard(store, who, DashboardFilters(campus=campus), as_of, limit=1,
                            keys=keys)
    why = f"request deprovisioning by the {cutoff:%B} cutoff to join the {cut_cycle} batch"
    c = {k: dash.panels[k].counts for k in keys}
    items += [
        WorkItem(key="quiz_overdue", rule="Q1", title="Quiz overdue (not a sender past the deadline)",
                 count=int(c[panels.QUIZ].get("n_overdue", 0)), due_on=cutoff, due_why=why,
                 page=COMPLIANCE, page_label="Compliance: quiz"),
        WorkItem(key="idle", rule="Q2", title="Idle applications (no login for six months)",
                 count=int(c[panels.IDLE]["n_rows"]), due_on=cutoff, due_why=why,
                 page=COMPLIANCE, page_label="Compliance: idle"),
        WorkItem(key="courses", rule="Q3", title="Courses expiring or non-compliant",
                 count=int(c[panels.COURSES]["n_rows"]), due_on=cutoff, due_why=why,
                 page=COMPLIANCE, page_label="Compliance: courses"),
        WorkItem(key="leavers", rule="Q4",
                 title="Leavers (employment ended or Person of Interest inactive)",
                 count=int(c[panels.LEAVERS]["n_rows"]), due_on=cutoff, due_why=why,
                 page=DASHBOARD, page_label="Dashboard: leavers"),
    ]
    june = june_review_item(store, who, as_of)
    if june is not None:
        items.append(june)
    return items


def june_review_item(store, who: Identity, as_of: date) -> WorkItem | None:
    """Q5: while the June review is open (June 1-30), the campus's active users still to keep
    or remove, due June's last business day; None outside June."""
    year = june_review.q5_review_year(as_of)
    if not june_review.q5_is_open(year, as_of):
        return None
    closures = frozenset(cal_db.extra_closures(store))
    due = june_review.q5_last_business_day(year, closures)
    mine = [p for p in june_review.progress(store, who, year, as_of) if p.campus == who.campus]
    left = sum(p.to_review for p in mine)
    return WorkItem(key="june_review", rule="Q5", title=f"The June review {year}: users to keep "
                    "or remove", count=left, due_on=due, due_why="June's last business day",
                    page=JUNE_REVIEW, page_label="June review",
                    details=[f"{p.kept} kept, {p.removed} removed of {p.active_users} active "
                             "user(s)" for p in mine])


# -- the System team ----------------------------------------------------------------------------
def system_items(store, who: Identity, as_of: date) -> list[WorkItem]:
    cycle, on = next_batch(store, as_of)
    closures = cal_db.extra_closures(store)
    first = cal.first_processing_day(cycle, closures)
    queued = [r for r in sb.open_requests(store) if _handled(r, cycle, closures)]
    processed = batch_service.batch_record(store, cycle) is not None
    cutoff, _ = next_cutoff(store, as_of)
    returned = db.returned_invoices(store)
    approved = [i for i in workflow.list_summaries(store, who) if i.status == APPROVED]
    return [
        WorkItem(key="batch", rule="C1", title=f"The {cycle} batch to process",
                 count=0 if processed else len(queued), due_on=first,
                 due_why=("its first processing day" if first >= as_of
                          else "due since its first processing day"),
                 page=BATCH, page_label="Batch"),
        WorkItem(key="returned_invoices", rule="B8", title="Returned invoices to fix",
                 count=len(returned), due_on=cutoff, due_why=f"before the {cutoff:%B} cutoff",
                 page=BILLING, page_label="Billing",
                 details=[f"{r['invoice_id']} ({r['campus']}): {r['reason'] or 'no reason given'}"
                          for r in returned[:DETAIL_LIMIT]]),
        WorkItem(key="approvals", rule="B8", title="Approved invoices to mark billed",
                 count=len(approved), due_on=cutoff, due_why=f"before the {cutoff:%B} cutoff",
                 page=BILLING, page_label="Billing",
                 details=[workflow.describe(i) for i in approved[:DETAIL_LIMIT]]),
        *system_extra_items(store, who, as_of, on),
    ]


def system_extra_items(store, who: Identity, as_of: date, on: date) -> list[WorkItem]:
    """C7: the open System team tasks, due the next batch's processing day (``on``); B10: the
    applications whose seats are below the alert threshold, to procure before then."""
    tasks = system_tasks.list_tasks(store, who, open_only=True)
    low = [x for x in seats.seat_lines(store, as_of) if x.recorded and x.low]
    return [
        WorkItem(key="tasks", rule="C7", title="System team tasks (custom roles, permission "
                 "sets, speedtypes)", count=len(tasks), due_on=on,
                 due_why="by the next batch's processing day", page=BATCH,
                 page_label="Batch: System team tasks",
                 details=[f"{t['request_id']} {t['name'] or ''} ({t['campus']}): {t['what']}"
                          for t in tasks[:DETAIL_LIMIT]]),
        WorkItem(key="seats_low", rule="B10", title="Seats running low", count=len(low),
                 due_on=on, due_why="procure more before the next batch provisions",
                 page=ADMIN, page_label="Admin: seats",
                 details=[f"{x.application}: {x.available:,} available of {x.purchased:,} "
                          f"(FY{x.fiscal_year}, {x.assigned:,} assigned, {x.queued:,} in the "
                          f"queue; alert below {x.threshold_percent}%)" for x in low]),
    ]


# -- managers -----------------------------------------------------------------------------------
def manager_items(store, who: Identity, as_of: date, since: datetime | None,
                  until: datetime) -> list[WorkItem]:
    rows = db.changes_since(store, since, until)
    total = sum(int(r["n"]) for r in rows)
    return [WorkItem(
        key="changes", rule="A4",
        title=("What changed since your last visit" if since else "What changed (first visit)"),
        count=total, page=AUDIT, page_label="Audit log",
        details=[f"{r['n']} × {r['action'].replace('_', ' ')} ({r['entity']})"
                 for r in rows[:DETAIL_LIMIT]]),
        invoice_changes_item(store, since, until)]


def invoice_changes_item(store, since: datetime | None, until: datetime) -> WorkItem:
    """A4/B8: the invoices drafted, sent, returned, approved or billed since the last visit,
    counted and their totals added up per status now (Decimal)."""
    rows = db.invoices_changed_since(store, since, until)
    return WorkItem(
        key="invoice_changes", rule="B8",
        title="Invoices changed since your last visit" if since else "Invoices (first visit)",
        count=sum(int(r["n"]) for r in rows), page=INVOICES, page_label="Invoices",
        details=[f"{r['n']} now {r['status'].replace('_', ' ')}: "
                 f"${Decimal(r['total'] or 0):,.2f}" for r in rows])


# -- the whole ----------------------------------------------------------------------------------
def my_work(store, who: Identity | None, as_of: date, *, since: datetime | None = None,
            until: datetime | None = None, outlook=None) -> MyWork:
    """A1-A3: what waits for this person on ``as_of`` (managers: changes since ``since`` up to
    ``until``, naive UTC)."""
    if who is None or not who.active:
        raise AccessDenied("Please sign in first.")
    out = MyWork(email=who.email, role=who.role, as_of=as_of, since=since)
    if who.is_specialist and who.campus in visible_campuses(who):
        out.items = specialist_items(store, who, as_of, outlook)
    elif who.is_system:
        out.items = system_items(store, who, as_of)
    elif who.is_manager:
        out.items = manager_items(store, who, as_of, since,
                                  until or datetime.combine(as_of, datetime.max.time()))
    return out


def since_for(who: Identity, since: datetime | None) -> datetime | None:
    """The part of the last visit My work depends on: a manager's changes since it (A4); for
    everyone else none, so their work is the same in every session of the day."""
    return since if who.is_manager else None


def record_visit(store, who: Identity, now_utc: datetime) -> datetime | None:
    """Remember ``now_utc`` as this person's last visit; returns the visit before it."""
    previous = db.last_visit(store, who.email)
    store.write(lambda cur: db.set_last_visit(cur, who.email, now_utc))
    return previous


def digest_items(work: MyWork) -> list[WorkItem]:
    """What a daily digest lists: every item waiting when at least one is due within
    DIGEST_HORIZON_DAYS (or overdue); a manager's changes since the last visit. Empty: no
    digest."""
    if work.role == ref.APP_MANAGER:
        return work.waiting
    return work.waiting if work.due() else []
