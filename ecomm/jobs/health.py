"""What ``/healthz`` answers: the schema version and each job's last run; unhealthy when the
database cannot be read or a daily job has not succeeded for more than a day."""
from __future__ import annotations

from datetime import datetime

from ecomm import clock
from ecomm.jobs import schedule
from ecomm.storage import jobs as sql


def _run_json(run: dict | None) -> dict | None:
    if run is None:
        return None
    secs = ((run["finished_at"] - run["started_at"]).total_seconds()
            if run["finished_at"] else None)
    return {"outcome": run["outcome"], "trigger": run["trigger"],
            "started_at": clock.format_datetime(run["started_at"]), "seconds": secs,
            "detail": run["detail"]}


def health(store, now: datetime) -> tuple[bool, dict]:
    """(healthy, the JSON document)."""
    from ecomm.jobs.tasks import load_settings

    if store is None:
        return False, {"status": "unavailable", "problems": ["the database is not open"]}
    try:
        version = store.schema_version()
        settings = load_settings(store)
        last = sql.last_runs(store)
        problems = []
        for job in schedule.DAILY_JOBS:
            since = schedule.overdue_since(job, now, settings, sql.last_success(store, job))
            if since is not None:
                problems.append(f"{job} has not succeeded since it was due at "
                                f"{clock.format_datetime(since)}")
    except Exception as exc:  # noqa: BLE001 - any failure to read is the answer
        return False, {"status": "unavailable",
                       "problems": [f"the database cannot be read: {type(exc).__name__}: {exc}"]}
    doc = {"status": "ok" if not problems else "failing", "schema_version": version,
           "now": clock.format_datetime(now), "problems": problems,
           "jobs": {job: _run_json(last.get(job)) for job in schedule.JOBS}}
    return not problems, doc
