"""What each job does. Each task takes the store, who runs it and the moment it starts (naive
UTC), does its work through the same services as the pages and the CLI, and returns one
sentence saying what it did (kept with the run); a refusal raises EcommError.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ecomm import calendar as cal
from ecomm import clock
from ecomm.identity import Identity
from ecomm.jobs.schedule import CYCLE_REMINDERS, DAILY_MESSAGES, NIGHTLY_BACKUP, JobSettings
from ecomm.policy import SETTINGS_BY_KEY

BACKUP_PREFIX = "ecomm-"


def load_settings(store) -> JobSettings:
    """The Jobs settings as stored (defaults for any not stored) and the C1 closures."""
    from ecomm.storage.calendar import extra_closures

    keys = ("job_messages_hour", "job_backup_hour", "job_backup_folder", "job_backup_keep")
    stored = dict(store.query("SELECT key, value FROM settings WHERE key IN (SELECT unnest(?))",
                              [list(keys)]))
    v = {k: json.loads(stored[k]) if k in stored else SETTINGS_BY_KEY[k].default for k in keys}
    return JobSettings(messages_hour=int(v["job_messages_hour"]),
                       backup_hour=int(v["job_backup_hour"]),
                       backup_folder=str(v["job_backup_folder"] or ""),
                       backup_keep=max(1, int(v["job_backup_keep"])),
                       closures=frozenset(extra_closures(store)))


def backup_folder(store, settings: JobSettings) -> Path:
    """The nightly backups' folder: the setting, else ``backups`` beside the database."""
    if settings.backup_folder:
        return Path(settings.backup_folder)
    return Path(store.path).resolve().parent / "backups"


def daily_messages(store, actor: Identity, now: datetime) -> str:
    """Q1-Q3: queue the day's compliance messages (each once), then send the outbox by SMTP
    when a mail server is configured (the CLI's ``notify --send``)."""
    from ecomm.notifications.actions import queue_compliance_messages, send_now
    from ecomm.storage import notifications as store_n

    on = clock.denver_date(now)
    queued = queue_compliance_messages(store, actor, on)
    said = f"Queued {queued} compliance message(s) due on {on.isoformat()}"
    if store_n.load_smtp_settings(store).configured:
        report = send_now(store, actor)
        return f"{said}; sent {report.sent} by SMTP; {report.pending} not sent."
    pending = store_n.count_pending(store)
    return f"{said}; no mail server is configured: {pending} message(s) wait in the outbox."


def nightly_backup(store, actor: Identity, now: datetime) -> str:
    """A full backup (ecomm.backup) into the backup folder; the newest ``job_backup_keep``
    nightly backups are kept, older ones deleted."""
    from ecomm.backup import write_backup

    settings = load_settings(store)
    folder = backup_folder(store, settings)
    path = folder / f"{BACKUP_PREFIX}{clock.to_denver(now):%Y%m%d-%H%M%S}.zip"
    summary = write_backup(store, actor, path, now=now)
    kept = sorted(folder.glob(f"{BACKUP_PREFIX}*.zip"), reverse=True)
    removed = kept[settings.backup_keep:]
    for old in removed:
        old.unlink(missing_ok=True)
    return (f"Wrote {path} ({summary.size_bytes:,} bytes); kept {len(kept) - len(removed)} "
            f"backup(s), deleted {len(removed)}.")


def cycle_reminders(store, actor: Identity, now: datetime) -> str:
    """C1: on a cycle's first processing day, tell the System team the batch is due and how
    many requests wait for it (once per cycle)."""
    from ecomm.notifications import templates as t
    from ecomm.permissions import require_system
    from ecomm.storage import notifications as store_n

    require_system(actor, "send the batch reminder")
    today = clock.denver_date(now)
    cycle = f"{today.year:04d}-{today.month:02d}"
    settings = load_settings(store)
    day = cal.first_processing_day(cycle, settings.closures)
    waiting = store.query_value(
        "SELECT count(*) FROM requests WHERE status IN ('pending', 'held') AND cycle <= ?",
        [cycle])
    team = [r[0] for r in store.query(
        "SELECT email FROM app_users WHERE role = 'system' AND active ORDER BY email")]
    if not team:
        return f"Cycle {cycle}: no active System-team user to remind."

    def run(cur):
        return store_n.queue_message(cur, t.BATCH_DUE, f"batch_due:{cycle}", team, [], {
            "cycle": cycle, "processing_day": t.fmt_date(day), "waiting": waiting})

    queued = store.write(run)
    if queued is None:
        return f"Cycle {cycle}: the batch reminder was already queued."
    return f"Cycle {cycle}: batch reminder queued to {len(team)} System-team user(s) ({waiting} waiting)."


TASKS = {DAILY_MESSAGES: daily_messages, NIGHTLY_BACKUP: nightly_backup,
         CYCLE_REMINDERS: cycle_reminders}
