"""Demo data for rules revision 2 (P10, B5): transfers decided per application, and seats
continued by a second holder in the same fiscal year (a chain billed once).

Kept apart from the date and license generation (``ecomm.demo.licenses`` calls these two
functions once each), so that generation can change without touching them.
"""
from __future__ import annotations

from datetime import date, timedelta

from ecomm import reference as ref


def seat_chains(ctx, lics: list, fy_days: list[date]) -> None:
    """B5 (rev 2): a few seats net new this fiscal year (after the July batch) whose holder
    left and was replaced in a later batch (e.g. October, leaves December, the replacement in
    January): the chain is billed once, from the first holder's month through June. Made of
    two licenses of this year at one campus (the number of licenses stays the same)."""
    after_july = [d for d in fy_days if d > date(ctx.fy_start.year, 7, 31)]
    free = [x for x in lics if x.kind == "cur" and x.replaces is None
            and x.replaced_by is None and x.dep is None and x.start in after_july]
    made = 0
    for root in sorted(free, key=lambda x: (x.start, x.idx)):
        if made >= ctx.count(0.01, 2):
            return
        if root.replaced_by is not None or root.replaces is not None:
            continue
        later = [x for x in free if x.campus == root.campus and x is not root
                 and x.replaces is None and x.replaced_by is None
                 and after_july.index(x.start) >= after_july.index(root.start) + 2]
        if not later:
            continue
        nxt = ctx.rng.choice(later)
        j = after_july.index(nxt.start)
        root.dep = after_july[ctx.rng.randint(after_july.index(root.start) + 1, j - 1)]
        root.sf_dep = max(root.start, root.dep - timedelta(days=ctx.rng.randint(3, 15)))
        nxt.replaces, root.replaced_by = root, nxt
        made += 1


def p10_per_application(ctx, lics: list) -> None:
    """P10 (rev 2): on a license that replaces another, an application provisioned with the
    license is a transfer only when the replaced license held it and it left in this fiscal
    year (a Chatter Free Salesforce transfers no paid one); every other is net new. A chain's
    second holder takes over the first holder's applications and profile, so the seat
    continues (B5)."""
    for lic in lics:
        r = lic.replaces
        if r is None:
            continue
        if lic.kind == "cur" and r.kind == "cur":       # a chain made by seat_chains
            r.super_perms, r.addons = [], []            # the first holder has left
            lic.profile = r.profile
            lic.apps = [[a[0], lic.start, None, False, None] for a in r.apps]
            if ref.CVENT not in {a[0] for a in lic.apps}:   # P8/P9 need Cvent
                lic.addons = []
                lic.super_perms = [p for p in lic.super_perms
                                   if p != ref.SUPER_USER_PERMISSIONS[0]]
            if lic.dep is not None:
                for row in lic.apps:
                    row[2] = lic.sf_dep if row[0] == ref.SALESFORCE else lic.dep
        left = {a[0]: a[2] for a in r.apps}
        for row in lic.apps:
            if row[3] or row[1] != lic.start:
                continue
            gone = left.get(row[0])
            free_to_paid = (row[0] == ref.SALESFORCE and r.profile == ref.PROFILE_CHATTER_FREE
                            and lic.profile != ref.PROFILE_CHATTER_FREE)
            row[3] = gone is None or gone < ctx.fy_start or free_to_paid
