"""Admin > Backup and restore (A2, A4; issue 7 item 5): the System team downloads a full backup;
an uploaded backup is checked (checksums, schema) and restored into a NEW database file beside
the app's (a restore never goes over a database holding data); a tampered zip is refused."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from ecomm import backup
from ecomm.identity import Identity
from ecomm.storage import Store
from tests.apptest.conftest import SYSTEM, USERS, texts

ADMIN = "app_pages/admin.py"
SAM = Identity(email=SYSTEM, name="Sam Rivera", role="system")


@pytest.fixture
def backup_tab(open_app):
    return open_app(SYSTEM, ADMIN)


def made_backup(store) -> bytes:
    return backup.build_backup(store, SAM, now=datetime(2026, 11, 23, 19, 0))[0]


def restored_folders(store) -> list[Path]:
    return sorted(Path(store.path).parent.glob("restored-*"))


def test_a2_admin_offers_the_full_backup_download(backup_tab):
    at = backup_tab
    assert not at.exception
    button = at.download_button(key="backup_download")
    assert button.label == "Download full backup (zip)"
    shown = texts(at)
    assert "python -m ecomm backup --out backup.zip" in shown
    assert "python -m ecomm restore backup.zip --db new.duckdb" in shown
    assert "only into an EMPTY database" in shown


def test_a4_admin_restores_an_uploaded_backup_into_a_new_file(backup_tab, app_store):
    data = made_backup(app_store)
    at = backup_tab
    at.file_uploader(key="restore_upload").set_value(("backup.zip", data, "application/zip"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "The backup checks out" in texts(at)
    at.button(key="restore_new").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    message = " ".join(s.value for s in at.success)
    match = re.search(r"into the new database (\S+ecomm\.duckdb)\.", message)
    assert match, message
    new = Path(match.group(1))
    assert new.parent.name.startswith("restored-") and new.parent.parent == app_store.path.resolve().parent
    with Store(new) as restored:
        assert restored.query_value("SELECT count(*) FROM app_users") == len(USERS)
        assert restored.query_value(
            "SELECT count(*) FROM audit_log WHERE action = 'restore'") == 1
    assert app_store.query_one(
        "SELECT actor, entity_id FROM audit_log WHERE action = 'restore_to_new_file'") == (
        SYSTEM, str(new))


def test_a4_admin_refuses_a_tampered_backup(backup_tab, app_store):
    data = made_backup(app_store)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["users.csv"] = files["users.csv"].replace(b"specialist", b"system", 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    at = backup_tab
    at.file_uploader(key="restore_upload").set_value(("backup.zip", buf.getvalue(),
                                                      "application/zip"))
    at.run()
    assert not at.exception
    assert "users.csv: its checksum differs" in at.error[0].value
    assert "Nothing was written" in at.error[0].value
    assert "restore_new" not in [b.key for b in at.button]
    assert restored_folders(app_store) == []


def test_an_unsigned_backup_is_restored_only_with_a_reason_which_is_audited(backup_tab, app_store):
    """Issue 14 item 9: checksums are not signatures. Without manifest.sig the page warns, the
    restore button waits for a reason, and the reason lands in both databases' audit logs."""
    import json

    with zipfile.ZipFile(io.BytesIO(made_backup(app_store))) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != "manifest.sig"}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    at = backup_tab
    at.file_uploader(key="restore_upload").set_value(("backup.zip", buf.getvalue(),
                                                      "application/zip"))
    at.run()
    assert not at.exception and not at.error
    assert "it is not signed" in " ".join(w.value for w in at.warning)
    assert at.button(key="restore_new").disabled
    reason = "Backup from before signing existed (change 881)"
    at.text_input(key="restore_accept_reason").input(reason).run()
    assert not at.button(key="restore_new").disabled
    at.button(key="restore_new").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [new] = [p / "ecomm.duckdb" for p in restored_folders(app_store)]
    with Store(new) as restored:
        after = json.loads(restored.query_value(
            "SELECT after FROM audit_log WHERE action = 'restore'"))
    assert after["signature"] == "unsigned" and after["accepted_unsigned_reason"] == reason
    mine = json.loads(app_store.query_value(
        "SELECT after FROM audit_log WHERE action = 'restore_to_new_file'"))
    assert mine["accepted_unsigned_reason"] == reason


def test_a_backup_zip_bomb_is_refused_on_the_admin_page(backup_tab, app_store, tmp_path):
    """Issue 14 item 5: Admin restore reads the same guarded code as the CLI: a member that
    would expand 1,000 times is refused from the zip's directory, before it is read."""
    from tests.integration.test_bounded_input import stream_member

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(io.BytesIO(made_backup(app_store))) as src, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != "contacts.csv":
                zf.writestr(info.filename, src.read(info.filename))
        stream_member(zf, "contacts.csv", b"contact_id\n", b"0", 200 * 1024 * 1024, b"\n")
    at = backup_tab
    at.file_uploader(key="restore_upload").set_value(("bomb.zip", bomb.read_bytes(),
                                                      "application/zip"))
    at.run()
    assert not at.exception
    assert "contacts.csv: expands" in at.error[0].value and "zip bomb" in at.error[0].value
    assert "restore_new" not in [b.key for b in at.button]
