"""Signed backups and one uploads folder per database (issue 14, item 9): checksums are not
signatures. A backup whose table was edited and whose checksums were recomputed is refused; an
unsigned or wrongly signed backup is restored only when the System team accepts it with a
reason, which the audit log records."""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecomm import backup, backup_signing
from ecomm.cli import main
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.importer import import_path
from ecomm.requests.evidence import uploads_root
from ecomm.storage import Store
from tests.integration.import_samples import write_sample

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam Rivera", role="system")
NOW = datetime(2026, 11, 23, 19, 30)


@pytest.fixture(autouse=True)
def no_configured_key(monkeypatch, tmp_path):
    """No key from the environment or a secrets.toml: the key file beside the database."""
    monkeypatch.delenv(backup_signing.ENV_KEY, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def make_backup(folder: Path) -> bytes:
    with Store(folder / "source.duckdb") as store:
        import_path(store, write_sample(folder / "in"), actor="t")
        return backup.build_backup(store, SYSTEM, now=NOW)[0]


def files_of(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def promoted_to_system(payload: bytes) -> bytes:
    """The attack: a specialist made `system` in app_users, checksums recomputed, the
    signature left as it was (the attacker has no key)."""
    files = files_of(payload)
    name = "tables/app_users.parquet"
    users = pq.read_table(io.BytesIO(files[name])).to_pylist()
    for u in users:
        if u["role"] == "specialist":
            u["role"] = "system"
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(users, schema=pq.read_schema(io.BytesIO(files[name]))), buf)
    files[name] = buf.getvalue()
    manifest = json.loads(files["manifest.json"])
    manifest["files"][name] = {"sha256": hashlib.sha256(files[name]).hexdigest(),
                               "bytes": len(files[name])}
    files["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return zipped(files)


def restore(tmp_path, payload: bytes, *extra: str, name: str = "new.duckdb") -> tuple[int, str]:
    path = tmp_path / "restore.zip"
    path.write_bytes(payload)
    code = main(["restore", str(path), "--db", str(tmp_path / name), "--json", *extra])
    return code


def roles(db: Path) -> list[str]:
    with Store(db) as s:
        return [r[0] for r in s.query("SELECT role FROM app_users ORDER BY email")]


def test_a_backup_is_signed_with_a_key_file_made_beside_the_database(tmp_path):
    payload = make_backup(tmp_path)
    key_file = tmp_path / backup_signing.KEY_FILE
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    files = files_of(payload)
    sig = json.loads(files["manifest.sig"])
    key = backup_signing.find_key(tmp_path / "source.duckdb")
    assert sig["algorithm"] == "HMAC-SHA256" and sig["key_id"] == key.key_id
    assert backup_signing.verify(files["manifest.json"], files["manifest.sig"], key).valid


def test_b9_tampered_table_with_recomputed_checksums_is_refused(tmp_path, capsys):
    payload = promoted_to_system(make_backup(tmp_path))
    assert restore(tmp_path, payload) == 1
    err = capsys.readouterr().err
    assert "signature does not match its contents" in err and "--accept-unsigned" in err
    assert not (tmp_path / "new.duckdb").exists()


def test_accepted_with_a_reason_is_restored_and_the_reason_audited(tmp_path, capsys):
    payload = promoted_to_system(make_backup(tmp_path))
    reason = "Restoring the vendor's migration file, checked by hand (ticket 4711)"
    assert restore(tmp_path, payload, "--accept-unsigned", reason) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["signature"] == "wrong_key"
    new = tmp_path / "new.duckdb"
    assert "specialist" not in roles(new)
    with Store(new) as s:
        after, detail = s.query_one(
            "SELECT after, detail FROM audit_log WHERE action = 'restore'")
    assert json.loads(after)["accepted_unsigned_reason"] == reason
    assert json.loads(after)["signature"] == "wrong_key"
    assert "NOT validly signed" in detail and reason in detail and "cli" in detail


def test_an_unsigned_backup_is_refused_and_a_blank_reason_is_not_a_reason(tmp_path, capsys):
    files = files_of(make_backup(tmp_path))
    del files["manifest.sig"]
    assert restore(tmp_path, zipped(files)) == 1
    assert "it is not signed" in capsys.readouterr().err
    assert restore(tmp_path, zipped(files), "--accept-unsigned", "   ") == 1
    capsys.readouterr()
    assert restore(tmp_path, zipped(files), "--accept-unsigned", "old backup, from 2026") == 0
    assert json.loads(capsys.readouterr().out)["signature"] == "unsigned"


def test_another_installations_key_is_refused_naming_both_keys(tmp_path, capsys, monkeypatch):
    payload = make_backup(tmp_path)
    monkeypatch.setenv(backup_signing.ENV_KEY, "another installation's key")
    assert restore(tmp_path, payload) == 1
    assert "signed with another key" in capsys.readouterr().err


def test_the_key_from_the_environment_or_secrets_toml(tmp_path, monkeypatch):
    monkeypatch.setenv(backup_signing.ENV_KEY, "from-the-environment")
    assert backup_signing.find_key(tmp_path / "x.duckdb").source == backup_signing.ENV_KEY
    monkeypatch.delenv(backup_signing.ENV_KEY)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('backup_key = "from-secrets"\n')
    key = backup_signing.find_key(tmp_path / "x.duckdb", create=True)
    assert key.secret == b"from-secrets" and "secrets.toml" in key.source
    assert not (tmp_path / backup_signing.KEY_FILE).exists()


def test_restore_in_the_same_folder_uses_the_key_file(tmp_path, capsys):
    assert restore(tmp_path, make_backup(tmp_path)) == 0
    assert json.loads(capsys.readouterr().out)["signature"] == "signed"


def test_databases_in_one_folder_have_their_own_uploads_folders(tmp_path):
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        ra, rb = uploads_root(a), uploads_root(b)
    assert ra == tmp_path / "uploads" / "a" and rb == tmp_path / "uploads" / "b" and ra != rb


def test_files_of_the_old_shared_uploads_folder_are_copied_into_the_databases_own(tmp_path):
    """A database made before: its transcripts at uploads/<request>/<file>."""
    old = tmp_path / "uploads" / "R-0001" / "abc-transcript.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"\x89PNG old")
    with Store(tmp_path / "legacy.duckdb") as s:
        s.write(lambda cur: cur.execute(
            "INSERT INTO evidence_files VALUES ('f1', 'R-0001', NULL, 'transcript.png', ?, "
            "'image/png', 8, 'x', ?, 'a@cu.edu')", ["R-0001/abc-transcript.png", NOW]))
        root = uploads_root(s)
    assert (root / "R-0001" / "abc-transcript.png").read_bytes() == b"\x89PNG old"
    assert old.is_file()  # copied: another database of the folder may name it too
    assert os.path.commonpath([root, tmp_path / "uploads" / "legacy"]) == str(root)


def test_restore_refuses_a_tampered_backup_from_the_service_too(tmp_path):
    payload = promoted_to_system(make_backup(tmp_path))
    with Store(tmp_path / "t.duckdb") as target, pytest.raises(EcommError, match="signature"):
        backup.restore_backup(target, SYSTEM, payload)
