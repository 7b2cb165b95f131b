"""``python -m ecomm``: the System team's command line (spec/cli.md). Same services as the pages.

Each command group lives in its own module exposing ``register(subparsers)``; a command's
handler takes the parsed args and returns the exit status (0 done, 1 refused, 2 usage).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from ecomm.errors import EcommError

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

# Modules that register commands, in the order they appear in --help.
COMMAND_MODULES = ("ecomm.cli.data", "ecomm.cli.requests", "ecomm.cli.change",
                   "ecomm.cli.batch", "ecomm.cli.invoice", "ecomm.cli.notify", "ecomm.cli.digest",
                   "ecomm.cli.backup")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # wrong usage: exit 2 with the reason
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def add_db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database file (default: $ECOMM_DB, else data/ecomm.duckdb)")


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout: the --json contract of spec/cli.md."""
    print(json.dumps(obj, indent=2, default=str))


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _Parser(prog="python -m ecomm", description="eComm Licenses command line")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subs.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # command group not built yet
            raise
        module.register(subs)
    return parser


def _use_database_clock(args: argparse.Namespace) -> None:
    """A demo database's practice date is the command's today (ecomm.practice), also for the
    defaults worked out before the command opens it (``--on`` = today)."""
    if args.command == "init" or not hasattr(args, "db"):
        return
    from ecomm.storage import Store, resolve_db_path

    path = resolve_db_path(args.db)
    if path.exists():
        with Store(path, migrate=False) as store:
            store.use_practice_clock()


def actor_of(args: argparse.Namespace):
    """Who a command acts as: the command line (the System team at a terminal, A2), or the API
    token's user when the running app runs it for the command line (ecomm.server.commands)."""
    from ecomm.identity import CLI_ACTOR

    return getattr(args, "identity", None) or CLI_ACTOR


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    return run_args(args, argv)


def run_args(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """Run a parsed command. When its database is held by the running app (DatabaseBusy) and
    the app can be found, the command is sent to the app (ecomm.cli.remote) with ``argv``."""
    from ecomm.errors import DatabaseBusy

    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        try:
            _use_database_clock(args)
            return handler(args)
        except DatabaseBusy:
            from ecomm.cli import remote

            if argv is None or not remote.can_forward(args):
                raise
            forwarded = remote.forward(args, argv)
            if forwarded is None:
                raise
            return forwarded
    except EcommError as exc:
        if getattr(args, "json", False):
            print_json({"error": exc.message, "problems": exc.problems})
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("Interrupted; nothing was changed by the unfinished step.", file=sys.stderr)
        return EXIT_REFUSED
