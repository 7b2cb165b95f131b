"""Rules revision 2 checks around drafting and sending invoices (B4, B6, P12).

- B4: the July invoice of a fiscal year is drafted only after that July's batch was processed
  (002: first week batch, second week invoice); the System team may override with a reason.
- B6: the campuses whose net-new list has not been reviewed (for the System team, before it
  captures).
- P12/B4: an invoice cannot go to review without a campus billing speedtype.
"""
from __future__ import annotations

from typing import Iterable

from ecomm.billing.records import ReviewStatus
from ecomm.errors import EcommError
from ecomm.storage.batch import cycle_waiting


def july_cycle(fiscal_year: int) -> str:
    """B4: the cycle whose batch comes before the July invoice of ``fiscal_year``."""
    return f"{fiscal_year - 1}-07"


def b4_july_batch_refusal(reader, fiscal_year: int) -> str | None:
    """B4 (rev 2): why the July invoice of ``fiscal_year`` may not be drafted yet (requests of
    that July's cycle still wait to be processed), or None when it may."""
    cycle = july_cycle(fiscal_year)
    done, waiting = cycle_waiting(reader, cycle)
    if done or not waiting:
        return None
    return (f"B4: The July invoice of FY{fiscal_year} waits for the batch of cycle {cycle}: "
            f"{waiting} request(s) of that cycle still wait to be processed, and the users it "
            "provisions would be on no invoice this year. Process the batch first, or override "
            "with a reason.")


def check_july_batch(reader, fiscal_year: int, override: str | None) -> str | None:
    """B4: refuse (EcommError) while the July batch waits, unless ``override`` gives a reason;
    returns the refusal that was overridden (None when there was none)."""
    refusal = b4_july_batch_refusal(reader, fiscal_year)
    if refusal and not (override or "").strip():
        raise EcommError(refusal)
    return refusal


def unreviewed(statuses: Iterable[ReviewStatus]) -> list[str]:
    """B6: campuses with candidates not all reviewed by their specialist, list not captured."""
    return sorted(s.campus for s in statuses
                  if s.candidates and s.reviewed < s.candidates and not s.captured)


def open_lists(statuses: Iterable[ReviewStatus]) -> list[str]:
    """B6: campuses with candidates whose list is not captured yet."""
    return sorted(s.campus for s in statuses if s.candidates and not s.captured)


def p12_send_refusal(missing: list[str]) -> str | None:
    """P12/B4 (rev 2): an invoice cannot go to review without a campus billing speedtype
    (``missing``: the invoices that have none)."""
    if not missing:
        return None
    return (f"P12: {', '.join(missing)} has no campus billing speedtype, so it cannot go to "
            "review: give the campus's license records a campus billing speedtype (or the "
            "campus a default in the reference data) and draft again.")


def licenses_missing_speedtype(store, who) -> list[dict]:
    """P12 (rev 2): license records with no campus billing speedtype (the migration could not
    fill them: their billing campus has no default), for the System team to fix."""
    from ecomm.permissions import require_system
    from ecomm.storage.speedtypes import licenses_without_speedtype
    require_system(who, "list licenses without a campus billing speedtype")
    return licenses_without_speedtype(store)
