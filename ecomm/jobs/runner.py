"""Run one job and record it in ``job_runs``: outcome, what it did, start and end.

A job never runs twice at once, and never twice for the same slot: the check and the
``running`` row are written in one transaction (the Store's single write path), so a second
caller (the scheduler's tick, a "Run now" click, another thread) is told it is running.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ecomm import clock
from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.jobs.schedule import JOB_LABEL, JOBS
from ecomm.permissions import require_system
from ecomm.storage import audit
from ecomm.storage import jobs as sql

log = logging.getLogger("ecomm.jobs")

# Who the scheduler acts as (A2: the System team's own machinery), in job_runs and the audit log.
JOBS_ACTOR = Identity(email="jobs@system", name="Scheduled jobs", role=ref.APP_SYSTEM)


@dataclass(frozen=True)
class RunResult:
    job: str
    run_id: int | None        # None: not started (running already, or already run for the slot)
    outcome: str              # ok | failed | running | done
    detail: str
    seconds: float = 0.0


def run_job(store, job: str, *, trigger: str, actor: Identity = JOBS_ACTOR,
            slot: datetime | None = None,
            now: Callable[[], datetime] = clock.now_utc) -> RunResult:
    """Run ``job`` now for ``slot`` (None: a manual run) and record it."""
    from ecomm.jobs.tasks import TASKS

    if job not in JOBS:
        raise EcommError(f"There is no job called {job!r} (jobs: {', '.join(JOBS)}).")
    require_system(actor, "run scheduled jobs")
    started = now()

    def begin(cur):
        if slot is not None and cur.execute(
                "SELECT count(*) FROM job_runs WHERE job = ? AND slot >= ?",
                [job, slot]).fetchone()[0]:
            return "done"
        run_id = sql.start_run_cur(cur, job, trigger, slot, started, actor.email)
        if run_id is not None and trigger == "manual":
            audit.record(cur, actor=actor.email, action="run_job", entity="job", entity_id=job,
                         detail=JOB_LABEL[job])
        return run_id

    run_id = store.write(begin)
    if run_id == "done":
        return RunResult(job, None, "done", "It already ran for this time.")
    if run_id is None:
        return RunResult(job, None, "running",
                         f"{JOB_LABEL[job]} is running already: it never runs twice at once.")
    outcome, detail = "ok", ""
    try:
        detail = TASKS[job](store, actor, started)
    except EcommError as exc:
        outcome, detail = "failed", exc.message
        log.warning("job %s failed: %s", job, exc.message)
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, never lost
        outcome, detail = "failed", f"{type(exc).__name__}: {exc}"
        log.exception("job %s failed", job)
    finished = max(now(), started)
    store.write(lambda cur: sql.finish_run_cur(cur, run_id, outcome, detail, finished))
    return RunResult(job, run_id, outcome, detail, (finished - started).total_seconds())
