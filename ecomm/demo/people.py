"""Demo contacts: employees and POIs with their campus emails, employments, agreement
signatures and course completions, including the troubles P1-P5 and P13 describe."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ecomm import reference as ref
from ecomm.demo import org
from ecomm.demo.context import Ctx
from ecomm.demo.names import FIRST_NAMES, LAST_NAMES, PERSONAL_DOMAINS


class Person:
    """One contact and everything hanging off it (rows of five CSV files)."""

    __slots__ = ("id", "first", "last", "email", "employee_id", "emails", "poi", "poi_active",
                 "campus", "employments", "agreement", "manual_by", "manual_dup", "courses", "tag")

    def __init__(self, first: str, last: str, campus: str, tag: str):
        self.id = ""
        self.first, self.last, self.campus, self.tag = first, last, campus, tag
        self.email: str | None = None
        self.employee_id: str | None = None
        self.emails: dict[str, str] = {}
        self.poi = False
        self.poi_active: bool | None = None
        self.employments: list[tuple] = []   # (campus, status, start, end, department, title)
        self.agreement: datetime | None = None
        self.manual_by: str | None = None      # P4: added to the campaign by hand ...
        self.manual_dup: Person | None = None  # ... because the agreement matched this duplicate
        self.courses: list[tuple[str, date]] = []

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def personal_email(ctx: Ctx, first: str, last: str) -> str:
    rng = ctx.rng
    style = rng.randint(0, 3)
    if style == 0:
        local = f"{first}.{last}"
    elif style == 1:
        local = f"{first}{last}{rng.randint(1, 99)}"
    elif style == 2:
        local = f"{first[0]}{last}{rng.randint(60, 99)}"
    else:
        local = f"{first}_{last[0]}{rng.randint(1, 9)}"
    return ctx.address(local.replace("_", "."), rng.choice(PERSONAL_DOMAINS))


def campus_email(ctx: Ctx, p: Person, campus: str) -> str:
    return ctx.address(f"{p.first}.{p.last}", org.email_domain(campus))


def new_person(ctx: Ctx, campus: str, tag: str, *, hired_before: date, poi: bool = False,
               poi_active: bool = True) -> Person:
    """An employee (or POI) of ``campus`` who meets P1-P3: employee ID, campus email, and an
    active employment starting before ``hired_before`` (POIs have no employment, P3)."""
    rng = ctx.rng
    p = Person(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), campus, tag)
    p.email = personal_email(ctx, p.first, p.last) if ctx.chance(0.8) else None
    p.employee_id = ctx.employee_id()
    p.emails[ref.CAMPUS_EMAIL_FIELD[campus]] = campus_email(ctx, p, campus)
    if poi:
        p.poi, p.poi_active = True, poi_active
        return p
    if ctx.chance(0.06):  # an earlier job at another campus, now ended
        other = rng.choice([c for c in ref.CAMPUSES if c != campus])
        start = hired_before - timedelta(days=rng.randint(1500, 4000))
        p.employments.append(employment(ctx, other, "Inactive", start,
                                        start + timedelta(days=rng.randint(300, 1200))))
        if ctx.chance(0.5):  # the old campus email was never cleared
            p.emails.setdefault(ref.CAMPUS_EMAIL_FIELD[other], campus_email(ctx, p, other))
    start = hired_before - timedelta(days=rng.randint(30, 3000))
    p.employments.append(employment(ctx, campus, "Active", start, None))
    return p


def employment(ctx: Ctx, campus: str, status: str, start: date, end: date | None) -> tuple:
    rng = ctx.rng
    return (campus, status, start, end, rng.choice(org.departments(campus)), rng.choice(org.TITLES))


def end_employment(p: Person, end: date) -> None:
    """P3: the person left; their employment at their campus is now inactive."""
    p.employments = [(c, "Inactive", s, e or max(end, s + timedelta(days=1)), d, t)
                     if st == "Active" else (c, st, s, e, d, t)
                     for (c, st, s, e, d, t) in p.employments]


def sign_agreement(ctx: Ctx, p: Person, lo: date, hi: date) -> None:
    """P4: the person signed the user agreement (a member of the campaign) between lo and hi."""
    p.agreement = ctx.at_work_time(ctx.day_between(lo, hi))


# -- course completions (P5, Q3) --------------------------------------------------------
def _completed(ctx: Ctx, course: str, expires_lo: date, expires_hi: date, latest: date) -> date:
    """A completion date whose expiry (completion + validity) lies in [expires_lo, expires_hi],
    and not after ``latest``."""
    v = ctx.valid_days(course)
    lo = expires_lo - timedelta(days=v)
    hi = min(expires_hi - timedelta(days=v), latest)
    return ctx.day_between(lo, max(lo, hi))


def courses_valid(ctx: Ctx, p: Person, *, valid_through: date, latest: date,
                  history_from: date | None = None) -> None:
    """All three courses completed by ``latest`` and still valid well after ``valid_through``.
    With ``history_from``, some have an earlier completion too (the course retaken)."""
    p.courses = []
    for course in ref.COURSES:
        v = ctx.valid_days(course)
        c = _completed(ctx, course, valid_through + timedelta(days=2), latest + timedelta(days=v), latest)
        p.courses.append((course, c))
        if history_from is not None and ctx.chance(0.35):
            prev = c - timedelta(days=v - ctx.rng.randint(0, 80))
            if prev >= history_from:
                p.courses.append((course, prev))


def course_expiring(ctx: Ctx, p: Person, course: str, lo: date, hi: date) -> None:
    """Make ``course``'s only completion go out of date between lo and hi (inclusive)."""
    p.courses = [(n, c) for n, c in p.courses if n != course]
    p.courses.append((course, _completed(ctx, course, lo, hi, ctx.as_of)))


def course_missing(p: Person, course: str) -> None:
    p.courses = [(n, c) for n, c in p.courses if n != course]


# -- contacts who hold no license: prospects, troubles, duplicates, everyone else --------
def duplicate_of(ctx: Ctx, p: Person, *, same_employee_id: bool) -> Person:
    """P13: a second contact for the same person. Either the HR feed made it (same employee ID)
    or the agreement form did (same name, email = one of the person's addresses, no ID)."""
    d = Person(p.first, p.last, p.campus, "duplicate")
    if same_employee_id:
        d.employee_id = p.employee_id
        d.email = personal_email(ctx, p.first, p.last)
    else:
        addresses = [a for a in (p.email, *p.emails.values()) if a]
        d.email = ctx.rng.choice(addresses)
    return d


def make_prospects(ctx: Ctx) -> list[Person]:
    """Contacts without a license: eligible prospects, one of each trouble, duplicates that
    hold the agreement (P4/P13), and staff who never asked for eComm."""
    as_of, rng = ctx.as_of, ctx.rng
    people: list[Person] = []

    def eligible(campus: str, tag: str, poi: bool = False) -> Person:
        p = new_person(ctx, campus, tag, hired_before=as_of - timedelta(days=20), poi=poi)
        sign_agreement(ctx, p, as_of - timedelta(days=200), as_of - timedelta(days=2))
        courses_valid(ctx, p, valid_through=as_of + timedelta(days=61), latest=as_of - timedelta(days=1))
        people.append(p)
        return p

    for i in range(ctx.count(0.02, 6)):
        eligible(ctx.campus_round_robin(i), "prospect")
    for i in range(ctx.count(0.004, 2)):
        eligible(ctx.campus_round_robin(i), "poi_eligible", poi=True)
    for i in range(ctx.count(0.008, 3)):  # P1: campus email never populated
        p = eligible(ctx.campus_round_robin(i), "p1_missing_email")
        p.emails.pop(ref.CAMPUS_EMAIL_FIELD[p.campus])
    for i in range(ctx.count(0.004, 2)):  # P1: the address sits in another campus's field
        p = eligible(ctx.campus_round_robin(i + 2), "p1_wrong_field")
        own = ref.CAMPUS_EMAIL_FIELD[p.campus]
        other = rng.choice([f for f in ref.EMAIL_FIELD_LABEL if f != own])
        p.emails = {other: p.emails.pop(own)}
    for i in range(ctx.count(0.006, 2)):  # P2: no employee ID
        eligible(ctx.campus_round_robin(i + 1), "p2_no_employee_id").employee_id = None
    for i in range(ctx.count(0.008, 3)):  # P3: employment ended
        p = eligible(ctx.campus_round_robin(i + 3), "p3_inactive_employment")
        end_employment(p, as_of - timedelta(days=rng.randint(10, 300)))
    for i in range(ctx.count(0.004, 2)):  # P3: inactive POI
        p = eligible(ctx.campus_round_robin(i + 4), "p3_inactive_poi", poi=True)
        p.poi_active = False
    for i in range(ctx.count(0.002, 1)):  # P1/P3: POI whose campus email is missing
        p = eligible(ctx.campus_round_robin(i + 5), "p1_poi_missing_email", poi=True)
        p.emails.clear()
    for i in range(ctx.count(0.008, 3)):  # P4: never signed the agreement
        eligible(ctx.campus_round_robin(i), "p4_no_agreement").agreement = None
    for i in range(ctx.count(0.006, 2)):  # P5: a course out of date
        p = eligible(ctx.campus_round_robin(i + 2), "p5_course_out_of_date")
        course_expiring(ctx, p, rng.choice(ref.COURSES), as_of - timedelta(days=300),
                        as_of - timedelta(days=2))
    for i in range(ctx.count(0.003, 1)):  # P5: a course never taken
        course_missing(eligible(ctx.campus_round_robin(i + 1), "p5_course_missing"),
                       rng.choice(ref.COURSES))
    for i in range(ctx.count(0.012, 4)):  # P4/P13: the agreement matched a duplicate contact
        p = eligible(ctx.campus_round_robin(i), "p4_agreement_on_duplicate")
        d = duplicate_of(ctx, p, same_employee_id=(i % 2 == 0))
        d.agreement, p.agreement = p.agreement, None
        people.append(d)
    for i in range(ctx.count(0.004, 1)):  # P5/P13: a course recorded on the duplicate contact
        p = eligible(ctx.campus_round_robin(i + 3), "p5_course_on_duplicate")
        d = duplicate_of(ctx, p, same_employee_id=True)
        course = rng.choice(ref.COURSES)
        d.courses = [(n, c) for n, c in p.courses if n == course]
        course_missing(p, course)
        people.append(d)
    return people


def make_staff(ctx: Ctx, n: int) -> list[Person]:
    """Staff who never asked for eComm: the bulk of the CRM's contacts."""
    as_of = ctx.as_of
    out = []
    for _ in range(n):
        p = new_person(ctx, ctx.campus(), "staff", hired_before=as_of,
                       poi=ctx.chance(0.05), poi_active=ctx.chance(0.7))
        if not p.poi and ctx.chance(0.08):
            end_employment(p, as_of - timedelta(days=ctx.rng.randint(1, 900)))
        if ctx.chance(0.02):
            p.emails.clear()
        if ctx.chance(0.03):
            p.employee_id = None
        out.append(p)
    return out
