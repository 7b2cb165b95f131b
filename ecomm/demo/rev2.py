"""Demo additions of rules revision 2 (issue 17), kept apart from the generators they read:

- ``seat_rows``: seats.csv (B10) for the previous and current fiscal years, purchased close to
  what is used, so Cvent sits below the alert threshold and Salesforce near it; each seat has a
  demo cost per year (B11 sets the fees invoiced against it).
- ``june_review_in_progress``: after the import, the latest June review (Q5) partly done: the
  specialists of some campuses kept part of their active users (keep decisions only, so the
  demo's requests and billing stay as generated).

Leavers (Q4) need nothing here: the generated organisation already has licensed people whose
employment ended.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Iterable

from ecomm import reference as ref

# B10/B11: the demo's yearly cost of one seat (dollars), and how many seats above what is used
# were bought (Cvent: one, below the 5% alert threshold).
SEAT_COST = {ref.SALESFORCE: Decimal("600.00"), ref.MARKETING_CLOUD: Decimal("450.00"),
             ref.CVENT: Decimal("348.00")}
SEAT_MARGIN = {ref.SALESFORCE: 0.06, ref.MARKETING_CLOUD: 0.15, ref.CVENT: 0.0}
# Q5: the share of each campus's active users already kept in the demo's June review.
REVIEWED = {"Boulder": 0.6, "Denver": 1.0, "UCCS": 0.3}


def _used(data, app: str) -> int:
    """Seats taken on the demo day: licenses holding ``app`` (Chatter Free takes no paid
    Salesforce seat) plus the provisioning requests asking for it."""
    held = sum(1 for lic in data.licenses if app in lic.active_apps()
               and not (app == ref.SALESFORCE and lic.chatter_free))
    asked = sum(1 for r in data.requests if r.kind == "provision" and app in r.apps)
    return held + asked


def seat_rows(data) -> Iterable[tuple]:
    """seats.csv rows: (fiscal_year, application, purchased, cost, contract_end, notes)."""
    fy = data.ctx.fy
    for app, price in SEAT_COST.items():
        used = _used(data, app)
        purchased = used + max(1, round(used * SEAT_MARGIN[app]))
        for year, n in ((fy - 1, max(1, round(used * 0.9))), (fy, purchased)):
            yield (year, app, n, (price * n).quantize(Decimal("0.01")),
                   date(year, 6, 30), "Demo seats (not real contract numbers)")


def june_review_in_progress(store, as_of: date) -> int:
    """Q5: keep decisions by each campus's demo specialist on part of the campus's active users
    in the latest June review (as of a June day of that review). Returns how many were kept."""
    from ecomm import june_review as q5
    from ecomm.admin import find_identity
    from ecomm.demo.users import specialist_for

    year = q5.q5_review_year(as_of)
    day = min(as_of, date(year, 6, 10))
    moment = datetime.combine(day, time(16, 0))  # 10:00 in Denver
    kept = 0
    for campus, share in REVIEWED.items():
        who = find_identity(store, specialist_for(campus))
        if who is None:
            continue
        rows = q5.review(store, who, year, day).rows
        numbers = [r.license_number for r in rows if r.decision is None]
        numbers = numbers[:round(len(numbers) * share)]
        if numbers:
            kept += q5.keep(store, who, year, numbers, now_utc=moment)
    return kept
