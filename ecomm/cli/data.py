"""CLI: ``init [--demo [--as-of DATE]]``, ``import PATH`` and ``export PATH`` (spec/cli.md, import-format.md)."""
from __future__ import annotations

import argparse
import sys

from ecomm import clock, practice
from ecomm.cli import EXIT_OK, EXIT_USAGE, add_db_arg, print_json
from ecomm.errors import EcommError
from ecomm.identity import CLI_ACTOR
from ecomm.storage import Store, open_store, resolve_db_path
from ecomm.storage import imports as import_store


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of licenses (1 or more)")
    return n


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(subs) -> None:
    p = subs.add_parser("init", help="create the database or bring its schema up to date",
                        description="Create the database or bring its schema up to date; with "
                                    "--demo also load the demo data set (only into an empty database).")
    p.add_argument("--demo", action="store_true", help="load the demo data set")
    p.add_argument("--licenses", type=_positive_int, metavar="N",
                   help="with --demo: how many licenses the demo organisation has")
    p.add_argument("--as-of", type=_day, metavar="DATE", dest="as_of",
                   help="with --demo: build the demo around DATE (YYYY-MM-DD, default today); "
                        "the database keeps DATE as its today (a practice clock). Without "
                        "--demo, on a demo database: move its practice date")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_init)

    p = subs.add_parser("import", help="load a folder of CSV files or an XLSX workbook",
                        description="Load a folder of CSV files or an XLSX workbook in the import "
                                    "format, all or nothing; prints what was loaded, or every bad row.")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--actor", default="cli", help="who is importing, for the audit log (default: cli)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_import)

    p = subs.add_parser("export", help="write the whole database to a folder in the import format",
                        description="Write every table of the import format to a folder of CSV "
                                    "files: a backup that `import` reads back.")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_db_arg(p)
    p.set_defaults(handler=run_export)


class StderrProgress:
    """Progress of long work on stderr: one updating line on a terminal, else a line per step."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = None
        self.shown: float | None = None

    def __call__(self, message: str, fraction: float) -> None:
        if message == self.last:
            return
        text = f"[{fraction:4.0%}] {message}"
        if self.tty:
            end = "\n" if fraction >= 1 else ""
            self.stream.write(f"\r\x1b[K{text}{end}")
        elif self.shown is None or fraction >= min(1.0, self.shown + 0.1):
            self.shown = fraction  # a log file gets a line per tenth of the work
            self.stream.write(text + "\n")
        self.last = message
        self.stream.flush()


def _report_json(report) -> dict:
    return {"source": report.source, "rows": report.rows, "inserted": report.inserted,
            "updated": report.updated, "unchanged": report.unchanged,
            "files": [f.model_dump() for f in report.files]}


def run_init(args) -> int:
    if args.licenses is not None and not args.demo:
        print("python -m ecomm init: --licenses goes with --demo", file=sys.stderr)
        return EXIT_USAGE
    path = resolve_db_path(args.db)
    created = not path.exists()
    if args.as_of is not None and not args.demo and created:
        print("python -m ecomm init: --as-of goes with --demo (or a demo database)", file=sys.stderr)
        return EXIT_USAGE
    with Store(path, migrate=False) as store:
        applied = store.migrate()
        store.use_practice_clock()
        report = None
        if args.as_of is not None and not args.demo:
            if import_store.database_is_empty(store) and not practice.is_demo(store):
                print("python -m ecomm init: --as-of goes with --demo (or a demo database)",
                      file=sys.stderr)
                return EXIT_USAGE
            practice.keep_practice_date(store, CLI_ACTOR, args.as_of)  # refused on real data
        if args.demo:
            if not import_store.database_is_empty(store):
                raise EcommError(
                    f"The database {path} already holds data, and the demo data set is loaded only "
                    f"into an empty database. Use a new file (--db PATH) or remove {path} first.")
            from ecomm.demo import load_demo  # built alongside; imported only when asked for

            extra = {} if args.licenses is None else {"licenses": args.licenses}
            try:
                as_of = args.as_of or clock.today_denver()
                report = load_demo(store, as_of=as_of, actor="cli",
                                   progress=None if args.json else StderrProgress(), **extra)
            except ValueError as exc:  # the demo's own limits, e.g. too few licenses asked for
                print(f"python -m ecomm init: {exc}", file=sys.stderr)
                return EXIT_USAGE
            practice.keep_practice_date(store, CLI_ACTOR, as_of, demo_built=True)
        version = store.schema_version()
        today = practice.stored_practice_date(store)
    if args.json:
        print_json({"db": str(path), "created": created, "schema_version": version,
                    "migrations_applied": applied,
                    "demo": _report_json(report) if report is not None else None,
                    "practice_date": today.isoformat() if today else None})
        return EXIT_OK
    state = "created" if created else "opened"
    done = f"applied migrations {', '.join(map(str, applied))}" if applied else "already up to date"
    print(f"Database {path}: {state}, schema version {version} ({done}).")
    if report is not None:
        print("Demo data loaded:")
        for line in report.summary_lines():
            print("  " + line)
    if today is not None:
        print(f"{practice.banner_text(today)} (the app and the command line take it as today).")
    return EXIT_OK


def run_import(args) -> int:
    from ecomm.importer import import_path

    with open_store(args.db) as store:
        report = import_path(store, args.path, actor=args.actor,
                             progress=None if args.json else StderrProgress())
    if args.json:
        print_json(_report_json(report))
    else:
        print(f"Imported {args.path}:")
        for line in report.summary_lines():
            print("  " + line)
    return EXIT_OK


def run_export(args) -> int:
    from ecomm.exporter import export_tables

    with open_store(args.db) as store:
        try:
            written = export_tables(store, args.path)
        except OSError as exc:
            raise EcommError(f"Cannot write the export to {args.path}: {exc.strerror or exc}.") from exc
    if args.json:
        print_json({"path": str(args.path),
                    "files": [{"file": str(p), "rows": n} for p, n in written]})
        return EXIT_OK
    width = max(len(p.name) for p, _ in written)
    print(f"Exported to {args.path}:")
    for p, n in written:
        print(f"  {p.name:<{width}}  {n:>9,} rows")
    return EXIT_OK
