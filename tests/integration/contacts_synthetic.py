"""A synthetic contact base for speed checks of the eligibility reads (P1-P5, P13)."""
from __future__ import annotations

from ecomm import reference as ref


def seed_contacts(cur, n: int = 250_000) -> None:
    """``n`` contacts (C0..), each with an employment and three course completions, half of them
    in the agreement campaign, every 12th with a license (LN-i for contact C(12i)), and employee
    IDs repeating after 240,000 (C240012 shares E12 with C12)."""
    cur.execute(f"""INSERT INTO contacts (contact_id, last_name, first_name, email, employee_id,
                    ucb_email) SELECT 'C' || i, 'Last' || (i % 50000), 'First' || (i % 997),
                    'p' || i || '@gmail.com', 'E' || (i % 240000), 'u' || i || '@colorado.edu'
                    FROM range({n}) t(i)""")
    cur.execute(f"""INSERT INTO employments (contact_id, campus, status)
                    SELECT 'C' || i, 'Boulder', 'Active' FROM range({n}) t(i)""")
    cur.execute(f"""INSERT INTO campaign_members (contact_id, campaign, signed_at)
                    SELECT 'C' || i, ?, TIMESTAMP '2026-01-01 10:00' FROM range(0, {n}, 2) t(i)""",
                [ref.AGREEMENT_CAMPAIGN])
    cur.execute(f"""INSERT INTO course_completions SELECT 'C' || i, c, DATE '2026-01-01'
                    FROM range({n}) t(i), (SELECT unnest(?) AS c)""", [list(ref.COURSES)])
    cur.execute(f"""INSERT INTO licenses (license_number, contact_id, affiliated_campus)
                    SELECT 'LN-' || i, 'C' || (i * 12), 'Boulder' FROM range({n // 12}) t(i)""")
    cur.execute(f"""INSERT INTO license_apps (license_number, application, provisioned_on)
                    SELECT 'LN-' || i, 'Salesforce', DATE '2025-07-01' FROM range({n // 12}) t(i)""")
