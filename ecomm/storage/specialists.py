"""P17: every license names its eComm specialist. The campus's primary specialist is the
``reference_values`` row of kind ``primary_specialist`` (reference.csv), else the campus's
active specialist who passed the quiz (P14), by name; a campus with neither has none, and the
System team receives what would go to its specialist. All SQL here is parameterised."""
from __future__ import annotations

from ecomm import reference as ref

# One row per campus that has a default specialist: (campus, email). The reference row wins;
# else the campus's active specialists, those who passed the quiz first, then by name.
PRIMARY_SQL = """
    WITH named AS (
        SELECT campus, min(lower(trim(value))) AS email FROM reference_values
        WHERE kind = 'primary_specialist' AND active GROUP BY campus
    ), users AS (
        SELECT campus, arg_min(lower(email), CASE WHEN quiz_passed_on IS NULL THEN '1' ELSE '0' END
                                     || '|' || name || '|' || lower(email)) AS email
        FROM app_users WHERE role = 'specialist' AND active AND campus IS NOT NULL
        GROUP BY campus
    )
    SELECT coalesce(n.campus, u.campus) AS campus, coalesce(n.email, u.email) AS email
    FROM named n FULL OUTER JOIN users u ON u.campus = n.campus
"""


def _rows(conn, sql: str, params=None) -> list[tuple]:
    if hasattr(conn, "query_dicts"):   # the Store or a CursorReader
        return conn.query(sql, params)
    return conn.execute(sql, params or []).fetchall()


def primary_specialists(conn) -> dict[str, str]:
    """*conn*: P17: campus -> its primary (default) eComm specialist's email."""
    return {c: e for c, e in _rows(conn, PRIMARY_SQL) if c and e}


def primary_specialist(conn, campus: str) -> str | None:
    """*conn*: P17: the campus's primary eComm specialist, or None (no specialist at all)."""
    return primary_specialists(conn).get(campus)


def system_team(conn) -> list[str]:
    """*conn*: the active System team's addresses, in order (P17's last resort)."""
    return [r[0] for r in _rows(conn, "SELECT lower(email) FROM app_users WHERE role = ? "
                                      "AND active ORDER BY email", [ref.APP_SYSTEM])]


def campuses_without_specialist(conn) -> list[str]:
    """*conn*: P17: campuses with no specialist at all (none in the users, no primary named)."""
    have = primary_specialists(conn)
    return [c for c in ref.CAMPUSES if c not in have]


def fill_missing_specialists(cur) -> list[tuple[str, str]]:
    """P17: every license with no eComm specialist gets its campus's primary specialist (one
    statement); returns the (license_number, email) pairs set. A campus with none is left."""
    rows = cur.execute(
        f"UPDATE licenses SET ecomm_specialist = p.email FROM ({PRIMARY_SQL}) p "
        "WHERE p.campus = licenses.affiliated_campus AND p.email IS NOT NULL "
        "AND nullif(trim(coalesce(licenses.ecomm_specialist, '')), '') IS NULL "
        "RETURNING licenses.license_number, licenses.ecomm_specialist").fetchall()
    return sorted((r[0], r[1]) for r in rows)


def fill_missing_request_specialists(cur, request_ids: list[str]) -> int:
    """P17 for imported open requests: the submitting specialist when they are the campus's,
    else the campus's primary specialist, for rows naming none."""
    if not request_ids:
        return 0
    rows = cur.execute(
        f"UPDATE requests SET ecomm_specialist = coalesce(s.email, p.email) FROM requests r "
        f"LEFT JOIN ({PRIMARY_SQL}) p ON p.campus = r.campus "
        "LEFT JOIN (SELECT lower(email) AS email, campus FROM app_users "
        "           WHERE role = 'specialist' AND active) s "
        "  ON s.email = lower(r.submitted_by) AND s.campus = r.campus "
        "WHERE requests.request_id = r.request_id "
        "AND r.request_id IN (SELECT unnest(?::VARCHAR[])) "
        "AND nullif(trim(coalesce(r.ecomm_specialist, '')), '') IS NULL "
        "AND coalesce(s.email, p.email) IS NOT NULL RETURNING 1", [list(request_ids)]).fetchall()
    return len(rows)


def reach(addresses: list[str], campus: str | None, primaries: dict[str, str],
          system: list[str]) -> list[str]:
    """P17: who gets a message "to the specialist": the license's specialists, else the
    campus's primary specialist, else the System team, so it always reaches someone."""
    if addresses:
        return list(addresses)
    if campus and primaries.get(campus):
        return [primaries[campus]]
    return list(system)
