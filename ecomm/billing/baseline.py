"""B7: compare a campus's current license counts with the counts recorded at the fiscal year's start."""
from __future__ import annotations

from typing import Mapping

from pydantic import BaseModel, computed_field


class BaselineRow(BaseModel):
    campus: str
    application: str
    baseline: int | None  # None: no count was recorded for the year
    current: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def difference(self) -> int | None:
        return None if self.baseline is None else self.current - self.baseline


def compare_baseline(baseline: Mapping[tuple[str, str], int],
                     current: Mapping[tuple[str, str], int]) -> list[BaselineRow]:
    """B7: one row per (campus, application) in either count: recorded, current and the change."""
    keys = sorted(set(baseline) | set(current))
    return [BaselineRow(campus=c, application=a, baseline=baseline.get((c, a)),
                        current=current.get((c, a), 0)) for c, a in keys]
