"""P5 evidence: learning-transcript screenshots (PNG, JPEG or PDF) kept outside the web root.

Files are recognised by their content (magic bytes), never by their name; names are reduced
to safe characters; files live in
``<database folder>/uploads/<db name>/<request_id>/<uuid>-<name>`` (each database its own
folder) with their size and SHA-256 recorded in ``evidence_files``.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from pathlib import Path

from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm import access
from ecomm.requests.models import Upload
from ecomm.rules import RuleResult

# (content type, magic bytes at offset 0, extensions that name it, the one we give it)
KINDS: tuple[tuple[str, bytes, tuple[str, ...], str], ...] = (
    ("image/png", b"\x89PNG\r\n\x1a\n", (".png",), ".png"),
    ("image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg", ".jpe"), ".jpg"),
    ("application/pdf", b"%PDF-", (".pdf",), ".pdf"),
)
KNOWN_EXTENSIONS = {e for _, _, exts, _ in KINDS for e in exts}
MAX_NAME = 100
UPLOADS_DIR = "uploads"


def sniff_content_type(data: bytes) -> str | None:
    """P5: the type of a file judged by its first bytes (PNG, JPEG or PDF), else None."""
    for content_type, magic, _, _ in KINDS:
        if data.startswith(magic):
            return content_type
    return None


def safe_file_name(name: str, content_type: str) -> str:
    """A name with no folders, no '..', only letters, digits, '.', '-', '_' and spaces, and
    an extension that matches the content (kept when it already does)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base)
    base = re.sub(r"\.{2,}", ".", base).strip()
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = "." + ext.strip(" _-").lower() if ext.strip(" _-") else ""
    _, _, exts, default_ext = next(k for k in KINDS if k[0] == content_type)
    if ext not in exts:
        if ext and ext not in KNOWN_EXTENSIONS:
            stem = f"{stem}_{ext[1:]}" if stem else ext[1:]
        ext = default_ext
    stem = re.sub(r"\s+", " ", stem).strip(" ._-") or "transcript"
    return stem[: MAX_NAME - len(ext)] + ext


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def validate_upload(name: str, data: bytes, policy: Policy) -> Upload:
    """P5: a transcript screenshot must be a non-empty PNG, JPEG or PDF (by content) no
    larger than Policy.upload_max_bytes; returns it with a safe name and its SHA-256."""
    shown = re.split(r"[\\/]", name or "")[-1] or "The file"
    data = bytes(data or b"")
    if not data:
        raise EcommError(f"P5: {shown} is empty: upload the screenshot of the learning transcript.")
    if len(data) > policy.upload_max_bytes:
        raise EcommError(
            f"P5: {shown} is {_megabytes(len(data))}; the largest file accepted is "
            f"{_megabytes(policy.upload_max_bytes)}. Crop the screenshot or save it smaller.")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise EcommError(
            f"P5: {shown} is not a PNG, JPEG or PDF file (the content is checked, not the "
            "name). Save the transcript screenshot as PNG, JPEG or PDF and upload it again.")
    return Upload(name=safe_file_name(name, content_type), content_type=content_type,
                  data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def p5_transcript_attached(uploads: list[Upload]) -> RuleResult:
    """P5: a provisioning request carries at least one screenshot of the learning transcript."""
    if uploads:
        names = ", ".join(u.name for u in uploads)
        return RuleResult(rule="P5", passed=True, message=f"Transcript attached: {names}")
    return RuleResult(rule="P5", passed=False,
                      message="No screenshot of the learning transcript attached: upload at "
                              "least one (PNG, JPEG or PDF)")


def uploads_root(store) -> Path:
    """This database's own uploads folder: ``uploads/<database file name without .duckdb>/``
    beside the database file (outside the web root), so that databases in one folder never
    share (or overwrite) each other's files. Files of the older shared layout
    (``uploads/<stored name>``) that this database names are copied in on first use."""
    if str(store.path) == ":memory:":
        raise EcommError("Transcript files need a database file on disk; this one is in memory.")
    db = Path(store.path).resolve()
    root = db.parent / UPLOADS_DIR / db.stem
    if (db.parent / UPLOADS_DIR).is_dir() and db not in _ADOPTED:
        _ADOPTED.add(db)
        _adopt_shared_files(store, db.parent / UPLOADS_DIR, root)
    return root


_ADOPTED: set[Path] = set()  # databases whose shared-layout files were looked for


def _adopt_shared_files(store, shared: Path, root: Path) -> None:
    """Copy each file this database names from the old shared uploads folder into its own
    (copied, not moved: another database of the folder may name the same file)."""
    import shutil

    from ecomm.storage import backup as sql

    for name in sql.evidence_names(store):
        old, new = (shared / name).resolve(), (root / name).resolve()
        if (old.is_relative_to(shared.resolve()) and new.is_relative_to(root.resolve())
                and old.is_file() and not new.exists()):
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old, new)


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def write_files(root: Path, request_id: str, uploads: list[Upload]) -> list[tuple[str, str, Path, Upload]]:
    """Write each upload under ``root/request_id``; returns (file_id, stored_name, path, upload).

    The caller removes the written paths (``remove_files``) if its transaction fails.
    """
    written: list[tuple[str, str, Path, Upload]] = []
    folder = root / request_id
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for up in uploads:
            file_id = uuid.uuid4().hex
            stored = f"{request_id}/{file_id}-{up.name}"
            path = root / stored
            if not _inside(root, path):  # defence in depth: names are already safe
                raise EcommError(f"P5: the file name {up.name} is not allowed.")
            with open(path, "xb") as fh:
                fh.write(up.data)
            written.append((file_id, stored, path, up))
    except BaseException as exc:
        remove_files([w[2] for w in written], folder)
        if isinstance(exc, OSError):
            raise EcommError(f"The transcript files could not be saved ({exc.strerror}). "
                             "Nothing was submitted; try again.") from exc
        raise
    return written


def remove_files(paths: list[Path], folder: Path | None = None) -> None:
    """Delete files written for a submission that did not land (and their empty folder)."""
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
    if folder is not None:
        try:
            folder.rmdir()
        except OSError:
            pass


def read_evidence(store, actor: Identity, file_id: str) -> tuple[str, str, bytes]:
    """P5/A1: a stored transcript file as (name, content type, bytes) for someone who may see it."""
    from ecomm.storage import requests as rs

    row = rs.evidence_file(store, file_id)
    if row is None or not access.can_see(actor, row["campus"], access.named(row)):
        raise NotFound("That transcript file was not found.")
    root = uploads_root(store)
    path = root / row["stored_name"]
    if not _inside(root, path) or not path.is_file():
        raise NotFound(f"The file {row['original_name']} is missing from the uploads folder; "
                       "ask the System team to restore it from the backup.")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise EcommError(f"The file {row['original_name']} has changed since it was uploaded "
                         "(its checksum differs); ask the System team to check the uploads folder.")
    return row["original_name"], row["content_type"], data
