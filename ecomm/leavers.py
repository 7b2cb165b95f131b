"""Q4 (rules revision 2): leavers. A licensed user who no longer meets P3 (employment ended, or
Person of Interest inactive) is flagged as a leaver, due for deprovisioning, on the day the data
shows it.

The exact meaning, shared with the SQL twin ``ecomm.storage.rule_sql.q4_leaver_sql`` (a test
compares both at every boundary):

- A contact meets P3's status on ``as_of`` when one of their employments is active on that day
  (``Employment.active_on``: status Active and no end date before ``as_of``), or they are an
  active Person of Interest. Anyone else holding an application on ``as_of`` is a leaver.
- The reason, in this order: ``poi_inactive`` (a POI whose POI status is not active);
  ``no_employment`` (not a POI and no employment record at all); ``employment_ended`` (every
  employment has an end date and the latest is before ``as_of``: the leaver is flagged from the
  day after it, ``since``; employment ending 2026-10-31 means a leaver on 2026-11-01, not on
  2026-10-31); else ``employment_inactive`` (an employment marked Inactive without an end date
  that has passed: the data does not say since when).
- Only licenses holding an application on ``as_of`` (``ecomm.compliance.app_held``) are listed;
  a leaver with two licenses is on the list twice.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from pydantic import BaseModel, Field

from ecomm.compliance import LicenseFacts, Person, app_held
from ecomm.rules.models import Employment

POI_INACTIVE = "poi_inactive"
NO_EMPLOYMENT = "no_employment"
EMPLOYMENT_ENDED = "employment_ended"
EMPLOYMENT_INACTIVE = "employment_inactive"
REASON_LABEL = {
    POI_INACTIVE: "Person of Interest no longer active",
    NO_EMPLOYMENT: "No CU employment record and not a Person of Interest",
    EMPLOYMENT_ENDED: "CU employment ended",
    EMPLOYMENT_INACTIVE: "CU employment marked inactive",
}


class PersonStatus(BaseModel):
    """What P3 reads about one contact (contacts.csv and employments.csv)."""
    contact_id: str
    poi: bool = False
    poi_active: bool | None = None
    employments: list[Employment] = Field(default_factory=list)


class Leaver(Person):
    """Q4: one license whose user no longer meets P3 on ``as_of`` (deprovisioning due)."""
    license_number: str
    contact_id: str
    reason: str                    # one of REASON_LABEL
    since: date | None = None      # the first day flagged, when the data says (employment end + 1)
    applications: list[str] = Field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return leaver_sentence(self.reason, self.since)

    def core(self) -> tuple:
        return (self.license_number, self.contact_id, self.reason, self.since)


def leaver_sentence(reason: str, since: date | None) -> str:
    """Q4: the reason in words ('CU employment ended (leaver since 2026-11-01)')."""
    text = REASON_LABEL.get(reason, reason)
    return f"{text} (leaver since {since.isoformat()})" if since else text


def q4_leaver(person: PersonStatus, as_of: date) -> tuple[str, date | None] | None:
    """Q4: why this contact no longer meets P3 on as_of (reason, since), or None when they do
    (an active employment on that day, or an active Person of Interest)."""
    if any(e.active_on(as_of) for e in person.employments):
        return None
    if person.poi and person.poi_active:
        return None
    if person.poi:
        return POI_INACTIVE, None
    if not person.employments:
        return NO_EMPLOYMENT, None
    ends = [e.end_date for e in person.employments]
    if all(d is not None for d in ends) and max(ends) < as_of:
        return EMPLOYMENT_ENDED, max(ends) + timedelta(days=1)
    return EMPLOYMENT_INACTIVE, None


def q4_leavers(licenses: Iterable[LicenseFacts], people: dict[str, PersonStatus],
               as_of: date) -> list[Leaver]:
    """Q4: every license holding an application on as_of whose user no longer meets P3
    (reference for the SQL list), by license number."""
    out = []
    for lic in licenses:
        held = sorted({a.application for a in lic.apps
                       if app_held(a.provisioned_on, a.deprovisioned_on, as_of)})
        if not held:
            continue
        person = people.get(lic.contact_id) or PersonStatus(contact_id=lic.contact_id)
        found = q4_leaver(person, as_of)
        if found is None:
            continue
        out.append(Leaver(license_number=lic.license_number, contact_id=lic.contact_id,
                          reason=found[0], since=found[1], applications=held))
    return sorted(out, key=lambda r: r.license_number)
