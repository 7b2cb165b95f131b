"""Issue 19: the scheduler in the app's process, driven by ecomm.clock pinned with ECOMM_NOW.

Calendar used (C1): Mon 2026-11-30 .. Fri 2026-12-04 are business days; Sat 2026-12-05 and
Sun 2026-12-06 are not. Tuesday 2026-12-01 is the first processing day of cycle 2026-12.
Default hours: messages 07:00, backup 02:00 (Denver).
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime

import pytest

from ecomm import clock
from ecomm.jobs import runner, schedule, tasks
from ecomm.jobs.scheduler import tick
from ecomm.storage import jobs as sql


@pytest.fixture
def team_store(store):
    store.write(lambda cur: cur.execute(
        "INSERT INTO app_users (email, name, role, campus, quiz_passed_on, active) "
        "VALUES ('sam.system@cu.edu', 'Sam Rivera', 'system', NULL, NULL, TRUE)"))
    return store


def at(monkeypatch, when: str) -> None:
    """Pin ecomm.clock's now at ``when`` (Denver)."""
    monkeypatch.setenv("ECOMM_NOW", when)


def runs(store, job: str) -> list[dict]:
    return sorted(sql.recent_runs(store, job, limit=1000), key=lambda r: r["started_at"])


def test_daily_job_fires_once_a_day_on_business_days(team_store, monkeypatch):
    store = team_store
    at(monkeypatch, "2026-11-30T07:30")  # first start: Monday after the 07:00 slot
    tick(store)
    for when in ("2026-11-30T09:00", "2026-11-30T23:59", "2026-12-01T06:59"):
        at(monkeypatch, when)
        assert [r.job for r in tick(store) if r.job == schedule.DAILY_MESSAGES] == []
    for when in ("2026-12-01T07:00:30", "2026-12-01T07:10", "2026-12-01T18:00",
                 "2026-12-02T07:01", "2026-12-02T12:00", "2026-12-03T07:01", "2026-12-04T07:01",
                 "2026-12-05T07:01", "2026-12-06T07:01"):
        at(monkeypatch, when)
        tick(store)
    msg = runs(store, schedule.DAILY_MESSAGES)
    days = Counter(clock.denver_date(r["started_at"]).isoformat() for r in msg)
    # once on Mon 30 (its first start) and on each business day after; none on the weekend
    assert days == {"2026-11-30": 1, "2026-12-01": 1, "2026-12-02": 1, "2026-12-03": 1,
                    "2026-12-04": 1}
    assert all(r["outcome"] == "ok" for r in msg), msg
    assert [r["trigger"] for r in msg] == ["catch-up"] + ["schedule"] * 4
    # the nightly backup ran once a night too, weekend included (7 nights)
    backups = Counter(clock.denver_date(r["started_at"]).isoformat()
                      for r in runs(store, schedule.NIGHTLY_BACKUP))
    assert set(backups.values()) == {1} and len(backups) == 7
    # the batch reminder: only on Tuesday 2026-12-01, the first processing day of 2026-12
    rem = runs(store, schedule.CYCLE_REMINDERS)
    assert [clock.denver_date(r["started_at"]).isoformat() for r in rem] == ["2026-12-01"]
    assert store.query_value("SELECT count(*) FROM outbox WHERE template_key = 'batch_due'") == 1


def test_missed_job_catches_up_once(team_store, monkeypatch):
    store = team_store
    at(monkeypatch, "2026-11-30T07:30")
    tick(store)
    # the server is down from Monday evening to Thursday 10:00: three slots of each daily job
    # were missed (Tue, Wed, Thu); it runs once for the latest, not three times
    at(monkeypatch, "2026-12-03T10:00")
    ran = tick(store)
    assert Counter(r.job for r in ran) == {schedule.DAILY_MESSAGES: 1, schedule.NIGHTLY_BACKUP: 1}
    last = runs(store, schedule.DAILY_MESSAGES)[-1]
    assert last["trigger"] == "catch-up"
    assert last["slot"] == clock.parse_datetime("2026-12-03T07:00")
    at(monkeypatch, "2026-12-03T10:01")
    assert tick(store) == []


def test_missed_batch_reminder_is_not_sent_days_late(team_store, monkeypatch):
    at(monkeypatch, "2026-12-02T08:00")  # the first processing day (Tue 1) was missed
    tick(team_store)
    assert runs(team_store, schedule.CYCLE_REMINDERS) == []


def test_nightly_backup_keeps_the_newest(team_store, monkeypatch, tmp_path):
    from ecomm import admin
    from ecomm.jobs.runner import JOBS_ACTOR

    folder = tmp_path / "nightly"
    admin.update_setting(team_store, JOBS_ACTOR, "job_backup_folder", str(folder))
    admin.update_setting(team_store, JOBS_ACTOR, "job_backup_keep", "2")
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        at(monkeypatch, f"{day}T02:30")
        tick(team_store)
    names = sorted(p.name for p in folder.iterdir())
    # three nights, two kept: the newest (the pinned clock ticks, so seconds may vary)
    assert [n[:19] for n in names] == ["ecomm-20261202-0230", "ecomm-20261203-0230"]


def test_hours_are_settings(team_store, monkeypatch):
    from ecomm import admin
    from ecomm.errors import EcommError
    from ecomm.jobs.runner import JOBS_ACTOR

    admin.update_setting(team_store, JOBS_ACTOR, "job_messages_hour", "0")
    assert tasks.load_settings(team_store).messages_hour == 0
    with pytest.raises(EcommError, match="0 to 23"):
        admin.update_setting(team_store, JOBS_ACTOR, "job_backup_hour", "24")
    assert team_store.query_value(
        "SELECT count(*) FROM audit_log WHERE entity = 'setting' AND entity_id = 'job_messages_hour'") == 1


def _slow_task(started: threading.Event, release: threading.Event, calls: list):
    def task(store, actor, now):
        calls.append(now)
        started.set()
        assert release.wait(20)
        return "done slowly"
    return task


def test_concurrency_a_job_never_runs_twice_at_once(team_store, monkeypatch):
    at(monkeypatch, "2026-12-01T10:00")
    started, release, calls = threading.Event(), threading.Event(), []
    monkeypatch.setitem(tasks.TASKS, schedule.NIGHTLY_BACKUP, _slow_task(started, release, calls))
    first: list = []
    t = threading.Thread(target=lambda: first.append(runner.run_job(
        team_store, schedule.NIGHTLY_BACKUP, trigger="manual")))
    t.start()
    assert started.wait(20)
    # while it runs: a second "Run now" and the scheduler's tick are both told it is running
    second = runner.run_job(team_store, schedule.NIGHTLY_BACKUP, trigger="manual")
    assert second.run_id is None and second.outcome == "running"
    assert [r.job for r in tick(team_store) if r.job == schedule.NIGHTLY_BACKUP] == []
    release.set()
    t.join(20)
    assert first[0].outcome == "ok" and len(calls) == 1


def test_concurrency_two_ticks_at_once_run_a_slot_once(team_store, monkeypatch):
    at(monkeypatch, "2026-12-01T10:00")
    started, release, calls = threading.Event(), threading.Event(), []
    monkeypatch.setitem(tasks.TASKS, schedule.NIGHTLY_BACKUP, _slow_task(started, release, calls))
    threads = [threading.Thread(target=tick, args=(team_store,)) for _ in range(4)]
    for th in threads:
        th.start()
    assert started.wait(20)
    release.set()
    for th in threads:
        th.join(30)
    tick(team_store)  # and once more after they finished: still once for the slot
    assert len(calls) == 1
    assert len(runs(team_store, schedule.NIGHTLY_BACKUP)) == 1


def test_a_failed_run_is_recorded_with_its_reason(team_store, monkeypatch):
    at(monkeypatch, "2026-12-01T10:00")

    def broken(store, actor, now):
        raise OSError("disk full")

    monkeypatch.setitem(tasks.TASKS, schedule.NIGHTLY_BACKUP, broken)
    result = runner.run_job(team_store, schedule.NIGHTLY_BACKUP, trigger="manual")
    assert result.outcome == "failed" and "disk full" in result.detail
    row = runs(team_store, schedule.NIGHTLY_BACKUP)[-1]
    assert row["outcome"] == "failed" and row["finished_at"] is not None


def test_a_run_left_running_by_a_stopped_server_is_interrupted(team_store):
    now = datetime(2026, 12, 1, 17)
    team_store.write(lambda cur: sql.start_run_cur(cur, "nightly_backup", "manual", None, now, "x"))
    assert team_store.write(lambda cur: sql.interrupt_running_cur(cur, now)) == 1
    assert sql.last_runs(team_store)["nightly_backup"]["outcome"] == "interrupted"


def test_health_fails_when_a_daily_job_has_not_succeeded_for_a_day(team_store, monkeypatch):
    from ecomm.jobs.health import health

    at(monkeypatch, "2026-12-01T10:00")
    ok, doc = health(team_store, clock.now_utc())  # nothing ever ran: the slots of Nov 30
    assert not ok and len(doc["problems"]) == 2   # (backup 02:00, messages 07:00) are a day old
    tick(team_store)
    ok, doc = health(team_store, clock.now_utc())
    assert ok and doc["schema_version"] >= 7 and doc["jobs"]["daily_messages"]["outcome"] == "ok"
    # both ran at Tue 1 10:00; nothing runs after (the server is down): Wednesday's slots
    # (backup 02:00, messages 07:00) are missed, and each fails /healthz a day after its slot
    assert health(team_store, clock.parse_datetime("2026-12-03T01:59"))[0]
    ok, doc = health(team_store, clock.parse_datetime("2026-12-03T02:01"))
    assert not ok and [p.split()[0] for p in doc["problems"]] == ["nightly_backup"]
    ok, doc = health(team_store, clock.parse_datetime("2026-12-03T07:01"))
    assert [p.split()[0] for p in doc["problems"]] == ["daily_messages", "nightly_backup"]


def test_health_after_a_weekend_counts_business_days(team_store, monkeypatch):
    from ecomm.jobs.health import health

    at(monkeypatch, "2026-12-04T10:00")  # Friday
    tick(team_store)
    at(monkeypatch, "2026-12-07T06:00")  # Monday before 07:00: only backups were due since
    tick(team_store)
    assert health(team_store, clock.parse_datetime("2026-12-07T06:30"))[0]


def test_health_fails_when_the_database_cannot_be_read(db_path):
    from ecomm.jobs.health import health
    from ecomm.storage import Store

    closed = Store(db_path)
    closed.close()
    ok, doc = health(closed, datetime(2026, 12, 1, 17))
    assert not ok and "cannot be read" in doc["problems"][0]
    assert health(None, datetime(2026, 12, 1, 17))[0] is False
