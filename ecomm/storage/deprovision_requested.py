"""What the confirmation before bulk deprovisioning reads (issue 18, C4/P7): the deprovisioning
requests still waiting (pending or held), and the applications licenses hold on a day."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from ecomm.storage.contacts import OPEN_REQUEST_STATUSES, licenses_by_number


def open_deprovisions(store) -> list[dict]:
    """Every waiting deprovisioning request (few: they leave at the next batch), oldest first:
    license_number, request_id, submitted_at (naive UTC), applications, status. Used only to
    mark rows a person already sees, so no scope is needed here."""
    return store.query_dicts(
        "SELECT license_number, request_id, submitted_at, applications, status FROM requests "
        "WHERE kind = 'deprovision' AND status IN (?, ?) AND license_number IS NOT NULL "
        "ORDER BY submitted_at, request_id", list(OPEN_REQUEST_STATUSES))


def held_on(store, license_numbers: Iterable[str], on: date) -> dict[str, set[str]]:
    """{license number: the applications it holds on ``on``} (licenses not found are absent)."""
    numbers = [n for n in dict.fromkeys(license_numbers) if n]
    if not numbers:
        return {}
    with store.cursor() as cur:
        found = licenses_by_number(cur, numbers, holders=[])
    return {n: lic.applications_on(on) for n, lic in found.items()}
