"""SQL reads for P10 (rev 2) transfers: what a replaced license can hand on.

A processed transfer is a ``license_apps`` row with ``net_new = false`` whose
``transfer_from`` names the replaced license (rows imported without it fall back to their
license's ``replaces_license``: ``TRANSFER_FROM_SQL``). An open provisioning request claims
the applications of its ``transfer_apps`` (decided at submission).
"""
from __future__ import annotations

from typing import Iterable

from ecomm.rules.models import LicenseApp
from ecomm.rules.transfer import ReplacedSeats

OPEN = ("pending", "held")
# B5/P10: the license a license_apps row (a) of license (l) continues, or NULL
TRANSFER_FROM_SQL = ("CASE WHEN NOT coalesce(a.net_new, false) THEN nullif(trim(coalesce("
                     "a.transfer_from, l.replaces_license, '')), '') END")


def load_replaced_seats(reader, numbers: Iterable[str | None], *,
                        exclude_request: str | None = None,
                        open_claims: bool = True) -> dict[str, ReplacedSeats]:
    """P10: per replaced license number: campus, profile, application rows, applications in
    its open deprovisioning requests, and the applications already taken (by a processed
    transfer, or with ``open_claims`` by another open request's transfer; ``exclude_request``
    is the request being decided)."""
    wanted = sorted({n.strip() for n in numbers if n and n.strip()})
    if not wanted:
        return {}
    out: dict[str, ReplacedSeats] = {}
    for number, campus, profile in reader.query(
            "SELECT license_number, affiliated_campus, salesforce_profile FROM licenses "
            "WHERE license_number = ANY(?)", [wanted]):
        out[number] = ReplacedSeats(license_number=number, affiliated_campus=campus,
                                    salesforce_profile=profile)
    for number, app, on, off in reader.query(
            "SELECT license_number, application, provisioned_on, deprovisioned_on "
            "FROM license_apps WHERE license_number = ANY(?) "
            "ORDER BY license_number, provisioned_on, application", [wanted]):
        out[number].apps.append(LicenseApp(application=app, provisioned_on=on,
                                           deprovisioned_on=off))
    for number, app in reader.query(
            "SELECT DISTINCT r.license_number, x.app FROM requests r, "
            "unnest(coalesce(r.applications, []::VARCHAR[])) AS x(app) "
            "WHERE r.kind = 'deprovision' AND r.status IN (?, ?) "
            "AND r.license_number = ANY(?)", [*OPEN, wanted]):
        if number in out and app not in out[number].pending_deprovision:
            out[number].pending_deprovision.append(app)
    for source, app, holder in reader.query(
            f"SELECT {TRANSFER_FROM_SQL} AS src, a.application, min(a.license_number) "
            "FROM license_apps a JOIN licenses l ON l.license_number = a.license_number "
            f"WHERE {TRANSFER_FROM_SQL} = ANY(?) GROUP BY ALL", [wanted]):
        out[source].taken.setdefault(app, holder)
    if open_claims:
        for source, app, rid in reader.query(
                "SELECT trim(r.replaces_license), x.app, min(r.request_id) FROM requests r, "
                "unnest(coalesce(r.transfer_apps, []::VARCHAR[])) AS x(app) "
                "WHERE r.kind = 'provision' AND r.status IN (?, ?) "
                "AND trim(r.replaces_license) = ANY(?) AND r.request_id IS DISTINCT FROM ? "
                "GROUP BY ALL", [*OPEN, wanted, exclude_request]):
            out[source].taken.setdefault(app, f"request {rid}")
    return out


def set_request_transfers(cur, request_id: str, applications: list[str]) -> None:
    """P10: the applications a request takes as transfers (its claim on the replaced seats)."""
    cur.execute("UPDATE requests SET transfer_apps = ? WHERE request_id = ?",
                [list(applications), request_id])
