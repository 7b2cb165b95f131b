"""The Jobs page's services (A2: the System team): each job with its schedule and last runs,
and "Run now"."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from ecomm import clock
from ecomm.identity import Identity
from ecomm.jobs import schedule
from ecomm.jobs.runner import RunResult, run_job
from ecomm.permissions import require_system
from ecomm.storage import jobs as sql

TRIGGER_LABEL = {"schedule": "on schedule", "catch-up": "catch-up (missed while stopped)",
                 "manual": "run now"}


class RunView(BaseModel):
    started: str              # Denver time
    outcome: str
    trigger: str
    seconds: float | None
    detail: str
    by: str


class JobView(BaseModel):
    job: str
    label: str
    when: str                 # the schedule in words
    runs: list[RunView]


def _when(job: str, s: schedule.JobSettings, folder: str) -> str:
    if job == schedule.DAILY_MESSAGES:
        return f"Business days (C1) at {s.messages_hour:02d}:00 Denver time."
    if job == schedule.NIGHTLY_BACKUP:
        return (f"Every night at {s.backup_hour:02d}:00 Denver time, into {folder}; the newest "
                f"{s.backup_keep} are kept.")
    return (f"A cycle's first processing day at {s.messages_hour:02d}:00 Denver time: the "
            "System team is told the batch is due.")


def _run(r: dict) -> RunView:
    secs = (r["finished_at"] - r["started_at"]).total_seconds() if r["finished_at"] else None
    return RunView(started=clock.format_datetime(r["started_at"])[:16].replace("T", " "),
                   outcome=r["outcome"], trigger=TRIGGER_LABEL.get(r["trigger"], r["trigger"]),
                   seconds=None if secs is None else round(secs, 1), detail=r["detail"] or "",
                   by=r["actor"])


def job_overview(store, actor: Identity, runs_each: int = 10) -> list[JobView]:
    """A2: every job, its schedule and its latest runs (newest first)."""
    from ecomm.jobs.tasks import backup_folder, load_settings

    require_system(actor, "see the scheduled jobs")
    settings = load_settings(store)
    folder = str(backup_folder(store, settings))
    return [JobView(job=job, label=schedule.JOB_LABEL[job], when=_when(job, settings, folder),
                    runs=[_run(r) for r in sql.recent_runs(store, job, runs_each)])
            for job in schedule.JOBS]


def run_now(store, actor: Identity, job: str, now: datetime | None = None) -> RunResult:
    """A2: run a job at once (recorded as "run now" by ``actor``; never while it runs)."""
    require_system(actor, "run scheduled jobs")
    return run_job(store, job, trigger="manual", actor=actor)


def jobs_run_by_themselves() -> bool:
    """Does this process run the jobs by itself: a served app (its server holds the database)
    with the scheduler on (ECOMM_JOBS)?"""
    from ecomm.jobs.scheduler import scheduler_enabled
    from ecomm.storage.served import served_store

    return served_store() is not None and scheduler_enabled()
