"""The daily run's messages of rules revision 2, queued with the Q1-Q3 ones (``notify``, the
Messages page): B10 seats running out (to the System team) and the Q5 June review reminders (to
each campus's eComm specialists, else the System team). Dedup keys name the event, so a second
run queues nothing new."""
from __future__ import annotations

from datetime import date

from ecomm import june_review as q5
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.policy import Policy
from ecomm.seats import seat_lines
from ecomm.storage import calendar as cal_db
from ecomm.storage import june_review as db_q5
from ecomm.storage.requests import CursorReader


def seats_low_messages(reader, as_of: date, policy: Policy) -> list[NewMessage]:
    """B10: an alert per application whose available seats fell below the threshold, once per
    fiscal year, application and seats purchased."""
    team = db_q5.system_team(reader)
    if not team:
        return []
    out = []
    for line in seat_lines(reader, as_of, policy):
        if not line.low:
            continue
        out.append(NewMessage(
            template_key=t.SEATS_LOW, to=team,
            dedup_key=f"{t.SEATS_LOW}:{line.fiscal_year}:{line.application}:{line.purchased}",
            context={"application": line.application, "fiscal_year": line.fiscal_year,
                     "purchased": line.purchased, "assigned": line.assigned,
                     "queued": line.queued, "available": line.available,
                     "threshold_percent": line.threshold_percent}))
    return out


def june_review_messages(reader, as_of: date, policy: Policy) -> list[NewMessage]:
    """Q5: the June review reminder due on as_of, per campus with active users (the second only
    to campuses with users still to review)."""
    year = as_of.year
    closures = frozenset(cal_db.extra_closures(reader))
    due = q5.q5_reminder_due(year, as_of, policy.june_review_reminder_business_days, closures)
    if due is None:
        return []
    specialists = db_q5.specialists_by_campus(reader)
    team = db_q5.system_team(reader)
    last = q5.q5_last_business_day(year, closures)
    key = t.JUNE_REVIEW_OPEN if due == "open" else t.JUNE_REVIEW_REMINDER
    out = []
    for p in db_q5.progress_rows(reader, year, q5.q5_review_day(year, as_of)):
        if due == "reminder" and not p["to_review"]:
            continue
        to = specialists.get(p["campus"]) or team
        if not to:
            continue
        out.append(NewMessage(
            template_key=key, to=to, dedup_key=f"{key}:{year}:{p['campus']}",
            context={"campus": p["campus"], "year": year, "active_users": p["active_users"],
                     "to_review": p["to_review"], "last_business_day": last}))
    return out


def rev2_messages(cur, as_of: date, policy: Policy) -> list[NewMessage]:
    """B10 and Q5 messages due on as_of (inside the run's transaction)."""
    reader = CursorReader(cur)
    return seats_low_messages(reader, as_of, policy) + june_review_messages(reader, as_of, policy)
