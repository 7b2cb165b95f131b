"""SQL of B11 cost recovery (rules revision 2): the fees of a fiscal year's stored invoices per
application, from their lines' charges. Rules: ``ecomm.dashboard.recovery``."""
from __future__ import annotations

from decimal import Decimal

CHARGE_TYPE = '[{"application": "VARCHAR", "amount": "VARCHAR"}]'


def fees_by_application(reader, fiscal_year: int) -> dict[str, dict[str, Decimal]]:
    """B11: application -> {"invoiced": sent invoices (in review, approved, billed),
    "draft": drafts}, summed over the charges of the latest revision of each invoice of the
    year (July invoice and true-ups), unrounded."""
    rows = reader.query(f"""
        WITH latest AS (
            SELECT i.invoice_id, i.status FROM invoices i
            WHERE i.fiscal_year = $fy
              AND i.revision = (SELECT max(j.revision) FROM invoices j
                                WHERE j.fiscal_year = i.fiscal_year AND j.kind = i.kind
                                  AND j.campus = i.campus AND j.invoice_group = i.invoice_group)
        ), ch AS (
            SELECT l.status, unnest(from_json(il.charges, '{CHARGE_TYPE}')) AS c
            FROM latest l JOIN invoice_lines il ON il.invoice_id = l.invoice_id
        )
        SELECT c.application, status = 'draft' AS draft,
               sum(CAST(c.amount AS DECIMAL(18, 6))) AS amount
        FROM ch GROUP BY 1, 2 ORDER BY 1, 2""", {"fy": fiscal_year})
    out: dict[str, dict[str, Decimal]] = {}
    for app, draft, amount in rows:
        out.setdefault(app, {"invoiced": Decimal(0), "draft": Decimal(0)})[
            "draft" if draft else "invoiced"] += Decimal(amount)
    return out
