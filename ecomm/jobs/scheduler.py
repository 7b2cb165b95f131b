"""The scheduler the app's server starts: a small loop on ``ecomm.clock``.

Why not APScheduler: APScheduler 3.x reads the system time itself (in its scheduler and
triggers), so a test could not pin its "now" with ECOMM_NOW as everything else
in the product does; and it keeps its misfire bookkeeping in memory (or in its own job store,
a second writer to a database DuckDB lets only one process write). This loop asks
``ecomm.clock`` for "now" and keeps its bookkeeping in ``job_runs``, in the one database: each
tick runs every job whose latest slot (``schedule.latest_slot``) has no run yet, one after
the other. So a job fires once per slot, a job missed while the server was down runs once
when it comes back, and it never runs twice at once (``runner.run_job``).
"""
from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from typing import Callable

from ecomm import clock
from ecomm.jobs import schedule
from ecomm.jobs.runner import RunResult, run_job
from ecomm.storage import jobs as sql

log = logging.getLogger("ecomm.jobs")

ENABLE_ENV = "ECOMM_JOBS"      # "off": the server starts no scheduler (tests, screenshots)
TICK_ENV = "ECOMM_JOBS_TICK"   # seconds between ticks (default 30)


def scheduler_enabled() -> bool:
    return os.environ.get(ENABLE_ENV, "on").strip().lower() not in ("off", "0", "false", "no")


def tick(store, now: Callable[[], datetime] = clock.now_utc) -> list[RunResult]:
    """Run every job that is due now (each for its latest slot, once); what ran."""
    from ecomm.jobs.tasks import load_settings

    settings = load_settings(store)
    ran = []
    for job in schedule.JOBS:
        at = now()
        slot = schedule.due_slot(job, at, settings, sql.latest_slot(store, job))
        if slot is None:
            continue
        result = run_job(store, job, trigger=schedule.trigger_for(slot, at), slot=slot, now=now)
        if result.run_id is not None:
            log.info("job %s (%s): %s %s", job, slot, result.outcome, result.detail)
            ran.append(result)
    return ran


class Scheduler:
    """A daemon thread that ticks every ``tick_seconds`` until stopped."""

    def __init__(self, store, tick_seconds: float | None = None):
        self.store = store
        self.tick_seconds = tick_seconds or float(os.environ.get(TICK_ENV, "30"))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="ecomm-jobs", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                tick(self.store)
            except Exception:  # noqa: BLE001 - the loop outlives one bad tick (logged)
                log.exception("scheduled jobs: a tick failed")
            self._stop.wait(self.tick_seconds)

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
