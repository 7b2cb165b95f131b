"""SQL for ``job_runs``: every run of a scheduled job (ecomm.jobs), its outcome and duration.

A run is inserted as ``running`` and closed as ``ok`` or ``failed``; a run found ``running``
when the server starts was cut short by a stop or a crash and is closed as ``interrupted``.
"""
from __future__ import annotations

from datetime import datetime


def start_run_cur(cur, job: str, trigger: str, slot: datetime | None, started_at: datetime,
                  actor: str) -> int | None:
    """Record a new run of ``job`` in the caller's transaction, unless one is running already
    (a job never runs twice at once): its run_id, or None."""
    running = cur.execute("SELECT count(*) FROM job_runs WHERE job = ? AND outcome = 'running'",
                          [job]).fetchone()[0]
    if running:
        return None
    run_id = cur.execute("SELECT nextval('job_runs_seq')").fetchone()[0]
    cur.execute("INSERT INTO job_runs (run_id, job, trigger, slot, started_at, outcome, actor) "
                "VALUES (?, ?, ?, ?, ?, 'running', ?)",
                [run_id, job, trigger, slot, started_at, actor])
    return int(run_id)


def finish_run_cur(cur, run_id: int, outcome: str, detail: str, finished_at: datetime) -> None:
    cur.execute("UPDATE job_runs SET outcome = ?, detail = ?, finished_at = ? WHERE run_id = ?",
                [outcome, detail, finished_at, run_id])


def interrupt_running_cur(cur, finished_at: datetime) -> int:
    """Close the runs left ``running`` by a server that stopped mid-run; how many."""
    n = cur.execute("SELECT count(*) FROM job_runs WHERE outcome = 'running'").fetchone()[0]
    cur.execute("UPDATE job_runs SET outcome = 'interrupted', finished_at = ?, "
                "detail = 'the server stopped while it ran' WHERE outcome = 'running'",
                [finished_at])
    return int(n)


def latest_slot(store, job: str) -> datetime | None:
    """The latest scheduled moment a run of ``job`` was started for (any outcome)."""
    return store.query_value("SELECT max(slot) FROM job_runs WHERE job = ? AND slot IS NOT NULL",
                             [job])


def last_success(store, job: str) -> datetime | None:
    """When the latest successful run of ``job`` started."""
    return store.query_value("SELECT max(started_at) FROM job_runs WHERE job = ? AND outcome = 'ok'",
                             [job])


def recent_runs(store, job: str | None = None, limit: int = 20) -> list[dict]:
    """The latest runs (of one job, or of all), newest first."""
    where, params = ("WHERE job = ?", [job]) if job else ("", [])
    return store.query_dicts(
        f"SELECT run_id, job, trigger, slot, started_at, finished_at, outcome, detail, actor "
        f"FROM job_runs {where} ORDER BY started_at DESC, run_id DESC LIMIT ?", [*params, limit])


def last_runs(store) -> dict[str, dict]:
    """Each job's latest run."""
    rows = store.query_dicts(
        "SELECT run_id, job, trigger, slot, started_at, finished_at, outcome, detail, actor "
        "FROM job_runs QUALIFY row_number() OVER (PARTITION BY job "
        "ORDER BY started_at DESC, run_id DESC) = 1")
    return {r["job"]: r for r in rows}
