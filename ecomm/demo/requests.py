"""Demo requests.csv: the current cycle's pending provisioning requests (eligible on the day
they were submitted; a few will be held at processing, C3), pending deprovisionings (some
with Salesforce, removed in license_apps.csv on the day of submission as C4 does) and off-cycle group changes (C5). Each is submitted by its campus's
specialist (P6, P14)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ecomm import reference as ref
from ecomm.demo import org, people
from ecomm.demo.changes import make_change_requests
from ecomm.demo.context import Ctx
from ecomm.demo.licenses import CVENT, MC, SF, SPLITS_2, License
from ecomm.demo.people import Person
from ecomm.demo.users import specialist_for


class Request:
    """One row of requests.csv; contact and licenses are objects until IDs are known."""

    __slots__ = ("id", "kind", "contact", "campus", "submitted_at", "apps", "license", "role",
                 "replaces", "units", "groups", "billing_campus", "campus_speedtype",
                 "unit_speedtypes", "courses", "tag", "super_perms", "addons", "upgrade")

    def __init__(self, kind: str, contact: Person, campus: str, submitted_at: datetime, tag: str):
        self.id = ""
        self.kind, self.contact, self.campus, self.submitted_at, self.tag = (
            kind, contact, campus, submitted_at, tag)
        self.apps: list[str] = []
        self.license: License | None = None
        self.role: str | None = None
        self.replaces: License | None = None
        self.units: list[str] = []
        self.groups: list[str] = []
        self.billing_campus: str | None = None
        self.campus_speedtype: str | None = None
        self.unit_speedtypes = ""
        self.courses: dict[str, date] = {}
        self.super_perms: list[str] = []     # P15 change requests
        self.addons: list[str] = []
        self.upgrade: bool | None = None

    @property
    def submitted_by(self) -> str:
        return specialist_for(self.campus)


def _submission(ctx: Ctx, last: date | None = None) -> datetime:
    """A moment in the current cycle's window (after the previous cutoff), before today if
    the window allows, so nothing is dated later than the demo's 'now'."""
    cyc = ctx.cycle
    hi = min(cyc.window_end - timedelta(days=1), last or cyc.window_end)
    if hi < cyc.window_start:  # today is the first day of the window
        return datetime.combine(cyc.window_end, time(6, ctx.rng.randint(0, 59)))
    day = ctx.day_between(cyc.window_start, hi)
    for _ in range(4):  # specialists mostly submit on working days
        if ctx.cal.is_business_day(day):
            break
        day = ctx.day_between(cyc.window_start, hi)
    return ctx.at_work_time(day)


def _latest_courses(p: Person) -> dict[str, date]:
    out: dict[str, date] = {}
    for name, c in p.courses:
        out[name] = max(c, out.get(name, c))
    return out


def _new_user_apps(ctx: Ctx) -> list[str]:
    apps = [SF]
    if ctx.chance(0.7):
        apps.append(MC)
    if ctx.chance(0.3):
        apps.append(CVENT)
    return apps


def _billing(ctx: Ctx, r: Request) -> None:
    """P11/P12: the campus's units and groups, billing to the campus, maybe a unit split."""
    rng = ctx.rng
    r.units = r.units or rng.sample(org.active_units(r.campus), 1)
    r.groups = r.groups or rng.sample(org.active_groups(r.campus), rng.choice((1, 1, 2)))
    r.billing_campus = r.campus
    r.campus_speedtype = org.campus_speedtype(r.campus)
    if not r.unit_speedtypes and ctx.chance(0.25):
        (a, b), (pa, pb) = rng.sample(org.unit_speedtypes(r.campus), 2), rng.choice(SPLITS_2)
        r.unit_speedtypes = f"{a}:{pa};{b}:{pb}"


def _ready(ctx: Ctx, p: Person, s: date) -> None:
    """Make ``p`` eligible on day ``s`` (P4, P5) and still so at the next batch."""
    people.sign_agreement(ctx, p, s - timedelta(days=150), s - timedelta(days=1))
    people.courses_valid(ctx, p, valid_through=ctx.cycle.month_end + timedelta(days=30),
                         latest=s - timedelta(days=1))


def make_requests(ctx: Ctx, lics: list[License]) -> tuple[list[Request], list[Person]]:
    """The pending requests of the current cycle, and the new contacts they are about."""
    rng, as_of = ctx.rng, ctx.as_of
    reqs: list[Request] = []
    new_people: list[Person] = []
    used: set[int] = set()  # license idx already in a request (one request per person)

    def provision(campus: str, tag: str, *, poi: bool = False, last: date | None = None) -> Request:
        at = _submission(ctx, last)
        p = people.new_person(ctx, campus, "request", hired_before=at.date() - timedelta(days=30),
                              poi=poi)
        _ready(ctx, p, at.date())
        new_people.append(p)
        r = Request("provision", p, campus, at, tag)
        r.role, r.apps = ref.ROLE_USER, _new_user_apps(ctx)
        reqs.append(r)
        return r

    n_prov = ctx.count(0.03, 10)
    for i in range(ctx.count(0.004, 2)):  # C3: a course goes out of date before the batch
        r = provision(ctx.campus_round_robin(i + 1), "held_candidate",
                      last=ctx.cycle.month_end - timedelta(days=1))
        s = r.submitted_at.date()
        people.course_expiring(ctx, r.contact, rng.choice(ref.COURSES),
                               s + timedelta(days=1), ctx.cycle.month_end)
    for i in range(ctx.count(0.002, 1)):  # P3: an active Person of Interest
        provision(ctx.campus_round_robin(i + 3), "poi", poi=True)
    mec = provision(ctx.campus_round_robin(4), "mec")  # a new eComm specialist
    mec.role, mec.apps = ref.ROLE_MEC, [SF, MC, CVENT]
    mec.units, mec.groups = [ref.NA_MEC], [ref.NA_MEC]
    gone = [x for x in lics if x.kind == "gone" and x.replaced_by is None]
    for lic in rng.sample(gone, min(len(gone), ctx.count(0.003, 1))):  # P10: a transfer
        r = provision(lic.campus, "replaces")
        r.replaces = lic
    pool = [x for x in lics if _clean_holder(ctx, x)
            and any(a not in x.active_apps() for a in (MC, CVENT))]
    for lic in rng.sample(pool, min(len(pool), ctx.count(0.004, 1))):  # P7: more applications
        _add_applications(ctx, lic, reqs, used)
    for i in range(max(n_prov - len(reqs), len(ref.CAMPUSES))):
        provision(ctx.campus_round_robin(i), "new_user")
    for r in reqs:
        _billing(ctx, r)
        r.courses = _latest_courses(r.contact)
    _deprovisions(ctx, lics, reqs, used)
    _group_changes(ctx, lics, reqs, used)
    from ecomm.demo.past_cycles import make_past_requests  # it builds on this module

    past, past_people = make_past_requests(ctx)
    reqs += past
    new_people += past_people
    reqs += make_change_requests(ctx, lics, used, Request)   # P15 (rev 2)
    reqs.sort(key=lambda r: (r.submitted_at, r.kind, r.contact.employee_id or ""))
    width = max(4, len(str(len(reqs))))
    for n, r in enumerate(reqs, 1):
        r.id = f"R-D{n:0{width}d}"
    return reqs, new_people


def _clean_holder(ctx: Ctx, lic: License) -> bool:
    """An active license whose holder is plainly eligible today (no trouble of any kind)."""
    p = lic.holder
    return (lic.active and not lic.idle and lic.quiz is not None and p.tag == "holder"
            and not p.poi and ref.CAMPUS_EMAIL_FIELD[lic.campus] in p.emails
            and p.employee_id is not None and lic.role == ref.ROLE_USER and not lic.chatter_free)


def _add_applications(ctx: Ctx, lic: License, reqs: list[Request], used: set[int]) -> None:
    used.add(lic.idx)
    at = _submission(ctx)
    people.courses_valid(ctx, lic.holder, valid_through=ctx.cycle.month_end + timedelta(days=30),
                         latest=at.date() - timedelta(days=1))
    r = Request("provision", lic.holder, lic.campus, at, "add_applications")
    r.license = lic
    r.apps = [a for a in (MC, CVENT) if a not in lic.active_apps()][:1]
    r.units, r.groups = list(lic.units), list(lic.groups)
    r.unit_speedtypes = lic.unit_speedtypes
    reqs.append(r)


def _deprovisions(ctx: Ctx, lics: list[License], reqs: list[Request], used: set[int]) -> None:
    """Pending deprovisionings, first for the users the dashboards flag (left CU, idle, no quiz)."""
    rng = ctx.rng
    # (a license provisioned before the current cycle's window: the request comes after it)
    active = [x for x in lics if x.active and x.idx not in used
              and x.start < ctx.cycle.window_start]
    flagged = [x for x in active if x.holder.tag == "p3_left_with_license" or x.idle
               or (x.quiz is None and x.start < ctx.as_of - timedelta(days=60))]
    n = ctx.count(0.015, 4)
    picked = rng.sample(flagged, min(len(flagged), (n + 1) // 2))
    taken = {x.idx for x in picked}
    rest = [x for x in active if x.idx not in taken]
    picked += rng.sample(rest, n - len(picked))
    for campus in ref.CAMPUSES:  # every campus's specialist has a deprovisioning in the queue
        # (one with more than Salesforce: Salesforce alone is removed at once, C4)
        if not any(x.campus == campus and len(x.active_apps()) > 1 for x in picked):
            taken = {x.idx for x in picked}
            mine = [x for x in active if x.campus == campus and x.idx not in taken
                    and len(x.active_apps()) > 1]
            if mine:
                picked.append(rng.choice(mine))
    for k, lic in enumerate(picked):
        used.add(lic.idx)
        r = Request("deprovision", lic.holder, lic.campus, _submission(ctx), "deprovision")
        r.license = lic
        apps = lic.active_apps()
        others = [a for a in apps if a != SF]
        if k % 3 == 2 and others:  # removing only some applications; Salesforce stays
            r.apps = rng.sample(others, 1)
        else:  # the whole license, Salesforce at once (C4)
            r.apps = apps
        if SF in r.apps:
            _salesforce_removed_at_submission(lic, r.submitted_at.date())  # Denver time
        reqs.append(r)


def _salesforce_removed_at_submission(lic: License, day: date) -> None:
    """C4: the form removed Salesforce the day the request was submitted (and the import,
    which applies C4 to pending deprovisionings, finds it already done); no login after it."""
    for row in lic.apps:
        if row[0] == SF and row[2] is None:
            row[2] = day
            if row[4] is not None and row[4] > day:
                row[4] = day


def _group_changes(ctx: Ctx, lics: list[License], reqs: list[Request], used: set[int]) -> None:
    """C5: off-cycle changes adding business units and public groups the license is not in
    yet (a request lists only what it adds: P11 refuses asking for what the license has)."""
    rng = ctx.rng
    pool = [x for x in lics if _clean_holder(ctx, x) and x.idx not in used]
    for lic in rng.sample(pool, min(len(pool), max(2, round(ctx.licenses / 750)))):
        used.add(lic.idx)
        r = Request("change_groups", lic.holder, lic.campus, _submission(ctx), "change_groups")
        r.license = lic
        more_units = [u for u in org.active_units(lic.campus) if u not in lic.units]
        more_groups = [g for g in org.active_groups(lic.campus) if g not in lic.groups]
        r.units = rng.sample(more_units, 1 if ctx.chance(0.5) else 0)
        r.groups = rng.sample(more_groups, 1)
        reqs.append(r)
