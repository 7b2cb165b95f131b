"""What every demo generator shares: the seeded random source, the dates, counts that scale
with the number of licenses, and unique employee IDs and email addresses."""
from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from ecomm import reference as ref
from ecomm.demo import dates, org
from ecomm.policy import Policy

MIN_LICENSES = 50
DEFAULT_LICENSES = 1500
CONTACTS_PER_LICENSE = 5 / 3   # about 2,500 contacts for 1,500 licenses


@lru_cache(maxsize=None)
def _clean(local: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", local.lower())


class DemoRandom(random.Random):
    """random.Random(seed) with a quicker randint and choice (a few million calls at full size).
    Still one seeded Mersenne Twister: the same seed gives the same draws."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class Ctx:
    """Generation state. Everything random comes from ``self.rng`` (seeded); no clock is read."""

    def __init__(self, as_of: date, licenses: int, seed: int):
        if licenses < MIN_LICENSES:
            raise ValueError(f"The demo needs at least {MIN_LICENSES} licenses (asked for {licenses}).")
        self.as_of = as_of
        self.licenses = licenses
        self.contacts_target = round(licenses * CONTACTS_PER_LICENSE)
        self.rng = DemoRandom(seed)
        self.policy = Policy()
        self._valid_days = {c: self.policy.course_valid_days(c) for c in ref.COURSES}
        self.fy = dates.fiscal_year(as_of)
        self.fy_start = dates.fy_start(self.fy)
        years = range(as_of.year - 9, as_of.year + 2)
        self.extra_closures = dates.extra_closures(range(as_of.year - 1, as_of.year + 2))
        self.cal = dates.DemoCalendar(years, self.extra_closures)
        self.cycle = dates.Cycle(self.cal, as_of)
        self._employee_id = 101_000 + self.rng.randint(0, 900)
        self._local_used: dict[tuple[str, str], int] = {}
        self.campus_names = list(org.CAMPUS_WEIGHTS)
        self.campus_cum = []
        total = 0
        for c in self.campus_names:
            total += org.CAMPUS_WEIGHTS[c]
            self.campus_cum.append(total)

    # -- counts ------------------------------------------------------------------------
    def count(self, fraction: float, minimum: int) -> int:
        """A count that scales with the number of licenses, never below ``minimum``."""
        return max(minimum, round(self.licenses * fraction))

    # -- random helpers ----------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def campus(self) -> str:
        return self.rng.choices(self.campus_names, cum_weights=self.campus_cum)[0]

    def campus_round_robin(self, i: int) -> str:
        """Every campus once first, then by weight: so each campus gets at least one."""
        return ref.CAMPUSES[i] if i < len(ref.CAMPUSES) else self.campus()

    def day_between(self, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def at_work_time(self, d: date) -> datetime:
        """A time of day someone is at work (America/Denver, naive)."""
        minutes = self.rng.randint(7 * 60 + 30, 18 * 60 + 30)
        return datetime.combine(d, time(minutes // 60, minutes % 60))

    def valid_days(self, course: str) -> int:
        return self._valid_days[course]

    # -- identities --------------------------------------------------------------------
    def employee_id(self) -> str:
        self._employee_id += self.rng.randint(1, 5)
        return str(self._employee_id)

    def address(self, local: str, domain: str) -> str:
        """A unique address ``local@domain`` (a number is added when the name is taken)."""
        local = _clean(local)
        key = (local, domain)
        n = self._local_used.get(key, 0) + 1
        self._local_used[key] = n
        return f"{local}@{domain}" if n == 1 else f"{local}{n}@{domain}"
