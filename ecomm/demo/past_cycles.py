"""Demo requests of the two cycles before the current one (issue 13): the demo's loader
processes their batches through the batch service (ecomm.demo.activity), so every campus has
held requests (C3: a course that went out of date before the processing day) and new users
whose quiz is due; when the demo's day falls in a cycle's first processing week, that cycle
is left pending for the System team to preview and process."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ecomm import reference as ref
from ecomm.demo import dates, people
from ecomm.demo.context import Ctx
from ecomm.demo.people import Person
from ecomm.demo.requests import Request, _billing, _latest_courses, _new_user_apps, _ready

FIRST_WEEK_DAYS = 7   # a cycle's first processing week: its first processing day and 6 more


class PastCycle:
    """A cycle (named by its processing month) before the current one: its submission window,
    cutoff and first processing day (the demo's copy of C1)."""

    def __init__(self, ctx: Ctx, back: int):
        y, m = dates.shift_month(*ctx.cycle.month, -back)       # the month of its cutoff
        py, pm = dates.shift_month(y, m, -1)
        ny, nm = dates.shift_month(y, m, 1)
        self.name = f"{ny:04d}-{nm:02d}"
        self.window_start = ctx.cal.cutoff(py, pm) + timedelta(days=1)
        self.cutoff = ctx.cal.cutoff(y, m)
        self.processing_day = ctx.cal.first_business_day(ny, nm)

    def pending_on(self, as_of: date) -> bool:
        """Still pending on ``as_of``: its processing day is ahead, or in its first week."""
        return as_of < self.processing_day + timedelta(days=FIRST_WEEK_DAYS)


def past_cycles(ctx: Ctx) -> list[PastCycle]:
    """The two cycles before the current one, oldest first."""
    return [PastCycle(ctx, 2), PastCycle(ctx, 1)]


def _submitted(ctx: Ctx, cyc: PastCycle) -> datetime:
    day = ctx.day_between(cyc.window_start, min(cyc.cutoff, ctx.as_of - timedelta(days=1)))
    for _ in range(4):
        if ctx.cal.is_business_day(day):
            break
        day = ctx.day_between(cyc.window_start, min(cyc.cutoff, ctx.as_of - timedelta(days=1)))
    return ctx.at_work_time(day)


def make_past_requests(ctx: Ctx) -> tuple[list[Request], list[Person]]:
    """Per campus and past cycle: new users to provision, and one held at processing (C3: a
    course goes out of date after submission, before the processing day)."""
    reqs: list[Request] = []
    new_people: list[Person] = []
    for cyc in past_cycles(ctx):
        for campus in ref.CAMPUSES:
            n_held = ctx.count(0.0005, 1)
            for k in range(n_held + ctx.count(0.003, 2)):
                at = _submitted(ctx, cyc)
                p = people.new_person(ctx, campus, "request",
                                      hired_before=at.date() - timedelta(days=30))
                _ready(ctx, p, at.date())
                tag = "past_held_candidate" if k < n_held else "past_new_user"
                if k < n_held:
                    people.course_expiring(ctx, p, ctx.rng.choice(ref.COURSES),
                                           at.date() + timedelta(days=1),
                                           cyc.processing_day - timedelta(days=1))
                new_people.append(p)
                r = Request("provision", p, campus, at, tag)
                r.role, r.apps = ref.ROLE_USER, _new_user_apps(ctx)
                _billing(ctx, r)
                r.courses = _latest_courses(p)
                reqs.append(r)
    return reqs, new_people
