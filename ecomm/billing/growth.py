"""B7 (rev 2): net new measured against the July count (000: "document the number of licenses
you have for each application. Any licenses that you request throughout the year that exceed
these original counts are considered 'net new'").

The July count is taken after the July batch (the licenses of the July invoice), with Chatter
Free apart from paid Salesforce. The net-new review shows, per campus and application, the
July count, the count now, the growth and the applications flagged net new, and warns where
the flags and the growth disagree.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping

from pydantic import BaseModel

from ecomm import reference as ref


def baseline_day(fiscal_year: int, july_batch_processed_on: date | None) -> date:
    """B7 (rev 2): the day the July count is taken: the July batch's processing day, else the
    last day of July (the July invoice's licenses)."""
    return july_batch_processed_on or date(fiscal_year - 1, 7, 31)


class GrowthRow(BaseModel):
    """B7: one campus and application: July count, count now, growth, flagged net new."""

    campus: str
    application: str
    july: int | None          # None: no July count recorded for the year
    now: int
    flagged: int

    @property
    def growth(self) -> int | None:
        return None if self.july is None else self.now - self.july

    @property
    def warning(self) -> str:
        """B7: where the flags and the growth disagree, say so (empty when they agree)."""
        g = self.growth
        if g is None:
            return "no July count recorded: record the fiscal year's baselines"
        if self.flagged == max(g, 0):
            return ""
        if self.flagged > max(g, 0):
            return (f"{self.flagged} flagged net new but the count grew by {g}: some may be "
                    "transfers (a leaver replaced)")
        return (f"the count grew by {g} but only {self.flagged} flagged net new: some "
                "transfers may be net new")


def b7_growth(july: Mapping[tuple[str, str], int], now: Mapping[tuple[str, str], int],
              flagged: Mapping[tuple[str, str], int],
              campuses: list[str] | None = None) -> list[GrowthRow]:
    """B7 (rev 2): one row per campus and counted application present in any of the counts."""
    keys = set(july) | set(now) | set(flagged)
    if campuses is not None:
        keys = {k for k in keys if k[0] in campuses}
    order = {a: i for i, a in enumerate(ref.COUNTED_APPLICATIONS)}
    return [GrowthRow(campus=c, application=a, july=july.get((c, a)), now=now.get((c, a), 0),
                      flagged=flagged.get((c, a), 0))
            for c, a in sorted(keys, key=lambda k: (k[0], order.get(k[1], 99), k[1]))]
