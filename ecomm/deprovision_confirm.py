"""Before selected rows are deprovisioned (issue 18, C4 and P7): what goes at once and what waits.

Bulk deprovisioning (Dashboard panels, Compliance lists) asks first. ``c4_preview`` says, for
the selected license records, which lose Salesforce at once on submission (C4: it cannot be
undone) and which applications wait for the next batch; applications already in a waiting
deprovisioning request are not asked for again (P7), and a license record with nothing left
to remove is left out and said so. ``requested_markers`` marks the rows already requested
("Requested 2026-12-03 (R-D0061)") in the tables.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Iterable

from pydantic import BaseModel, Field

from ecomm import clock
from ecomm import reference as ref
from ecomm.compliance_actions import DeprovisionItem
from ecomm.formats import fmt_date
from ecomm.requests.timing import CycleInfo, cycle_info
from ecomm.storage import deprovision_requested as store_dr
from ecomm.storage.settings import load_policy


class Requested(BaseModel):
    """A deprovisioning request of a license still waiting for its batch."""

    request_id: str
    on: date                       # the Denver day it was submitted
    applications: list[str] = Field(default_factory=list)

    def marker(self) -> str:
        return f"Requested {fmt_date(self.on)} ({self.request_id})"


class C4Preview(BaseModel):
    """What the selected rows' deprovisioning would do, license record by license record."""

    submit: list[DeprovisionItem] = Field(default_factory=list)  # applications resolved
    at_once: list[str] = Field(default_factory=list)             # lose Salesforce now (C4)
    in_batch: dict[str, list[str]] = Field(default_factory=dict)  # wait for the batch
    skipped: list[str] = Field(default_factory=list)             # sentences: left out, why
    cycle: CycleInfo | None = None

    @property
    def batch_counts(self) -> Counter:
        return Counter(a for apps in self.in_batch.values() for a in apps)

    def lines(self) -> list[str]:
        """The confirmation in sentences, with counts."""
        out = []
        if self.at_once:
            out.append(f"**At once, on submission (C4):** {ref.SALESFORCE} is removed from "
                       f"{len(self.at_once)} license record(s). This cannot be undone: the user "
                       f"is billed for {ref.SALESFORCE} through the end of this month, and "
                       "getting it back takes a new provisioning request.")
        if self.in_batch:
            when = (f"the batch of cycle {self.cycle.cycle} (processed from "
                    f"{fmt_date(self.cycle.processing_starts)})" if self.cycle
                    else "the next batch")
            apps = ", ".join(f"{a} {n}" for a, n in sorted(
                self.batch_counts.items(), key=lambda x: ref.APPLICATIONS.index(x[0])
                if x[0] in ref.APPLICATIONS else 99))
            out.append(f"**Waits for {when}:** {sum(self.batch_counts.values())} application(s) "
                       f"of {len(self.in_batch)} license record(s) ({apps}); until then the "
                       "request can still be cancelled.")
        if self.skipped:
            out.append(f"**Left out:** {len(self.skipped)} license record(s), nothing new to "
                       "request (see below).")
        return out


def requested_by_license(rows: Iterable[dict]) -> dict[str, list[Requested]]:
    """Waiting deprovisioning requests (``storage.deprovision_requested.open_deprovisions``)
    per license number, oldest first."""
    out: dict[str, list[Requested]] = {}
    for r in rows:
        out.setdefault(r["license_number"], []).append(Requested(
            request_id=r["request_id"], on=clock.denver_date(r["submitted_at"]),
            applications=list(r["applications"] or [])))
    return out


def c4_preview(items: list[DeprovisionItem], held: dict[str, set[str]],
               requested: dict[str, list[Requested]]) -> C4Preview:
    """C4/P7: of each license record, the applications to remove (those asked for, or all it
    holds) that it holds and that no waiting request already removes; Salesforce among them
    goes at once, the others wait for the batch. A license record with none left is left out."""
    out = C4Preview()
    for item in items:
        ln = (item.license_number or "").strip().upper()
        holds = held.get(ln)
        if holds is None:
            out.skipped.append(f"{ln}: not found among the license records you can see.")
            continue
        waiting = requested.get(ln, [])
        already = {a for r in waiting for a in r.applications}
        asked = item.applications if item.applications is not None else ref.APPLICATIONS
        left = [a for a in ref.APPLICATIONS if a in asked and a in holds and a not in already]
        if not left:
            out.skipped.append(
                f"{ln}: " + ("; ".join(f"{r.marker()}: {', '.join(r.applications)}"
                                       for r in waiting) + " (P7: not asked again)."
                             if waiting else "holds none of these applications any more."))
            continue
        out.submit.append(DeprovisionItem(license_number=ln, applications=left,
                                          reason=item.reason))
        if ref.SALESFORCE in left:
            out.at_once.append(ln)
        others = [a for a in left if a != ref.SALESFORCE]
        if others:
            out.in_batch[ln] = others
    return out


def preview(store, items: list[DeprovisionItem], *, now_utc: datetime) -> C4Preview:
    """``c4_preview`` of the selected items as of now, with the batch they would join."""
    on = clock.denver_date(now_utc)
    numbers = [(i.license_number or "").strip().upper() for i in items]
    out = c4_preview(items, store_dr.held_on(store, numbers, on),
                     requested_by_license(store_dr.open_deprovisions(store)))
    if out.in_batch:
        out.cycle = cycle_info(store, now_utc, load_policy(store))
    return out


def requested_markers(store) -> dict[str, str]:
    """{license number: "Requested 2026-12-03 (R-D0061)"} of the waiting deprovisioning
    requests (the oldest first when there are several)."""
    return {ln: "; ".join(r.marker() for r in reqs)
            for ln, reqs in requested_by_license(store_dr.open_deprovisions(store)).items()}


def marker_column(values: Iterable, markers: dict[str, str], sep: str | None = None) -> list[str]:
    """A table's "Deprovisioning" column: each row's marker ('' when not requested); ``sep``
    splits a cell naming several license records (``'; '`` or ``', '``)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append("")
            continue
        numbers = [n.strip() for n in str(v).split(sep)] if sep else [str(v)]
        out.append("; ".join(f"{n}: {markers[n]}" if sep else markers[n]
                             for n in numbers if n in markers))
    return out
