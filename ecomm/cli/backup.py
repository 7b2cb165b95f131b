"""CLI: ``backup --out FILE.zip`` and ``restore FILE.zip`` (A2, A4): the full backup of
``ecomm.backup`` (every table, the import-format CSVs and the transcript files, with a checksummed
manifest) and its restore into an EMPTY database, all or nothing. ``export`` still writes the
import-format folder that scripts read.

JSON: backup ``{"path": "...", "schema_version": 6, "bytes": 123, "uploads": 0,
"tables": {"contacts": 2500, ...}}``; restore ``{"db": "...", "path": "...", "schema_version": 6,
"created_at": "...", "created_by": "...", "uploads": 0, "tables": {...}, "signature": "signed"}``
(``"unsigned"`` or ``"wrong_key"`` when accepted with ``--accept-unsigned REASON``).
"""
from __future__ import annotations

from pathlib import Path

from ecomm import clock
from ecomm.cli import EXIT_OK, actor_of, add_db_arg, print_json
from ecomm.storage import open_store, resolve_db_path


def register(subs) -> None:
    p = subs.add_parser("backup", help="write a full backup of the database to a zip file",
                        description="Write every table (settings, requests and their history, "
                                    "invoices, messages, audit log...), the import-format CSV "
                                    "files and the uploaded transcript files to one zip with a "
                                    "checksummed manifest. `restore` reads it back.")
    p.add_argument("--out", required=True, metavar="FILE.zip", help="the zip file to write")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_backup)

    p = subs.add_parser("restore", help="load a full backup into an empty database",
                        description="Load a zip made by `backup` into an EMPTY database (e.g. a "
                                    "new file: --db new.duckdb). Every checksum and the schema "
                                    "version are checked first; everything lands in one "
                                    "transaction or nothing does.")
    p.add_argument("path", metavar="FILE.zip")
    p.add_argument("--accept-unsigned", metavar="REASON", default=None,
                   help="restore a backup that is not signed with this installation's backup "
                        "key (ECOMM_BACKUP_KEY, backup_key in secrets.toml, or backup.key beside "
                        "the database); the reason is recorded in the audit log")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_restore)


def _table_lines(tables: dict[str, int]) -> list[str]:
    width = max((len(t) for t in tables), default=0)
    return [f"  {t:<{width}}  {n:>9,} rows" for t, n in sorted(tables.items())]


def run_backup(args) -> int:
    from ecomm.backup import write_backup

    with open_store(args.db) as store:
        summary = write_backup(store, actor_of(args), args.out, now=clock.now_utc())
    if args.json:
        print_json({"path": str(args.out), "schema_version": summary.schema_version,
                    "bytes": summary.size_bytes, "uploads": summary.uploads,
                    "missing_uploads": summary.missing_uploads, "tables": summary.tables})
        return EXIT_OK
    print(f"Backup written to {args.out} ({summary.size_bytes:,} bytes, schema version "
          f"{summary.schema_version}, {summary.uploads} uploaded files):")
    print("\n".join(_table_lines(summary.tables)))
    for name in summary.missing_uploads:
        print(f"  warning: the uploaded file {name} is missing from the uploads folder")
    return EXIT_OK


def run_restore(args) -> int:
    from ecomm.backup import read_file, restore_backup

    data = read_file(args.path)  # before any database file is created
    path = resolve_db_path(args.db)
    created = not path.exists()
    try:
        with open_store(args.db) as store:
            summary = restore_backup(store, actor_of(args), data,
                                     accept_unsigned=args.accept_unsigned)
    except BaseException:
        if created:  # leave no half-made database file behind
            for leftover in (path, Path(str(path) + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    if args.json:
        print_json({"db": str(path), "path": str(args.path),
                    "schema_version": summary.schema_version, "created_at": summary.created_at,
                    "created_by": summary.created_by, "uploads": summary.uploads,
                    "tables": summary.tables, "signature": summary.signature})
        return EXIT_OK
    print(f"Restored {args.path} into {path}: the backup made {summary.created_at} by "
          f"{summary.created_by}, {summary.total_rows:,} rows, {summary.uploads} uploaded files.")
    print("\n".join(_table_lines(summary.tables)))
    if summary.signature != "signed":
        print(f"  warning: the backup is not validly signed ({summary.signature_note}); "
              f"accepted with the reason {args.accept_unsigned!r}, recorded in the audit log")
    return EXIT_OK
