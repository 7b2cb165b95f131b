"""The command line beside the running app (issue 19).

DuckDB lets one process write a database file, and the running app holds its file. When a
command finds its database held (DatabaseBusy) and the app that holds it can be found, the
command is sent to the app: ``POST /api/cli`` on localhost with the API token; the app runs the
same command on its own Store and answers with the command's stdout, stderr and exit status,
which are printed here unchanged. Files travel with it: ``import`` uploads its file or folder
(zipped); ``export``, ``backup --out`` and ``invoice --out`` download what the command wrote.

Finding the app: ``ECOMM_URL`` when set, else the file ``<database>.app.json`` the server
writes beside its database when it starts (its URL and process id) and removes when it stops.
The token: ``ECOMM_API_TOKEN``, else ``token`` of ``[api]`` in ``.streamlit/secrets.toml``, else
the local token in the info file (mode 600: only the database's owner reads it), which acts
as the command line on the file does.
"""
from __future__ import annotations

import base64
import io
import json
import os
import sys
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from ecomm.errors import EcommError

URL_ENV = "ECOMM_URL"
TOKEN_ENV = "ECOMM_API_TOKEN"
SECRETS = Path(".streamlit") / "secrets.toml"
REMOTE_COMMANDS = ("export", "backup", "check", "calendar", "batch", "invoice", "notify", "import")
# command -> (the argument naming a file or folder, "in": uploaded / "out": downloaded)
FILE_ARGS = {"import": ("path", "in"), "export": ("path", "out"), "backup": ("out", "out"),
             "invoice": ("out", "out")}
TIMEOUT_S = 3600  # an invoice or an import of a large file takes minutes, not hours


def info_path(db: Path) -> Path:
    """The file beside the database where the serving app says where it listens."""
    return db.with_name(db.name + ".app.json")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _info(db: Path) -> dict:
    try:
        info = json.loads(info_path(db).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(info, dict) or not _alive(int(info.get("pid", 0) or 0)):
        return {}
    return info


def find_app(db: Path) -> str | None:
    """The URL of the app serving ``db``: ECOMM_URL, else its info file (when its process
    still runs), else None."""
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return url.rstrip("/")
    return str(_info(db).get("url") or "").rstrip("/") or None


def client_token(db: Path | None = None) -> str | None:
    """ECOMM_API_TOKEN, else ``[api] token`` of .streamlit/secrets.toml, else the local token
    of the app's info file (readable only by the database's owner)."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    token = _secrets_token()
    if token:
        return token
    if db is not None and not os.environ.get(URL_ENV, "").strip():
        return str(_info(db).get("token") or "") or None
    return None


def _secrets_token() -> str | None:
    for folder in (Path.cwd(), Path(__file__).resolve().parents[2]):
        try:
            doc = tomllib.loads((folder / SECRETS).read_text())
        except (OSError, tomllib.TOMLDecodeError):
            continue
        api = doc.get("api")
        if isinstance(api, dict) and str(api.get("token") or "").strip():
            return str(api["token"]).strip()
    return None


def can_forward(args) -> bool:
    return getattr(args, "command", None) in REMOTE_COMMANDS


def zip_path(path: Path) -> bytes:
    """A file, or a folder with everything under it, as a zip (names relative to its parent)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file():
                    zf.write(p, str(Path(path.name) / p.relative_to(path)))
        else:
            zf.write(path, path.name)
    return buf.getvalue()


def safe_extract(data: bytes, into: Path) -> list[Path]:
    """Unzip into ``into``, refusing names that would land outside it."""
    into = into.resolve()
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            target = (into / info.filename).resolve()
            if not target.is_relative_to(into):
                raise EcommError(f"The file {info.filename!r} in the transfer would land "
                                 "outside its folder: refused.")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            out.append(target)
    return out


def forward(args, argv: list[str]) -> int | None:
    """Send the command to the app holding its database; its exit status, or None when no
    running app can be found (the caller then reports the database as busy)."""
    from ecomm.storage import resolve_db_path

    db = resolve_db_path(args.db)
    url = find_app(db)
    if url is None:
        return None
    token = client_token(db)
    if not token:
        raise EcommError(
            f"The database {db} is held by the running app ({url}). To send this command to "
            f"the app, set {TOKEN_ENV} to the app's API token ([api] token in "
            ".streamlit/secrets.toml, or the ECOMM_API_TOKEN the app was started with).")
    arg, way = FILE_ARGS.get(args.command, (None, None))
    upload = None
    if way == "in":
        local = Path(getattr(args, arg))
        if local.exists():
            upload = base64.b64encode(zip_path(local)).decode()
    body = json.dumps({"argv": argv, "db": str(db.resolve()), "upload": upload}).encode()
    req = urllib.request.Request(f"{url}/api/cli", data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            answer = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        try:
            why = json.loads(exc.read()).get("error", "")
        except ValueError:
            why = exc.reason
        raise EcommError(f"The running app ({url}) refused the command (HTTP {exc.code}): "
                         f"{why}") from None
    except (urllib.error.URLError, OSError):
        return None  # nobody answers there: the database is busy for another reason
    if way == "out" and answer.get("download") and getattr(args, arg, None) is not None:
        _save_download(base64.b64decode(answer["download"]), Path(getattr(args, arg)),
                       folder=args.command != "backup")
    sys.stdout.write(answer.get("stdout", ""))
    sys.stdout.flush()
    sys.stderr.write(answer.get("stderr", ""))
    return int(answer.get("exit", 1))


def _save_download(data: bytes, target: Path, *, folder: bool) -> None:
    """What the command wrote on the app's side, where it was asked for here."""
    if not folder:  # backup --out FILE.zip: the zip holds that one file
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if len(names) != 1:
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(names[0]))
        return
    target.mkdir(parents=True, exist_ok=True)
    safe_extract(data, target)
