"""Demo change requests (P15, rules revision 2): pending in the current cycle, submitted by
the campus's specialist for plainly eligible users: an upgrade from Chatter Free to a full
Salesforce license, super-user permissions and a new MEC (both open a System team task,
C7), and a Cvent add-on. Chosen in license order and dated without drawing from the demo's
random source, so the rest of the demo is unchanged."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from ecomm import reference as ref
from ecomm.demo.context import Ctx
from ecomm.demo.licenses import CVENT, SF, License


def _eligible(ctx: Ctx, lic: License) -> bool:
    p = lic.holder
    return (lic.active and not lic.idle and lic.quiz is not None and p.tag == "holder"
            and not p.poi and ref.CAMPUS_EMAIL_FIELD[lic.campus] in p.emails
            and p.employee_id is not None and lic.role == ref.ROLE_USER)


def _at(ctx: Ctx, k: int) -> datetime:
    cyc = ctx.cycle
    last = cyc.window_end - timedelta(days=1)
    day = min(cyc.window_start + timedelta(days=k), last) if cyc.window_start <= last \
        else cyc.window_end
    return datetime.combine(day, time(9 + k, 10))


def _courses_current(p, at: datetime) -> None:
    """P5 on the day of submission (and of the batch): each course completed 20 days before."""
    p.courses = [(course, at.date() - timedelta(days=20)) for course in ref.COURSES]


def make_change_requests(ctx: Ctx, lics: list[License], used: set[int], request_cls) -> list:
    """The demo's change requests (at most one per license, none on a license in another
    request)."""
    pool = [x for x in sorted(lics, key=lambda x: x.number) if x.idx not in used
            and _eligible(ctx, x)]
    wanted = [
        ("upgrade", lambda x: x.chatter_free and SF in x.active_apps()),
        ("super_user", lambda x: not x.chatter_free and x.campus in ctx.policy.super_user_campuses
         and not x.super_perms),
        ("add_on", lambda x: not x.chatter_free and CVENT in x.active_apps() and not x.addons),
        ("mec", lambda x: not x.chatter_free),
    ]
    out = []
    for k, (tag, fits) in enumerate(wanted):
        lic = next((x for x in pool if x.idx not in used and fits(x)), None)
        if lic is None:
            continue
        used.add(lic.idx)
        r = request_cls("change", lic.holder, lic.campus, _at(ctx, k), "change_" + tag)
        r.license = lic
        _courses_current(lic.holder, r.submitted_at)
        if tag == "upgrade":
            r.upgrade, r.apps = True, [SF]
        elif tag == "super_user":
            r.super_perms = [ref.SUPER_USER_PERMISSIONS[1]]
        elif tag == "add_on":
            r.addons = [ref.CVENT_ADD_ONS[0]]
        else:
            r.role = ref.ROLE_MEC
        out.append(r)
    return out
