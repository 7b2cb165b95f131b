"""Restoring a backup from the Admin page (A2, A4): into a NEW database file in a new folder
beside the app's, since a restore goes only into an empty database."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from ecomm import backup_signing as signing
from ecomm import permissions
from ecomm.backup import BackupSummary, _refuse, read_backup, restore_backup
from ecomm.identity import Identity
from ecomm.storage import audit


def restore_to_new_file(store, actor: Identity | None, data: bytes, *, now: datetime,
                        accept_unsigned: str | None = None) -> tuple[Path, BackupSummary]:
    """A2: restore a backup into a NEW database file in a new folder beside this database's
    (``restored-YYYYMMDD-HHMMSS/ecomm.duckdb``, its own uploads folder): the empty database a
    restore needs, made from the Admin page. This database only records that it was done (A4);
    the app keeps using it until it is started with ECOMM_DB pointing at the new file."""
    from ecomm.storage import Store

    who = permissions.require_system(actor, "restore a backup")
    key = signing.find_key(store.path)  # this installation's key, not the new folder's
    read_backup(data, key, accept_unsigned)  # refuse a damaged file before creating anything
    folder = Path(store.path).resolve().parent / f"restored-{now:%Y%m%d-%H%M%S}"
    try:
        folder.mkdir()
    except FileExistsError as exc:
        raise _refuse(f"the folder {folder} already exists; try again in a second.") from exc
    target = folder / "ecomm.duckdb"
    try:
        with Store(target) as new:
            summary = restore_backup(new, who, data, accept_unsigned=accept_unsigned, key=key)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if key is not None and Path(key.source).is_file():  # the new folder keeps this installation's key
        shutil.copy2(key.source, signing.key_file(target))
    store.write(lambda cur: audit.record(
        cur, actor=who.email, action="restore_to_new_file", entity="database",
        entity_id=str(target), after={"path": str(target), "rows": summary.total_rows,
                                      "backup_created_at": summary.created_at,
                                      "backup_created_by": summary.created_by,
                                      "signature": summary.signature,
                                      "accepted_unsigned_reason": None if summary.signature ==
                                      "signed" else accept_unsigned},
        detail=f"Restored the backup made {summary.created_at} by {summary.created_by} into "
               f"the new database {target}"))
    return target, summary
