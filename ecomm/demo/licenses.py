"""Demo licenses and the applications they hold: years of history, this fiscal year's net-new
licenses and transfers (P10/B6), and the compliance troubles Q1-Q3 look for."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from ecomm import reference as ref
from ecomm.demo import seats
from ecomm.demo import dates, org, people
from ecomm.demo.context import Ctx
from ecomm.demo.people import Person
from ecomm.demo.users import CAMPUS_SPECIALIST, NEW_SPECIALIST, specialist_for

SF, MC, CVENT, APSONA, GEO = (ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT, ref.APSONA,
                              ref.GEOPOINTE)
# P12: when a license is billed elsewhere, it is to the campus's partner.
BILLED_BY = {"Boulder Advancement": "Boulder", "Boulder": "Boulder Advancement",
             "Denver": "Anschutz", "Anschutz": "Denver", "UCCS": "System"}
SPLITS_2 = ((20, 80), (50, 50), (25, 75), (40, 60), (30, 70), (10, 90))
SPLITS_3 = ((34, 33, 33), (50, 25, 25), (20, 30, 50))


class License:
    """One license record with its application rows [app, provisioned, deprovisioned, net_new,
    last_login]. ``kind``: old (before this FY), cur (this FY), replaced or gone (deprovisioned)."""

    __slots__ = ("idx", "number", "holder", "campus", "kind", "start", "dep", "sf_dep", "role",
                 "profile", "quiz", "units", "groups", "billing_campus", "campus_speedtype",
                 "unit_speedtypes", "notes", "super_perms", "addons", "additional", "replaces",
                 "replaced_by", "apps", "idle")

    def __init__(self, idx: int, campus: str, kind: str, start: date):
        self.idx, self.campus, self.kind, self.start = idx, campus, kind, start
        self.number = ""
        self.holder: Person | None = None
        self.dep: date | None = None
        self.sf_dep: date | None = None
        self.role, self.profile = ref.ROLE_USER, ref.PROFILE_STANDARD
        self.quiz: date | None = None
        self.units: list[str] = []
        self.groups: list[str] = []
        self.billing_campus = campus
        self.campus_speedtype = org.campus_speedtype(campus)
        self.unit_speedtypes = ""
        self.notes = ""
        self.super_perms: list[str] = []
        self.addons: list[str] = []
        self.additional: list[str] = []
        self.replaces: License | None = None
        self.replaced_by: License | None = None
        self.apps: list[list] = []
        self.idle = False

    @property
    def active(self) -> bool:
        return self.dep is None

    def active_apps(self) -> list[str]:
        return [a[0] for a in self.apps if a[2] is None]

    @property
    def chatter_free(self) -> bool:
        return self.profile == ref.PROFILE_CHATTER_FREE


def processing_days(ctx: Ctx, first: date, last: date) -> list[date]:
    """First business day of every month from ``first``'s month whose batch ran by ``last``."""
    out, (y, m) = [], (first.year, first.month)
    while date(y, m, 1) <= last:
        d = ctx.cal.first_business_day(y, m)
        if first <= d <= last:
            out.append(d)
        y, m = dates.shift_month(y, m, 1)
    return out


def make_licenses(ctx: Ctx) -> tuple[list[License], list[Person]]:
    """All license records (numbered LN-0001.. by provisioning date) and their holders."""
    rng, as_of = ctx.rng, ctx.as_of
    fy_days = processing_days(ctx, ctx.fy_start, as_of)
    old_days = processing_days(ctx, date(as_of.year - 7, as_of.month, 1), ctx.fy_start - timedelta(days=1))
    all_days = old_days + fy_days
    n = ctx.licenses
    n_cur = min(max(round(0.14 * n), 2 * len(fy_days), 6), n // 4)
    n_transfer = min(max(2, round(0.35 * n_cur)), n_cur - 1)
    n_gone = ctx.count(0.05, 4)
    n_old = n - n_cur - n_transfer - n_gone
    lics: list[License] = []

    def new(campus: str, kind: str, start: date) -> License:
        lic = License(len(lics), campus, kind, start)
        lics.append(lic)
        return lic

    weights = list(range(1, len(old_days) + 1))  # the program grew: more licenses lately
    for _ in range(n_old):
        new(ctx.campus(), "old", rng.choices(old_days, weights=weights)[0])
    recent = fy_days or old_days[-3:]  # before this FY's first batch: the last FY's last ones
    cur = [new(ctx.campus(), "cur", recent[i] if i < len(recent) else rng.choice(recent))
           for i in range(n_cur)]
    for t in rng.sample(cur, n_transfer):  # P10: a license transfer, not net new
        i = bisect_left(all_days, t.start)
        before = all_days[max(0, i - 4):i]
        r = new(t.campus, "replaced", old_days[0])
        _deprovision(ctx, r, rng.choice(before), all_days)
        t.replaces, r.replaced_by = r, t
    seats.seat_chains(ctx, lics, fy_days)   # B5 (rev 2)
    latest_gone = min(ctx.cycle.window_start - timedelta(days=1), as_of - timedelta(days=7))
    gone_days = [d for d in all_days if as_of - timedelta(days=450) <= d <= latest_gone]
    for i in range(n_gone):
        g = new(ctx.campus_round_robin(i), "gone", old_days[0])
        _deprovision(ctx, g, rng.choice(gone_days), all_days)

    for lic in lics:
        _attributes(ctx, lic)
    _features(ctx, lics)
    for lic in lics:
        _app_rows(ctx, lic, all_days)
    seats.p10_per_application(ctx, lics)   # P10 (rev 2)
    holders = _holders(ctx, lics)
    _quiz(ctx, lics)
    _idle(ctx, lics)
    width = max(4, len(str(len(lics))))
    for i, lic in enumerate(sorted(lics, key=lambda x: (x.start, x.idx))):
        lic.number = f"LN-{i + 1:0{width}d}"
    return lics, holders


def _deprovision(ctx: Ctx, lic: License, dep: date, all_days: list[date]) -> None:
    """A license all of whose applications were removed in the batch of ``dep``; Salesforce
    went at once when the request was submitted (C4)."""
    rng = ctx.rng
    earlier = all_days[:bisect_right(all_days, dep - timedelta(days=180))] or all_days[:1]
    lic.start = rng.choice(earlier)
    lic.dep = dep
    lic.sf_dep = max(lic.start, dep - timedelta(days=rng.randint(3, 25)))


def _attributes(ctx: Ctx, lic: License) -> None:
    rng = ctx.rng
    apps = []
    if ctx.chance(0.97):
        apps.append(SF)
    for app, p in ((MC, 0.68), (CVENT, 0.3), (APSONA, 0.14), (GEO, 0.05)):
        if ctx.chance(p):
            apps.append(app)
    if not apps or ((APSONA in apps or GEO in apps) and SF not in apps):
        apps.insert(0, SF)
    lic.apps = [[a, lic.start, None, False, None] for a in apps]
    lic.units = rng.sample(org.active_units(lic.campus), 1 if ctx.chance(0.75) else 2)
    lic.groups = rng.sample(org.active_groups(lic.campus), rng.choice((1, 1, 1, 2, 2, 3)))
    if lic.campus in BILLED_BY and ctx.chance(0.05):  # P12: billed to a partner campus
        lic.billing_campus = BILLED_BY[lic.campus]
        lic.campus_speedtype = org.campus_speedtype(lic.billing_campus)


def _set_apps(lic: License, apps: list[str]) -> None:
    lic.apps = [[a, lic.start, None, False, None] for a in apps]


def _features(ctx: Ctx, lics: list[License]) -> None:
    """Chatter Free (Cvent-only) users, MECs, super users, add-ons, speedtype splits and
    additional specialists, each on a scaled number of licenses (and at least a few)."""
    rng = ctx.rng
    users = [x for x in lics if x.kind in ("old", "cur")]
    chatter = rng.sample(users, ctx.count(0.07, 3))
    for lic in chatter:  # B3: Salesforce row for the Community, paying only for Cvent
        lic.profile = ref.PROFILE_CHATTER_FREE
        _set_apps(lic, [SF, CVENT])
        if ctx.chance(0.6):
            lic.units = [ref.NA_USER_CVENT_SF_ONLY]
            lic.groups = ["N/A - User"]
    plain = [x for x in users if not x.chatter_free]
    for lic in rng.sample(plain, ctx.count(0.015, 3)):
        lic.role = ref.ROLE_MEC
        lic.units, lic.groups = [ref.NA_MEC], [ref.NA_MEC]
        _set_apps(lic, [SF, MC, CVENT])
    plain = [x for x in plain if x.role == ref.ROLE_USER]
    allowed = [x for x in plain if x.campus in ctx.policy.super_user_campuses]
    for lic in rng.sample(allowed, min(len(allowed), ctx.count(0.03, 2))):  # P8
        if ctx.chance(0.5) and CVENT not in lic.active_apps():
            lic.apps.append([CVENT, lic.start, None, False, None])
        if SF not in lic.active_apps():
            lic.apps.insert(0, [SF, lic.start, None, False, None])
        perms = [ref.SUPER_USER_PERMISSIONS[1]]
        if CVENT in lic.active_apps():
            perms.insert(0, ref.SUPER_USER_PERMISSIONS[0])
        lic.super_perms = perms
    with_cvent = [x for x in lics if CVENT in x.active_apps() and x.kind in ("old", "cur")]
    for lic in rng.sample(with_cvent, max(1, round(0.3 * len(with_cvent)))):  # P9
        lic.addons = list(ref.CVENT_ADD_ONS)
    for lic in rng.sample(users, ctx.count(0.08, 3)):  # P12: split over unit speedtypes
        sts = org.unit_speedtypes(lic.billing_campus)
        if ctx.chance(0.8):
            (a, b), (pa, pb) = rng.sample(sts, 2), rng.choice(SPLITS_2)
            lic.unit_speedtypes = f"{a}:{pa};{b}:{pb}"
            lic.notes = f"{a} should be billed {pa}% and {b} {pb}%"
        else:
            picked, pct = rng.sample(sts, 3), rng.choice(SPLITS_3)
            lic.unit_speedtypes = ";".join(f"{s}:{p}" for s, p in zip(picked, pct))
            lic.notes = "Split agreed with the unit's finance office"
    for lic in rng.sample(users, ctx.count(0.12, 3)):
        if not lic.unit_speedtypes:
            lic.unit_speedtypes = f"{rng.choice(org.unit_speedtypes(lic.billing_campus))}:100"
    boulder = [x for x in users if x.campus == "Boulder"]
    for lic in rng.sample(users, ctx.count(0.03, 2)):
        others = [e for c, e in CAMPUS_SPECIALIST.items() if c != lic.campus]
        lic.additional = [rng.choice(others)]
    if boulder:  # A1: the new Boulder specialist supports one user alongside the campus's own
        rng.choice(boulder).additional = [NEW_SPECIALIST]


def _app_rows(ctx: Ctx, lic: License, all_days: list[date]) -> None:
    """Provisioning dates, removals and net-new flags (P10, B6) of each application row."""
    rng, as_of = ctx.rng, ctx.as_of
    later = all_days[bisect_right(all_days, lic.start):
                     bisect_left(all_days, lic.dep) if lic.dep else len(all_days)]
    for row in lic.apps[1:]:  # the first application is the one the license began with
        if later and row[0] != SF and lic.role == ref.ROLE_USER and ctx.chance(0.12):
            row[1] = rng.choice(later)  # added to the license later
    for row in lic.apps:
        if lic.kind in ("cur", "old") and row[1] >= ctx.fy_start:
            row[3] = lic.replaces is None or row[1] > lic.start
        else:
            row[3] = lic.replaces is None and ctx.chance(0.7)
        if lic.dep is not None:
            row[2] = lic.sf_dep if row[0] == SF else lic.dep
            row[2] = max(row[2], row[1])
    if lic.dep is not None:
        lic.addons = []
        return
    removable = [r for r in lic.apps if r[0] not in (SF, CVENT) and r[1] < as_of - timedelta(days=60)]
    if removable and len(lic.apps) > 1 and ctx.chance(0.06):  # one application dropped
        row = rng.choice(removable)
        row[2] = rng.choice(all_days[bisect_right(all_days, row[1]):] or [as_of])
        if ctx.chance(0.25):  # ... and asked for again later: a second row (P7 allows it)
            again = all_days[bisect_right(all_days, row[2]):]
            if again:
                d = rng.choice(again)
                lic.apps.append([row[0], d, None, d >= ctx.fy_start, None])


def _holders(ctx: Ctx, lics: list[License]) -> list[Person]:
    """The contact of each license, eligible when provisioned; some drifted since (P1, P3),
    some have a duplicate (P13) whose agreement was copied to them by hand (P4)."""
    rng, as_of = ctx.rng, ctx.as_of
    out: list[Person] = []
    for lic in lics:
        p = people.new_person(ctx, lic.campus, "holder", hired_before=lic.start,
                              poi=ctx.chance(0.04))
        people.sign_agreement(ctx, p, lic.start - timedelta(days=120), lic.start - timedelta(days=5))
        if lic.active:
            people.courses_valid(ctx, p, valid_through=as_of + timedelta(days=61),
                                 latest=as_of - timedelta(days=1),
                                 history_from=max(lic.start - timedelta(days=400),
                                                  as_of - timedelta(days=3 * 365)))
            for course in ref.COURSES if lic.kind == "cur" else ():  # what made them eligible
                if all(c > lic.start for n, c in p.courses if n == course):
                    p.courses.append((course, lic.start - timedelta(days=rng.randint(10, 150))))
        else:
            people.courses_valid(ctx, p, valid_through=lic.dep, latest=lic.dep)
            if ctx.chance(0.75):
                people.end_employment(p, lic.dep - timedelta(days=rng.randint(0, 40)))
        lic.holder = p
        out.append(p)
    active = [x for x in lics if x.active]
    for lic in rng.sample(active, ctx.count(0.06, 3)):  # Q3: a course goes out of date soon
        lic.holder.tag = "q3_expiring"
        people.course_expiring(ctx, lic.holder, rng.choice(ref.COURSES),
                               as_of + timedelta(days=2), as_of + timedelta(days=58))
    for campus in ref.CAMPUSES:  # every campus's specialist has a Q3 row to follow up
        if not any(x.campus == campus and x.holder.tag == "q3_expiring" for x in active):
            mine = [x for x in active if x.campus == campus and x.holder.tag == "holder"]
            if mine:
                lic = rng.choice(mine)
                lic.holder.tag = "q3_expiring"
                people.course_expiring(ctx, lic.holder, rng.choice(ref.COURSES),
                                       as_of + timedelta(days=2), as_of + timedelta(days=58))
    fine = [x for x in active if x.holder.tag == "holder"]
    for lic in rng.sample(fine, ctx.count(0.05, 3)):  # Q3: already out of date
        lic.holder.tag = "q3_out_of_date"
        people.course_expiring(ctx, lic.holder, rng.choice(ref.COURSES),
                               as_of - timedelta(days=240), as_of - timedelta(days=2))
    fine = [x for x in active if x.holder.tag == "holder" and not x.holder.poi]
    for lic in rng.sample(fine, ctx.count(0.02, 2)):  # P3: left CU, license still active
        lic.holder.tag = "p3_left_with_license"
        people.end_employment(lic.holder, as_of - timedelta(days=rng.randint(5, 120)))
    for campus in ref.CAMPUSES:  # Q4: every campus's specialist has a leaver on the dashboard
        # (chosen in license order without drawing from the random source: the rest is unchanged)
        if not any(x.campus == campus and x.holder.tag == "p3_left_with_license" for x in active):
            mine = [x for x in active if x.campus == campus and x.holder.tag == "holder"
                    and not x.holder.poi and len(x.active_apps()) > 1
                    and x.start < as_of - timedelta(days=90)]
            if mine:
                lic = min(mine, key=lambda x: x.number)
                lic.holder.tag = "p3_left_with_license"
                people.end_employment(lic.holder, as_of - timedelta(days=30))
    fine = [x for x in active if x.holder.tag == "holder"]
    for lic in rng.sample(fine, ctx.count(0.006, 1)):  # P1: campus email since removed
        lic.holder.tag = "p1_email_removed"
        lic.holder.emails.pop(ref.CAMPUS_EMAIL_FIELD[lic.campus], None)
    fine = [x for x in active if x.holder.tag == "holder"]
    for i, lic in enumerate(rng.sample(fine, ctx.count(0.008, 2))):  # P4/P13 fixed by hand
        p = lic.holder
        p.tag = "p4_manual_agreement"
        dup = people.duplicate_of(ctx, p, same_employee_id=False)
        dup.agreement = p.agreement
        p.manual_by, p.manual_dup = specialist_for(lic.campus), dup
        out.append(dup)
    fine = [x for x in active if x.holder.tag == "holder"]
    for lic in rng.sample(fine, ctx.count(0.004, 1)):  # P13: HR feed made a second contact
        lic.holder.tag = "p13_duplicate_employee_id"
        out.append(people.duplicate_of(ctx, lic.holder, same_employee_id=True))
    return out


def _quiz(ctx: Ctx, lics: list[License]) -> None:
    """Q1: quiz passes lift 'not a sender'; some new users are past 60 days without one."""
    rng, as_of = ctx.rng, ctx.as_of
    deadline = ctx.policy.quiz_deadline_days
    for lic in lics:
        recent = lic.start > as_of - timedelta(days=deadline)
        p_pass = 0.35 if recent else (0.8 if lic.kind == "cur" else 0.99)
        passed = lic.start + timedelta(days=rng.randint(5, 50))
        lic.quiz = passed if ctx.chance(p_pass) and passed <= as_of else None
    overdue = [x for x in lics if x.active and x.quiz is None
               and x.start <= as_of - timedelta(days=deadline + 1)]
    need = ctx.count(0.01, 2) - len(overdue)
    if need > 0:
        candidates = sorted((x for x in lics if x.active and x.quiz is not None
                             and x.start <= as_of - timedelta(days=deadline + 1)),
                            key=lambda x: (-x.start.toordinal(), x.idx))[: max(need * 3, 6)]
        for lic in rng.sample(candidates, min(need, len(candidates))):
            lic.quiz = None
    for campus in ref.CAMPUSES:  # every campus's specialist has overdue users (Q1)
        mine = [x for x in lics if x.active and x.campus == campus
                and x.start <= as_of - timedelta(days=deadline + 1)]
        short = 3 - sum(1 for x in mine if x.quiz is None)
        passed = sorted((x for x in mine if x.quiz is not None),
                        key=lambda x: (-x.start.toordinal(), x.idx))
        for lic in passed[:max(0, short)]:
            lic.quiz = None


def _idle(ctx: Ctx, lics: list[License]) -> None:
    """Last logins: recent for most; Q2 idle for six months and more for some; never for a
    few new users who have not started."""
    rng, as_of = ctx.rng, ctx.as_of
    cut = as_of - timedelta(days=200)
    old_enough = [x for x in lics if x.active and x.start <= cut]
    for lic in rng.sample(old_enough, min(len(old_enough), ctx.count(0.06, 3))):
        lic.idle = True
    for campus in ref.CAMPUSES:  # every campus's specialist has an idle user (Q2)
        mine = [x for x in old_enough if x.campus == campus]
        if mine and not any(x.idle for x in mine):
            rng.choice(mine).idle = True
    for lic in lics:
        for row in lic.apps:
            prov, dep = row[1], row[2]
            if dep is not None:
                row[4] = None if ctx.chance(0.1) else ctx.day_between(prov, dep)
            elif (lic.idle or ctx.chance(0.03)) and prov <= cut:
                row[4] = ctx.day_between(prov, as_of - timedelta(days=rng.randint(190, 500)))
            elif lic.quiz is None and ctx.chance(0.4):
                row[4] = None
            else:
                row[4] = ctx.day_between(max(prov, as_of - timedelta(days=45)), as_of)
