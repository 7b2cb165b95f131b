"""Run a command of ``python -m ecomm`` inside the app for the command line (``/api/cli``):
the same handler on the app's own Store, acting as the API token's user, with what it prints
captured and the paths of the files it reads or writes swapped for a temporary folder (and
back in what it prints), so the output is what the command prints against the file.
"""
from __future__ import annotations

import base64
import io
import tempfile
import threading
import zipfile
from pathlib import Path

from ecomm.cli import EXIT_USAGE, build_parser, run_args
from ecomm.cli.remote import FILE_ARGS, REMOTE_COMMANDS, safe_extract, zip_path
from ecomm.identity import Identity
from ecomm.server.capture import captured

_one_at_a_time = threading.Lock()  # commands from the command line run one after the other


def _zip_output(target: Path) -> str | None:
    if not target.exists():
        return None
    if target.is_dir():
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(target.rglob("*")):
                if p.is_file():
                    zf.write(p, str(p.relative_to(target)))
        data = buf.getvalue()
    else:
        data = zip_path(target)
    return base64.b64encode(data).decode()


def execute(store, identity: Identity, argv: list[str], upload: str | None) -> dict:
    """{"exit": status, "stdout": ..., "stderr": ..., "download": base64 zip or None}."""
    with _one_at_a_time, captured() as out, tempfile.TemporaryDirectory(prefix="ecomm-api-") as tmp:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # wrong usage: argparse printed why
            return {"exit": int(exc.code or 0), "stdout": out["out"].getvalue(),
                    "stderr": out["err"].getvalue(), "download": None}
        if args.command not in REMOTE_COMMANDS:
            return {"exit": EXIT_USAGE, "stdout": "", "download": None,
                    "stderr": f"python -m ecomm: {args.command} is not run by the app; stop "
                              "the app to run it on the database file.\n"}
        args.db = str(store.path)
        args.identity = identity
        if hasattr(args, "actor"):
            args.actor = identity.email  # import: audited as the token's user
        swaps: dict[str, str] = {}
        arg, way = FILE_ARGS.get(args.command, (None, None))
        target = None
        if arg and getattr(args, arg, None) is not None:
            original = str(getattr(args, arg))
            name = Path(original).name or "data"
            if way == "in":
                inbox = Path(tmp) / "in"
                inbox.mkdir()
                if upload:
                    safe_extract(base64.b64decode(upload), inbox)
                target = inbox / name
            else:
                target = Path(tmp) / "out" / name
            swaps[str(target)] = original
            setattr(args, arg, type(getattr(args, arg))(target))
        code = run_args(args)
        download = _zip_output(target) if way == "out" and target is not None else None
        stdout, stderr = out["out"].getvalue(), out["err"].getvalue()
    for tmp_text, original in sorted(swaps.items(), key=lambda kv: -len(kv[0])):
        stdout, stderr = stdout.replace(tmp_text, original), stderr.replace(tmp_text, original)
    return {"exit": code, "stdout": stdout, "stderr": stderr, "download": download}
