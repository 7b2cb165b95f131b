"""Jobs page (issue 19, A2): each job's schedule and last runs; "Run now" runs it once,
records who ran it and shows the outcome; other roles cannot reach it."""
from __future__ import annotations

import pytest

from ecomm.jobs import schedule
from ecomm.storage import jobs as sql
from tests.apptest.conftest import BOULDER, SYSTEM, page_paths, texts

JOBS_PAGE = "app_pages/jobs.py"


@pytest.fixture
def jobs_page(open_app, monkeypatch):
    monkeypatch.setenv("ECOMM_NOW", "2026-12-01T10:00")
    return open_app(SYSTEM, JOBS_PAGE)


def test_jobs_page_lists_every_job_with_its_schedule(jobs_page):
    shown = texts(jobs_page)
    for label in schedule.JOB_LABEL.values():
        assert label in shown
    assert "Business days (C1) at 07:00 Denver time." in shown
    assert shown.count("Not run yet.") == 3
    # AppTest runs app.py as a plain script: no server, so no scheduler
    assert "not running by themselves" in shown


def test_run_now_runs_the_backup_once_and_shows_it(jobs_page, app_store, tmp_path):
    at = jobs_page
    at.button(key=f"run_now_{schedule.NIGHTLY_BACKUP}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Nightly backup: done. Wrote" in " ".join(s.value for s in at.success)
    runs = sql.recent_runs(app_store, schedule.NIGHTLY_BACKUP)
    assert [(r["outcome"], r["trigger"], r["actor"]) for r in runs] == [("ok", "manual", SYSTEM)]
    assert list((tmp_path / "backups").glob("ecomm-20261201-*.zip"))
    frame = at.dataframe[0].value
    assert list(frame["outcome"]) == ["ok"] and list(frame["run by"]) == [SYSTEM]
    assert app_store.query_value("SELECT count(*) FROM audit_log WHERE action = 'run_job' "
                                 "AND entity_id = 'nightly_backup' AND actor = ?", [SYSTEM]) == 1


def test_a_failed_run_is_shown_with_its_reason(jobs_page, monkeypatch):
    from ecomm.jobs import tasks

    def broken(store, actor, now):
        raise OSError("No space left on device")

    monkeypatch.setitem(tasks.TASKS, schedule.DAILY_MESSAGES, broken)
    at = jobs_page
    at.button(key=f"run_now_{schedule.DAILY_MESSAGES}").click().run()
    assert any("failed: OSError: No space left on device" in e.value for e in at.error)


def test_a2_only_the_system_team_has_the_jobs_page(open_app, app_store):
    from ecomm.errors import AccessDenied
    from ecomm.identity import Identity
    from ecomm.jobs import views

    assert JOBS_PAGE not in page_paths(open_app(BOULDER))
    specialist = Identity(email=BOULDER, name="P", role="specialist", campus="Boulder")
    with pytest.raises(AccessDenied, match="A2"):
        views.run_now(app_store, specialist, schedule.NIGHTLY_BACKUP)
    assert sql.recent_runs(app_store) == []
