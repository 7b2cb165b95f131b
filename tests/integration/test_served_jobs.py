"""Issue 19 "done when": the daily job runs by itself in the served app (a real `streamlit run`
with its scheduler on and ECOMM_NOW pinned), and /healthz then answers 200 with the schema
version and the last job outcomes."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import date

import pytest

from ecomm.storage import Store
from ecomm.storage.migrations import LATEST_VERSION
from tools import appserver

pytestmark = pytest.mark.slow


def _healthz(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_daily_jobs_run_by_themselves_and_healthz_says_so(tmp_path):
    from ecomm.demo import load_demo

    db = tmp_path / "ecomm.duckdb"
    with Store(db) as store:
        load_demo(store, as_of=date(2026, 11, 20), licenses=150)
    env = {"ECOMM_JOBS": "on", "ECOMM_JOBS_TICK": "1", "ECOMM_NOW": "2026-12-01T07:00:30"}
    with appserver.serve(db, tmp_path / "server", env=env) as app:
        deadline = time.monotonic() + 180
        status, doc = _healthz(app.url)
        while status != 200 and time.monotonic() < deadline:
            time.sleep(1)  # polling the served app while its first tick runs the jobs
            status, doc = _healthz(app.url)
        assert status == 200, doc
        assert doc["schema_version"] == LATEST_VERSION
        jobs = doc["jobs"]
        # Tuesday 2026-12-01 07:00 Denver: the daily messages' slot (schedule, not catch-up),
        # the nightly backup of 02:00 (catch-up) and the cycle's first processing day
        assert jobs["daily_messages"]["outcome"] == "ok"
        assert jobs["daily_messages"]["trigger"] == "schedule"
        assert "Queued" in jobs["daily_messages"]["detail"]
        assert jobs["nightly_backup"]["outcome"] == "ok"
        assert jobs["cycle_reminders"]["outcome"] == "ok"
    assert list((tmp_path / "backups").glob("ecomm-20261201-*.zip"))
    with Store(db) as store:
        assert store.query_value("SELECT count(*) FROM job_runs WHERE outcome = 'ok'") == 3
        assert store.query_value("SELECT count(*) FROM outbox WHERE template_key = 'batch_due'") == 1
