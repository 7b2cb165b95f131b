"""Signed backups (A2, A4): a backup's manifest (which holds the sha256 of every other file in the
zip) is signed with HMAC-SHA256 under the installation's backup key, so that a backup edited
and re-checksummed by someone without the key is refused.

The key, first found of:
1. the environment variable ``ECOMM_BACKUP_KEY``;
2. ``backup_key = "..."`` in ``.streamlit/secrets.toml`` (the working folder's, else the one in
   the home folder: where Streamlit reads its secrets);
3. the key file ``backup.key`` beside the database file, made (random, 32 bytes, readable by
   its owner only) at the first backup when no key is configured. Databases in one folder share
   it; a backup restored on another machine or folder needs the same key (set
   ``ECOMM_BACKUP_KEY`` to the file's content, or copy the file beside the new database).

An unsigned or wrongly signed backup is refused unless the System team accepts it explicitly
with a reason, which the restore records in the audit log.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

ENV_KEY = "ECOMM_BACKUP_KEY"
SECRETS_KEY = "backup_key"
KEY_FILE = "backup.key"
SIGNATURE = "manifest.sig"
ALGORITHM = "HMAC-SHA256"


@dataclass(frozen=True)
class BackupKey:
    secret: bytes
    source: str          # where it came from, for messages ("ECOMM_BACKUP_KEY", a path...)

    @property
    def key_id(self) -> str:
        """A short fingerprint naming the key (not the key)."""
        return hashlib.sha256(b"ecomm-backup-key-id:" + self.secret).hexdigest()[:16]


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a backup's signature."""
    status: str          # "signed", "unsigned" or "wrong_key"
    sentence: str

    @property
    def valid(self) -> bool:
        return self.status == "signed"


def _secrets_files() -> list[Path]:
    return [Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def _from_secrets() -> BackupKey | None:
    for path in _secrets_files():
        try:
            value = tomllib.loads(path.read_text(encoding="utf-8")).get(SECRETS_KEY)
        except (OSError, ValueError):
            continue
        if isinstance(value, str) and value.strip():
            return BackupKey(value.strip().encode(), f"{SECRETS_KEY} in {path}")
    return None


def key_file(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / KEY_FILE


def find_key(db_path: str | Path | None, *, create: bool = False) -> BackupKey | None:
    """The installation's backup key (see the module docstring); with ``create``, a key file
    is made beside the database when no key is configured. None: no key anywhere."""
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        return BackupKey(env.encode(), ENV_KEY)
    found = _from_secrets()
    if found is not None or db_path is None or str(db_path) == ":memory:":
        return found
    path = key_file(db_path)
    if path.is_file():
        return BackupKey(path.read_text(encoding="utf-8").strip().encode(), str(path))
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return BackupKey(path.read_text(encoding="utf-8").strip().encode(), str(path))


def sign(manifest: bytes, key: BackupKey) -> bytes:
    """The ``manifest.sig`` member: algorithm, key fingerprint and the HMAC of the manifest."""
    mac = hmac.new(key.secret, manifest, hashlib.sha256).hexdigest()
    return json.dumps({"algorithm": ALGORITHM, "key_id": key.key_id, "hmac": mac},
                      indent=2).encode()


def verify(manifest: bytes, signature: bytes | None, key: BackupKey | None) -> Verdict:
    """Is the manifest signed with this installation's key?"""
    if signature is None:
        return Verdict("unsigned", "it is not signed (no manifest.sig: made by an older version "
                                   "of the app, or the signature was removed)")
    try:
        doc = json.loads(signature)
        mac, key_id = str(doc["hmac"]), str(doc.get("key_id", ""))
    except (ValueError, KeyError, TypeError):
        return Verdict("unsigned", "its signature (manifest.sig) cannot be read")
    if key is None:
        return Verdict("wrong_key", f"it is signed (key {key_id}), but no backup key is "
                                    f"configured here to check it: set {ENV_KEY}")
    expected = hmac.new(key.secret, manifest, hashlib.sha256).hexdigest()
    if hmac.compare_digest(expected, mac):
        return Verdict("signed", f"signed with this installation's key ({key.key_id})")
    if key_id and key_id != key.key_id:
        return Verdict("wrong_key", f"it is signed with another key ({key_id}) than this "
                                    f"installation's ({key.key_id}, from {key.source})")
    return Verdict("wrong_key", "its signature does not match its contents (it was changed "
                                "after it was made)")
