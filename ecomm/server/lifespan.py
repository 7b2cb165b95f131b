"""The server's lifespan: open the database when the server starts (issue 14 item 10), with a
backup first when its schema is to be upgraded; start the scheduled jobs; write the info file
the command line finds the app by. Undone in reverse when the server stops.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from ecomm import clock
from ecomm.cli.remote import info_path
from ecomm.errors import EcommError
from ecomm.server import api
from ecomm.storage import Store, resolve_db_path
from ecomm.storage import jobs as jobs_sql
from ecomm.storage import served
from ecomm.storage.migrations import LATEST_VERSION

log = logging.getLogger("ecomm.server")


@dataclass
class Services:
    store: Store
    scheduler: object | None
    info: Path | None


def backup_before_upgrade(path: Path) -> Path | None:
    """Copy the database file before its schema is upgraded (``migrate()``), into the backup
    folder as ``ecomm-before-upgrade-v<old>-<time>.duckdb``; None when no upgrade is due."""
    store = Store(path, migrate=False)
    try:
        version = store.schema_version()
        if not 0 < version < LATEST_VERSION:
            return None
        from ecomm.jobs.tasks import backup_folder, load_settings

        try:
            folder = backup_folder(store, load_settings(store))
        except Exception:  # noqa: BLE001 - an old schema may not have every setting yet
            folder = path.resolve().parent / "backups"
    finally:
        store.close()  # closing checkpoints the file: the copy is the whole database
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / (f"ecomm-before-upgrade-v{version}-"
                     f"{clock.to_denver(clock.now_utc()):%Y%m%d-%H%M%S}.duckdb")
    shutil.copy2(path, copy)
    log.warning("database %s is at schema %s: copied to %s before upgrading to %s",
                path, version, copy, LATEST_VERSION)
    return copy


def open_for_serving(path: Path) -> Store:
    """Open (backing up, then upgrading) the database the server serves."""
    backup_before_upgrade(path)
    return Store(path)


def _url() -> str:
    from streamlit import config

    host = config.get_option("server.address") or "127.0.0.1"
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{config.get_option('server.port')}" + (f"/{base}" if base else "")


def start() -> Services | None:
    from ecomm.jobs.scheduler import Scheduler, scheduler_enabled

    path = resolve_db_path()
    if not path.exists() or path.stat().st_size == 0:
        log.warning("no database at %s yet: the app explains how to create one", path)
        return None
    try:
        store = open_for_serving(path)
    except EcommError as exc:  # busy or too new: the pages say so
        log.error("cannot open %s when the server starts: %s", path, exc.message)
        return None
    served.serve(store)
    store.write(lambda cur: jobs_sql.interrupt_running_cur(cur, clock.now_utc()))
    scheduler = None
    if scheduler_enabled():
        scheduler = Scheduler(store)
        scheduler.start()
    info = info_path(path)
    local_token = secrets.token_urlsafe(32)
    try:
        info.unlink(missing_ok=True)
        fd = os.open(info, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"url": _url(), "pid": os.getpid(), "db": str(path.resolve()),
                       "token": local_token}, f)
        api.set_local_token(local_token)
    except OSError as exc:
        log.warning("cannot write %s (the command line will not find the app): %s", info, exc)
        info = None
    log.info("serving %s (schema %s); jobs %s", path, store.schema_version(),
             "on" if scheduler else "off")
    return Services(store, scheduler, info)


def stop(services: Services | None) -> None:
    if services is None:
        return
    api.set_local_token(None)
    if services.scheduler is not None:
        services.scheduler.stop()
    if services.info is not None:
        try:
            if json.loads(services.info.read_text()).get("pid") == os.getpid():
                services.info.unlink()
        except (OSError, ValueError):
            pass
    served.unserve(services.store)
    services.store.close()


@asynccontextmanager
async def lifespan(app):
    services = await run_in_threadpool(start)
    try:
        yield {"ecomm": services}
    finally:
        await run_in_threadpool(stop, services)
