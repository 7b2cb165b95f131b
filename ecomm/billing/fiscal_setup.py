"""Fiscal year setup (System team, A2): the monthly rate per application (B1, B2; demo rates
marked as demo) and the license counts per campus and application at the year's start (B7:
captured from the data as of July 1, correctable with a reason). Every change is audited (A4).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Mapping

from ecomm import clock
from ecomm import reference as ref
from ecomm.billing.baseline import BaselineRow
from ecomm.billing.fiscal import fiscal_year_of, fy_label, fy_start
from ecomm.billing.gates import b4_july_batch_refusal, july_cycle
from ecomm.billing.growth import GrowthRow, b7_growth, baseline_day
from ecomm.billing.run import baseline_report
from ecomm.errors import AccessDenied, EcommError
from ecomm.identity import Identity
from ecomm.permissions import require_system
from ecomm.storage import audit
from ecomm.storage import billing_reads as reads
from ecomm.storage import billing_writes as bw
from ecomm.storage.batch import batch_row
from ecomm.storage.requests import CursorReader

FIRST_FY, LAST_FY = 2000, 2100


def check_fiscal_year(fiscal_year: int) -> int:
    """B1: a fiscal year is named by the year it ends (FY2027 = 2026-07-01 .. 2027-06-30)."""
    if not isinstance(fiscal_year, int) or not FIRST_FY <= fiscal_year <= LAST_FY:
        raise EcommError(f"B1: '{fiscal_year}' is not a fiscal year: use the year it ends, "
                         "e.g. 2027 for July 2026 to June 2027.")
    return fiscal_year


def _reader_required(who: Identity | None) -> None:
    if who is None or not who.active:
        raise AccessDenied("Please sign in first.")


def _require_report_reader(who: Identity | None, action: str) -> Identity:
    """A2/A3: the System team and managers read every campus's counts."""
    _reader_required(who)
    if who.is_manager:
        return who
    return require_system(who, action)


# -- rates (B2) ------------------------------------------------------------------------------
def parse_rate(application: str, value) -> Decimal:
    """B2: a monthly rate in dollars and cents, not negative."""
    try:
        rate = Decimal(str(value).strip().replace("$", "").replace(",", ""))
    except InvalidOperation:
        raise EcommError(f"B2: The monthly rate of {application} must be an amount in dollars, "
                         f"like 52.00; '{value}' is not.") from None
    if not rate.is_finite() or rate < 0:
        raise EcommError(f"B2: The monthly rate of {application} must be 0 or more.")
    if rate != rate.quantize(Decimal("0.01")):
        raise EcommError(f"B2: The monthly rate of {application} has more than two decimals.")
    return rate.quantize(Decimal("0.01"))


def rate_rows(store, who: Identity | None, fiscal_year: int) -> list[dict]:
    """B2: the year's monthly rates (application, rate, demo flag)."""
    _reader_required(who)
    return reads.load_rate_rows(store, check_fiscal_year(fiscal_year))


def set_rates(store, who: Identity | None, fiscal_year: int, rates: Mapping[str, object], *,
              is_demo: bool = False) -> list[str]:
    """B2: the System team sets monthly rates of a fiscal year (demo rates marked); returns the applications changed."""
    actor = require_system(who, "set rates")
    check_fiscal_year(fiscal_year)
    unknown = [a for a in rates if a not in ref.APPLICATIONS]
    if unknown:
        raise EcommError(f"B2: Rates are set for {', '.join(ref.APPLICATIONS)}; "
                         f"{', '.join(unknown)} is not one of them.")
    parsed = {app: parse_rate(app, value) for app, value in rates.items()}

    def work(cur) -> list[str]:
        before = {r["application"]: r for r in reads.load_rate_rows(CursorReader(cur), fiscal_year)}
        changed = []
        for app, rate in parsed.items():
            old = before.get(app)
            if old is not None and Decimal(old["monthly_rate"]) == rate and old["is_demo"] == is_demo:
                continue
            bw.upsert_rate(cur, fiscal_year, app, rate, is_demo)
            audit.record(cur, actor=actor.email, action="set_rate", entity="rate",
                         entity_id=f"FY{fiscal_year}:{app}",
                         before=None if old is None else {"monthly_rate": old["monthly_rate"],
                                                          "is_demo": old["is_demo"]},
                         after={"monthly_rate": rate, "is_demo": is_demo})
            changed.append(app)
        return changed
    return store.write(work)


# -- baselines (B7) --------------------------------------------------------------------------
def baseline_rows(store, who: Identity | None, fiscal_year: int) -> list[dict]:
    """B7: the year's recorded counts with who captured or corrected them, when and why."""
    _require_report_reader(who, "read the fiscal-year baselines")
    return reads.load_baseline_rows(store, check_fiscal_year(fiscal_year))


def capture_baselines(store, who: Identity | None, fiscal_year: int, *,
                      now_utc: datetime | None = None) -> int:
    """B7: record each campus's license count per application; rev 2: taken after the July
    batch (the July invoice's licenses: ``growth.baseline_day``), Chatter Free apart from paid
    Salesforce; refused while that July's cycle still waits to be processed."""
    actor = require_system(who, "capture the fiscal-year baselines")
    check_fiscal_year(fiscal_year)
    now = now_utc or clock.now_utc()

    def work(cur) -> int:
        reader = CursorReader(cur)
        refusal = b4_july_batch_refusal(reader, fiscal_year)
        if refusal:
            raise EcommError("B7: The July count is taken after the July batch. "
                             + refusal.removeprefix("B4: "))
        batch = batch_row(cur, july_cycle(fiscal_year))
        day = baseline_day(fiscal_year, batch["processed_on"] if batch else None)
        existing = reads.load_baseline_rows(reader, fiscal_year)
        if existing:
            first = existing[0]
            raise EcommError(
                f"B7: The baselines of {fy_label(fiscal_year)} were captured by "
                f"{first['captured_by']} on {clock.format_datetime(first['captured_at'])}. "
                "Correct a count with a reason instead of capturing again.")
        counts = reads.current_counts(reader, day)
        rows = [(campus, app, counts.get((campus, app), 0))
                for campus in ref.CAMPUSES for app in ref.COUNTED_APPLICATIONS]
        for campus, app, n in rows:
            bw.upsert_baseline(cur, fiscal_year, campus, app, n, at=now, by=actor.email,
                               reason=f"captured from the data as of {day.isoformat()}")
        audit.record(cur, actor=actor.email, action="capture", entity="baseline",
                     entity_id=f"FY{fiscal_year}",
                     after={f"{c}:{a}": n for c, a, n in rows if n})
        return len(rows)
    return store.write(work)


def correct_baseline(store, who: Identity | None, fiscal_year: int, campus: str,
                     application: str, count: int, *, reason: str,
                     now_utc: datetime | None = None) -> None:
    """B7: the System team corrects one recorded count, with a reason (audited)."""
    actor = require_system(who, "correct the fiscal-year baselines")
    check_fiscal_year(fiscal_year)
    if campus not in ref.CAMPUSES:
        raise EcommError(f"There is no campus named {campus}.")
    if application not in ref.COUNTED_APPLICATIONS:
        raise EcommError(f"There is no application named {application}.")
    if not isinstance(count, int) or count < 0:
        raise EcommError("B7: A license count is a whole number, 0 or more.")
    if not (reason or "").strip():
        raise EcommError("B7: Say why the recorded count is corrected.")
    now = now_utc or clock.now_utc()

    def work(cur) -> None:
        before = reads.load_baselines(CursorReader(cur), fiscal_year).get((campus, application))
        bw.upsert_baseline(cur, fiscal_year, campus, application, count, at=now, by=actor.email,
                           reason=reason.strip())
        audit.record(cur, actor=actor.email, action="correct", entity="baseline",
                     entity_id=f"FY{fiscal_year}:{campus}:{application}", campus=campus,
                     before=None if before is None else {"license_count": before},
                     after={"license_count": count}, detail=reason.strip())
    store.write(work)


def baseline_comparison(store, who: Identity | None, as_of) -> list[BaselineRow]:
    """B7: the recorded counts of the fiscal year of ``as_of`` against the counts held that day."""
    _require_report_reader(who, "read the fiscal-year baselines")
    return baseline_report(store, as_of)


def growth_report(store, who: Identity | None, as_of, campuses: list[str] | None = None
                  ) -> list[GrowthRow]:
    """B7 (rev 2): per campus and application: the July count (the recorded baseline), the
    count on ``as_of``, the growth and the applications flagged net new since the July batch
    (as reviewed), with a warning where flags and growth disagree. Specialists: their campus."""
    from ecomm.permissions import visible_campuses
    seen = visible_campuses(who)
    if who is None or not seen:
        raise AccessDenied("Please sign in first.")
    fy = fiscal_year_of(as_of)
    chosen = [c for c in (campuses or seen) if c in seen]
    return b7_growth(reads.load_baselines(store, fy), reads.current_counts(store, as_of),
                     reads.flagged_net_new_counts(store, date(fy - 1, 8, 1), as_of), chosen)
