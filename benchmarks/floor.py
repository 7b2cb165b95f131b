"""The floor the dashboard is compared with: the same counts as its panels (requests waiting,
held, to deprovision; Q1 not senders; Q2 idle applications; Q3 course rows flagged; active
users and users per application) as ONE bare DuckDB aggregate query, with no names, no rows
shown, no Python per row. A benchmark-only query (the app's SQL lives in ecomm/storage)."""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from ecomm.policy import Policy

FLOOR_SQL = """
WITH lic AS MATERIALIZED (
    SELECT license_number, contact_id, quiz_passed_on FROM licenses
    WHERE $campus IS NULL OR affiliated_campus = $campus
), held AS MATERIALIZED (
    SELECT la.* FROM license_apps la JOIN lic USING (license_number)
    WHERE la.provisioned_on <= $as_of
      AND (la.deprovisioned_on IS NULL OR la.deprovisioned_on > $as_of)
), per_lic AS (
    SELECT license_number, min(provisioned_on) AS first_held,
           list(DISTINCT application) AS apps
    FROM held GROUP BY license_number
), done AS (
    SELECT cc.contact_id, cc.course, max(cc.completed_on) AS d
    FROM course_completions cc
    WHERE cc.completed_on <= $as_of
      AND cc.contact_id IN (SELECT lic.contact_id FROM lic JOIN per_lic USING (license_number))
    GROUP BY ALL
), courses AS (
    SELECT p.contact_id, c.course, c.valid, d.d
    FROM (SELECT DISTINCT lic.contact_id FROM lic JOIN per_lic USING (license_number)) p
    CROSS JOIN (SELECT unnest($courses::VARCHAR[]) AS course,
                       unnest($valid::INTEGER[]) AS valid) c
    LEFT JOIN done d ON d.contact_id = p.contact_id AND d.course = c.course
)
SELECT
  (SELECT count(*) FROM requests r WHERE r.kind = 'provision' AND r.status = 'pending'
     AND ($campus IS NULL OR r.campus = $campus)) AS provision,
  (SELECT count(*) FROM requests r WHERE r.kind = 'provision' AND r.status = 'held'
     AND ($campus IS NULL OR r.campus = $campus)) AS held,
  (SELECT count(*) FROM requests r WHERE r.kind = 'deprovision'
     AND r.status IN ('pending', 'held') AND ($campus IS NULL OR r.campus = $campus)) AS deprovision,
  (SELECT count(*) FROM lic JOIN per_lic USING (license_number)
     WHERE lic.quiz_passed_on IS NULL OR lic.quiz_passed_on > $as_of) AS quiz,
  (SELECT count(*) FROM held
     WHERE CAST(greatest(coalesce(last_login_on, provisioned_on), provisioned_on)
                + to_months(CAST($months AS INTEGER)) AS DATE) <= $as_of) AS idle,
  (SELECT count(*) FILTER (WHERE d IS NULL OR $as_of >= d + valid - CAST($expiring AS INTEGER))
     FROM courses) AS courses,
  (SELECT count(*) FROM per_lic) AS active,
  (SELECT list(n ORDER BY application) FROM (SELECT application, count(DISTINCT license_number) AS n
                                             FROM held GROUP BY application)) AS per_application
"""


def floor_counts(store, as_of: date, policy: Policy, campus: str | None = None) -> tuple:
    """One row: the dashboard's counts for ``campus`` (None: every campus) on ``as_of``."""
    params = {"as_of": as_of, "campus": campus, "months": policy.idle_months,
              "expiring": policy.course_expiring_days, "courses": list(ref.COURSES),
              "valid": [policy.course_valid_days(c) for c in ref.COURSES]}
    return store.query_one(FLOOR_SQL, params)
