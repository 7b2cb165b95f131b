"""Full backup and restore (A2, A4): one zip file holding everything needed to rebuild the data.

What the zip holds:

- ``manifest.json``: format, app schema version (the latest migration), when and by whom it
  was made, every table with its columns and row count, the sequences' last values, and the
  size and sha256 of every other file in the zip;
- the import-format CSV files at the top (``contacts.csv``, ``licenses.csv``...: exactly what
  ``python -m ecomm export`` writes), so the backup stays readable and ``import`` reads them;
- ``tables/<table>.parquet``: every table of the database (settings, cycles, request history,
  invoices and their lines and events, net-new reviews, message templates, outbox, audit log,
  uploads metadata...) with its exact types: the restore loads these;
- ``uploads/<stored name>``: the transcript files the uploads metadata points to;
- ``manifest.sig``: the HMAC-SHA256 of ``manifest.json`` under the installation's backup key
  (``ecomm.backup_signing``): a backup edited and re-checksummed without the key is refused.

A restore goes only into an EMPTY database (freshly created: at most the migrations' default
settings and templates), checks every checksum and the schema version before writing anything,
loads every table in ONE transaction and audits itself; on any failure nothing is written.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from ecomm import backup_signing as signing
from ecomm import clock, permissions
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.importer.columns import FILES
from ecomm.storage import audit
from ecomm.storage import backup as sql
from ecomm.storage.migrations import LATEST_VERSION
from ecomm.ziplimits import BACKUP_LIMITS, zip_problems

FORMAT = "ecomm-licenses-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
UPLOADS_DIR = "uploads"


class BackupSummary(BaseModel):
    """What a backup holds (also what a restore loaded)."""

    schema_version: int
    created_at: str
    created_by: str
    tables: dict[str, int]
    uploads: int
    missing_uploads: list[str] = []
    size_bytes: int = 0
    signature: str = ""       # "signed", "unsigned" or "wrong_key" (ecomm.backup_signing)
    signature_note: str = ""  # the sentence saying so

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def _upload_files(store, reader) -> tuple[dict[str, bytes], list[str]]:
    """The transcript files named by evidence_files: (stored name -> bytes, missing names)."""
    from ecomm.requests.evidence import uploads_root

    names = sql.evidence_names(reader)
    if not names:
        return {}, []
    root = uploads_root(store).resolve()
    found, missing = {}, []
    for name in names:
        path = (root / name).resolve()
        if path.is_relative_to(root) and path.is_file():
            found[name] = path.read_bytes()
        else:
            missing.append(name)
    return found, missing


def build_backup(store, actor: Identity | None, *, now: datetime) -> tuple[bytes, BackupSummary]:
    """A2: the whole database as one zip (see the module docstring); audited (A4)."""
    from ecomm.exporter import csv_bytes, table_frame

    who = permissions.require_system(actor, "download a full backup")
    files: dict[str, bytes] = {}
    with sql.snapshot(store) as reader:
        version = store.schema_version()
        for spec in FILES:  # the import format, as `export` writes it
            files[spec.file_name] = csv_bytes(table_frame(reader, spec))
        tables = {}
        for table in sql.tables(reader):
            data = reader.arrow(table)
            files[f"{TABLES_DIR}/{table}.parquet"] = _parquet(data)
            tables[table] = {"file": f"{TABLES_DIR}/{table}.parquet", "rows": data.num_rows,
                             "columns": sql.columns(reader, table)}
        sequences = sql.sequences(reader)
        uploads, missing = _upload_files(store, reader)
    for name, data in uploads.items():
        files[f"{UPLOADS_DIR}/{name}"] = data
    created_at = clock.format_datetime(now)
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app": "eComm Licenses",
        "schema_version": version, "created_at": created_at, "created_by": who.email,
        "tables": tables, "sequences": sequences,
        "import_format": [spec.file_name for spec in FILES],
        "missing_uploads": missing,
        "files": {name: {"sha256": _sha256(data), "bytes": len(data)}
                  for name, data in sorted(files.items())},
    }
    buf = io.BytesIO()
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(signing.SIGNATURE, signing.sign(manifest_bytes, signing.find_key(
            store.path, create=True)))
        for name, data in sorted(files.items()):
            # Parquet is compressed already (zstd): stored as it is, which saves seconds
            stored = zipfile.ZIP_STORED if name.endswith(".parquet") else None
            zf.writestr(name, data, compress_type=stored)
    payload = buf.getvalue()
    summary = BackupSummary(schema_version=version, created_at=created_at, created_by=who.email,
                            tables={t: v["rows"] for t, v in tables.items()},
                            uploads=len(uploads), missing_uploads=missing,
                            size_bytes=len(payload))
    store.write(lambda cur: audit.record(
        cur, actor=who.email, action="backup", entity="database",
        after={"schema_version": version, "rows": summary.total_rows, "tables": summary.tables,
               "uploads": summary.uploads, "sha256": _sha256(payload)},
        detail=f"Full backup made ({summary.total_rows:,} rows in {len(tables)} tables, "
               f"{summary.uploads} uploaded files)"))
    return payload, summary


def write_backup(store, actor: Identity | None, path: str | Path, *,
                 now: datetime) -> BackupSummary:
    """Build the backup and write it to ``path`` (the CLI's ``backup --out``)."""
    payload, summary = build_backup(store, actor, now=now)
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(payload)
        tmp.replace(out)
    except OSError as exc:
        raise EcommError(f"Cannot write the backup to {out}: {exc.strerror or exc}.") from exc
    return summary


# -- restore -------------------------------------------------------------------------------
def _refuse(message: str, problems: list[str] | None = None) -> EcommError:
    return EcommError("The backup was not restored: " + message
                      + " Nothing was written to the database.", problems or [])


def _safe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name


def read_backup(data: bytes, key: signing.BackupKey | None, accept_unsigned: str | None = None,
                *, require_signature: bool = True) -> tuple[dict, dict[str, bytes], signing.Verdict]:
    """Open and verify a backup zip: (manifest, file name -> bytes, signature verdict). Refuses
    a damaged or tampered file (any checksum, size or listing that differs from the manifest)
    and one not signed with ``key`` unless ``accept_unsigned`` gives the reason to accept it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _refuse("the file is not a zip file made by eComm Licenses' backup.") from exc
    with zf:
        too_big = zip_problems(zf, BACKUP_LIMITS)  # a zip bomb: before anything is read
        if too_big:
            raise _refuse("it would expand far beyond what a backup holds (a damaged or "
                          "crafted file).", too_big)
        names = zf.namelist()
        unsafe = [n for n in names if not _safe_member(n)]
        if unsafe:
            raise _refuse("the zip holds file names that point outside its folder.", unsafe[:20])
        if MANIFEST not in names:
            raise _refuse(f"the zip has no {MANIFEST}; it is not a backup made by eComm Licenses "
                          "(an `export` folder is loaded with `python -m ecomm import`).")
        try:
            raw = zf.read(MANIFEST)
            manifest = json.loads(raw)
            verdict = signing.verify(raw, zf.read(signing.SIGNATURE)
                                     if signing.SIGNATURE in names else None, key)
        except (ValueError, zipfile.BadZipFile) as exc:
            raise _refuse(f"its {MANIFEST} cannot be read.") from exc
        if require_signature and not verdict.valid and not (accept_unsigned or "").strip():
            raise _refuse(verdict.sentence + ". Only a backup signed with this installation's "
                          "key is restored. If you trust this file, the System team can accept "
                          "it with a reason, which is recorded in the audit log: `python -m "
                          "ecomm restore FILE.zip --accept-unsigned REASON`, or the reason field "
                          "on the Admin page.")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse(f"its {MANIFEST} is not an eComm Licenses backup manifest.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise _refuse(f"it is in backup format {manifest.get('format_version')!r}; this "
                          f"version of the app reads format {FORMAT_VERSION}.")
        listed = manifest.get("files") or {}
        problems = []
        present = set(names) - {MANIFEST, signing.SIGNATURE}
        for name in sorted(present - set(listed)):
            problems.append(f"{name}: in the zip but not in the manifest")
        files: dict[str, bytes] = {}
        for name, meta in sorted(listed.items()):
            if name not in present:
                problems.append(f"{name}: listed in the manifest but missing from the zip")
                continue
            try:
                content = zf.read(name)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:  # CRC error, damage
                problems.append(f"{name}: cannot be read ({exc})")
                continue
            if len(content) != meta.get("bytes") or _sha256(content) != meta.get("sha256"):
                problems.append(f"{name}: its checksum differs from the manifest (changed or damaged)")
                continue
            files[name] = content
        if problems:
            raise _refuse("the file is damaged or was changed after it was made.", problems)
    return manifest, files, verdict


def _check_schema(reader, manifest: dict) -> None:
    version = manifest.get("schema_version")
    if version != LATEST_VERSION:
        raise _refuse(
            f"it was made with database schema version {version}, and this version of the app "
            f"has schema version {LATEST_VERSION}. Restore it with the version of the app that "
            "made it, then open the database with this one to upgrade it.")
    have = {t: sql.columns(reader, t) for t in sql.tables(reader)}
    want = {t: meta.get("columns") for t, meta in (manifest.get("tables") or {}).items()}
    problems = [f"table {t}: not in the backup" for t in sorted(set(have) - set(want))]
    problems += [f"table {t}: not in this database" for t in sorted(set(want) - set(have))]
    problems += [f"table {t}: its columns differ" for t in sorted(set(have) & set(want))
                 if have[t] != want[t]]
    if problems:
        raise _refuse("its tables do not match this database's schema.", problems)


def _check_empty(reader, path) -> None:
    holding = sql.non_empty_tables(reader)
    if holding:
        raise _refuse(
            f"the database {path} already holds data, and a backup is restored only into an "
            "empty database so that nothing is mixed or overwritten. Restore into a new file "
            "from a terminal: `python -m ecomm restore BACKUP.zip --db NEW.duckdb`, then point "
            "the app at it (ECOMM_DB).",
            [f"{t}: {n:,} rows" for t, n in sorted(holding.items())])


def _tables(manifest: dict, files: dict[str, bytes]) -> dict[str, pa.Table]:
    out = {}
    for table, meta in sorted((manifest.get("tables") or {}).items()):
        try:
            source = io.BytesIO(files[meta["file"]])
            rows = pq.ParquetFile(source).metadata.num_rows  # before the rows are decoded
            if rows != meta.get("rows"):
                raise _refuse(f"table {table} holds {rows} rows; the manifest says "
                              f"{meta.get('rows')}.")
            data = pq.read_table(source)
        except (KeyError, pa.ArrowException) as exc:
            raise _refuse(f"the rows of table {table} cannot be read.") from exc
        if data.num_rows != meta.get("rows"):
            raise _refuse(f"table {table} holds {data.num_rows} rows; the manifest says "
                          f"{meta.get('rows')}.")
        out[table] = data
    return out


def restore_backup(store, actor: Identity | None, data: bytes, *, accept_unsigned: str | None = None,
                   key: signing.BackupKey | None = None) -> BackupSummary:
    """A2: load a backup into an EMPTY database: verified first (checksums, and its signature
    with ``key``, default this installation's, unless ``accept_unsigned`` gives a reason, which
    is audited), then every table in one transaction (all or nothing) with an audit entry
    (A4); transcript files are written to the uploads folder and removed if it fails."""
    from ecomm.requests.evidence import remove_files, uploads_root

    who = permissions.require_system(actor, "restore a backup")
    key = key or signing.find_key(store.path)
    manifest, files, verdict = read_backup(data, key, accept_unsigned)
    accepted = None if verdict.valid else accept_unsigned.strip()
    _check_schema(store, manifest)
    _check_empty(store, store.path)
    tables = _tables(manifest, files)
    uploads = {name[len(UPLOADS_DIR) + 1:]: content for name, content in files.items()
               if name.startswith(UPLOADS_DIR + "/")}
    written: list[Path] = []

    def run(cur) -> BackupSummary:
        _check_empty(sql.Snapshot(cur), store.path)  # again, inside the transaction
        sql.clear_seeds(cur)
        counts = {table: sql.load_table(cur, table, rows) for table, rows in tables.items()}
        for name, last in (manifest.get("sequences") or {}).items():
            if last is not None:
                sql.advance_sequence(cur, name, int(last))
        if uploads:
            root = uploads_root(store).resolve()
            for name, content in sorted(uploads.items()):
                path = (root / name).resolve()
                if not path.is_relative_to(root):
                    raise _refuse(f"the uploaded file {name} points outside the uploads folder.")
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with open(path, "xb") as fh:
                        written.append(path)
                        fh.write(content)
                except FileExistsError as exc:
                    raise _refuse(f"the uploads folder already has a file {name}; restore into "
                                  "a database in a new folder.") from exc
        summary = BackupSummary(schema_version=manifest["schema_version"],
                                created_at=str(manifest.get("created_at")),
                                created_by=str(manifest.get("created_by")),
                                tables=counts, uploads=len(uploads),
                                missing_uploads=list(manifest.get("missing_uploads") or []),
                                size_bytes=len(data), signature=verdict.status,
                                signature_note=verdict.sentence)
        audit.record(cur, actor=who.email, action="restore", entity="database",
                     after={"schema_version": summary.schema_version, "rows": summary.total_rows,
                            "tables": counts, "uploads": summary.uploads,
                            "backup_created_at": summary.created_at,
                            "backup_created_by": summary.created_by, "sha256": _sha256(data),
                            "signature": verdict.status, "accepted_unsigned_reason": accepted},
                     detail=f"Restored the backup made {summary.created_at} by "
                            f"{summary.created_by} ({summary.total_rows:,} rows)" + (
                                f"; NOT validly signed ({verdict.sentence}), accepted by "
                                f"{who.email}: {accepted}" if accepted else ""))
        return summary

    try:
        return store.write(run)
    except duckdb.Error as exc:
        remove_files(written)
        raise _refuse(f"loading the rows failed ({str(exc).splitlines()[0]}).") from exc
    except BaseException:
        remove_files(written)
        raise


def read_file(path: str | Path) -> bytes:
    """The bytes of the backup zip at ``path`` (a sentence when it cannot be read)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise EcommError(f"Cannot read the backup {path}: {exc.strerror or exc}.") from exc


def inspect(store, actor: Identity | None, data: bytes) -> BackupSummary:
    """A2: verify a backup zip (checksums, format, schema version) and say what it holds and
    whether it is signed with this installation's key, without writing anything."""
    permissions.require_system(actor, "restore a backup")
    manifest, files, verdict = read_backup(data, signing.find_key(store.path),
                                           require_signature=False)
    if manifest.get("schema_version") != LATEST_VERSION:
        raise _refuse(
            f"it was made with database schema version {manifest.get('schema_version')}, and "
            f"this version of the app has schema version {LATEST_VERSION}.")
    tables = manifest.get("tables") or {}
    return BackupSummary(
        schema_version=manifest["schema_version"], created_at=str(manifest.get("created_at")),
        created_by=str(manifest.get("created_by")),
        tables={t: int(meta.get("rows") or 0) for t, meta in tables.items()},
        uploads=sum(1 for n in files if n.startswith(UPLOADS_DIR + "/")),
        missing_uploads=list(manifest.get("missing_uploads") or []), size_bytes=len(data),
        signature=verdict.status, signature_note=verdict.sentence)
