"""The compliance messages due on a day (Q1-Q3), queued once each: run it daily.

- Q1 quiz reminder (user, specialists cc'd): the reminder reached on ``as_of`` (14, 30, 45, 55
  days after provisioning). A run on the reminder's own day sends it; if that day's run was
  missed, the next run sends it, until the next reminder day or the deadline is reached
  (``ecomm.notifications.catchup``: only the current stage is ever sent).
- Q1 60-day warning (specialists): the quiz is overdue; once per provisioning; no reminder
  from then on.
- Q2 six-month warning (specialists): once per application and idle period (a new login
  followed by six more idle months warns again).
- Q3 course re-take reminder (user, specialists cc'd): the course is expiring; once per
  completion. Q3 non-compliant (specialists): the last chance before deprovisioning; once per
  completion (or once for a course never completed).

Dedup keys name the event, so running the same day twice (or every day) queues nothing new.
Rows whose user (or specialist) has no email address are skipped; they stay on the lists.
"""
from __future__ import annotations

from datetime import date

from ecomm.notifications import catchup
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.policy import Policy
from ecomm.storage import audit
from ecomm.storage import compliance as store_c
from ecomm.storage import notifications as store_n
from ecomm.storage import specialists as p17


def compliance_messages(cur, as_of: date, policy: Policy) -> list[NewMessage]:
    """Q1-Q3: every compliance message due on as_of (before removing those already queued)."""
    out: list[NewMessage] = []
    reminders = sorted(policy.quiz_reminder_days)
    primaries, system = p17.primary_specialists(cur), p17.system_team(cur)

    def reach(row) -> list[str]:  # P17: "to the specialist" always reaches someone
        return p17.reach(row.specialists, row.campus, primaries, system)
    for s in store_c.quiz_rows(cur, as_of, policy):
        stage = catchup.quiz_stage(s.provisioned_on, as_of, policy)
        if stage is None:
            continue
        base = {"first_name": s.first_name or s.full_name, "full_name": s.full_name,
                "license_number": s.license_number, "campus": s.campus,
                "provisioned_on": s.provisioned_on, "quiz_deadline": s.quiz_deadline}
        if stage.template_key == t.QUIZ_OVERDUE:
            if reach(s):
                out.append(NewMessage(
                    template_key=t.QUIZ_OVERDUE, to=reach(s),
                    dedup_key=catchup.quiz_overdue_key(s.license_number, s.provisioned_on),
                    context={**base, "quiz_days": policy.quiz_deadline_days}))
        elif s.user_email:
            day = stage.reminder_day
            out.append(NewMessage(
                template_key=t.QUIZ_REMINDER, to=[s.user_email], cc=reach(s),
                dedup_key=catchup.quiz_reminder_key(s.license_number, s.provisioned_on, day),
                context={**base, "reminder_day": day,
                         "reminder_number": reminders.index(day) + 1,
                         "reminder_count": len(reminders),
                         "days_left": (s.quiz_deadline - as_of).days}))
    for a in store_c.idle_rows(cur, as_of, policy):
        if not reach(a):
            continue
        out.append(NewMessage(
            template_key=t.IDLE_WARNING, to=reach(a),
            dedup_key=f"idle:{a.license_number}:{a.application}:{a.provisioned_on}:{a.idle_since}",
            context={"full_name": a.full_name, "license_number": a.license_number,
                     "campus": a.campus, "application": a.application,
                     "last_login": t.fmt_date(a.last_login_on), "idle_since": a.idle_since,
                     "idle_on": a.idle_on, "idle_months": policy.idle_months}))
    for c in store_c.course_rows(cur, as_of, policy):
        stage = catchup.course_stage(c.status)
        ctx = {"first_name": c.first_name or c.full_name, "full_name": c.full_name,
               "license_number": ", ".join(c.license_numbers), "campus": c.campus,
               "course": c.course, "completed_on": t.fmt_date(c.completed_on),
               "expires_on": t.fmt_date(c.expires_on, "not completed"),
               "course_problem": (f"was last completed on {t.fmt_date(c.completed_on)} and is "
                                  f"out of date since {t.fmt_date(c.expires_on)}"
                                  if c.completed_on else "has never been completed")}
        key = catchup.course_key(stage, c.contact_id, c.course, c.completed_on) if stage else ""
        if stage == t.COURSE_RETAKE and c.user_email:
            out.append(NewMessage(
                template_key=t.COURSE_RETAKE, to=[c.user_email], cc=reach(c),
                dedup_key=key, context={**ctx, "days_left": (c.expires_on - as_of).days}))
        elif stage == t.COURSE_NON_COMPLIANT and reach(c):
            out.append(NewMessage(
                template_key=t.COURSE_NON_COMPLIANT, to=reach(c), dedup_key=key, context=ctx))
    from ecomm.notifications.rev2 import rev2_messages  # B10 seats, Q5 June review (rev 2)
    return out + rev2_messages(cur, as_of, policy)


def queue_compliance_notifications(store, as_of: date, policy: Policy,
                                   actor: str = "system") -> int:
    """Q1-Q3: queue the compliance messages due on as_of, each once; returns how many are new.
    A4: a run that queued messages is audited in the same transaction."""
    def run(cur) -> int:
        messages = compliance_messages(cur, as_of, policy)
        queued = store_n.queue_messages(cur, messages)
        if queued:
            kinds: dict[str, int] = {}
            for m in messages:
                kinds[m.template_key] = kinds.get(m.template_key, 0) + 1
            audit.record(cur, actor=actor, action="queue_messages", entity="outbox",
                         entity_id=as_of.isoformat(),
                         after={"as_of": as_of, "queued": queued, "due_by_template": kinds},
                         detail=f"Q1-Q3: {queued} compliance message(s) queued for {as_of}")
        return queued

    return store.write(run)
