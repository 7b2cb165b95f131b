"""P12 (rev 2): each campus's default campus billing speedtype (reference kind
``campus_billing_speedtype``) and the license records that still have none."""
from __future__ import annotations

KIND = "campus_billing_speedtype"


def campus_defaults(reader) -> dict[str, str]:
    """P12: {campus: its default campus billing speedtype} (active reference values)."""
    return {campus: value for campus, value in reader.query(
        "SELECT campus, min(value) FROM reference_values WHERE kind = ? AND active "
        "GROUP BY campus", [KIND])}


def campus_default(reader, campus: str | None) -> str | None:
    """P12: the campus's default campus billing speedtype, or None when it has none."""
    return campus_defaults(reader).get(campus or "")


def licenses_without_speedtype(reader) -> list[dict]:
    """P12: license records with no campus billing speedtype (for the System team to fix)."""
    return reader.query_dicts(
        "SELECT license_number, affiliated_campus, "
        "coalesce(nullif(trim(billing_campus), ''), affiliated_campus) AS billing_campus "
        "FROM licenses WHERE nullif(trim(coalesce(campus_speedtype, '')), '') IS NULL "
        "ORDER BY license_number")


def invoices_without_speedtype(reader, invoice_ids: list[str]) -> list[str]:
    """P12/B4: which of these invoices have no campus billing speedtype."""
    return [r[0] for r in reader.query(
        "SELECT invoice_id FROM invoices WHERE invoice_id = ANY(?) AND "
        "nullif(trim(coalesce(campus_speedtype, '')), '') IS NULL ORDER BY invoice_id",
        [list(invoice_ids)])]


def fill_request_speedtypes(cur, request_ids: list[str]) -> None:
    """P12 (rev 2): imported provisioning requests without a campus billing speedtype take
    their billing campus's default (as the form's submission does)."""
    if not request_ids:
        return
    cur.execute("""
        UPDATE requests SET campus_speedtype = d.value
        FROM (SELECT campus, min(value) AS value FROM reference_values
              WHERE kind = 'campus_billing_speedtype' AND active GROUP BY campus) d
        WHERE requests.request_id = ANY(?) AND requests.kind = 'provision'
          AND nullif(trim(coalesce(requests.campus_speedtype, '')), '') IS NULL
          AND d.campus = coalesce(nullif(trim(requests.billing_campus), ''), requests.campus)""",
                [list(request_ids)])
