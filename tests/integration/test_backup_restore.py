"""Full backup and restore (A2, A4; issue 7 item 5): a backup of the demo data set (1x) with a
row in every table restores into an empty database with every table equal row for row; a
restore is refused into a database that holds data, for a damaged or tampered zip, and for a
different schema version, writing nothing; a failure while loading writes nothing either."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecomm import backup
from ecomm.errors import AccessDenied, EcommError
from ecomm.exporter import export_tables
from ecomm.identity import Identity
from ecomm.importer.columns import FILES
from ecomm.requests.evidence import uploads_root
from ecomm.storage import Store
from ecomm.storage import backup as backup_sql

AS_OF = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 19, 30)  # naive UTC
SYSTEM = Identity(email="sam.system@cu.edu", name="Sam Rivera", role="system")
SPECIALIST = Identity(email="ecomm.boulder@colorado.edu", name="Priya", role="specialist",
                      campus="Boulder")
MANAGER = Identity(email="morgan.manager@cu.edu", name="Morgan", role="manager")
TRANSCRIPT = b"\x89PNG\r\n\x1a\n" + b"transcript pixels" * 50
STORED_NAME = "R-BACKUP/0123abcd-transcript.png"
TRICKY = '=SUM(A1), "quoted"; semi\nnew line é'


def _value(table: str, column: str, dtype: str, n: int):
    """A value of SQL type ``dtype`` that is awkward to carry (commas, quotes, newlines...)."""
    if dtype.endswith("[]"):
        return ["a;b", "c, d", TRICKY, f"{table}-{n}"]
    if dtype.startswith("DECIMAL"):
        return Decimal("1234.56") + n
    if dtype in ("INTEGER", "BIGINT"):
        return 2027 + n
    if dtype == "BOOLEAN":
        return True
    if dtype == "DATE":
        return date(2026, 7, 1 + n)
    if dtype == "TIMESTAMP":
        return datetime(2026, 11, 23, 21, 5, 7, 123456 + n)
    return f"{table}.{column} {n} {TRICKY}"


def fill_empty_tables(store: Store) -> None:
    """One row (two for history tables) in every table the demo leaves empty, typed by the
    catalogue, so the round trip covers every table and every column type."""
    def run(cur):
        cur.execute(
            "INSERT INTO evidence_files VALUES ('f0123abcd', 'R-BACKUP', 'LN-9999', "
            "'transcript.png', ?, 'image/png', ?, ?, ?, 'ecomm.boulder@colorado.edu')",
            [STORED_NAME, len(TRANSCRIPT), hashlib.sha256(TRANSCRIPT).hexdigest(), NOW])
        for table in backup_sql.tables(backup_sql.Snapshot(cur)):
            if backup_sql.row_count(backup_sql.Snapshot(cur), table):
                continue
            cols = backup_sql.columns(backup_sql.Snapshot(cur), table)
            for n in range(2):
                cur.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in cols)})',
                            [_value(table, c, t, n) for c, t in cols])
    store.write(run)
    folder = uploads_root(store) / "R-BACKUP"
    folder.mkdir(parents=True)
    (uploads_root(store) / STORED_NAME).write_bytes(TRANSCRIPT)
    # a request's status changes, an outbox message and a setting someone changed
    store.write(lambda cur: cur.execute(
        "UPDATE settings SET value = '30', updated_by = ?, updated_at = ? "
        "WHERE key = (SELECT min(key) FROM settings)", [SYSTEM.email, NOW]))


def all_rows(store: Store) -> dict[str, list[tuple]]:
    """Every table's rows (exact Python values, as text), sorted."""
    out = {}
    for table in backup_sql.tables(store):
        rows = store.query(f'SELECT * FROM "{table}"')
        out[table] = sorted(tuple(repr(v) for v in r) for r in rows)
    return out


TEST_KEY = "test-key-of-the-backup-restore-tests"


@pytest.fixture(scope="module", autouse=True)
def backup_key():
    """The source and target databases sit in different folders, like two installations:
    they share the backup key through ECOMM_BACKUP_KEY (issue 14 item 9: backups are signed)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECOMM_BACKUP_KEY", TEST_KEY)
        yield


@pytest.fixture(scope="module")
def source(tmp_path_factory, demo_copy):
    """The demo data set (1x) plus a row in every other table and a transcript file: its rows
    and sequences before the backup, the backup's bytes and the export folder."""
    folder = tmp_path_factory.mktemp("source")
    # load_demo(as_of=AS_OF) with its defaults (1,500 licenses, actor "demo"), built once per worker
    with Store(demo_copy(folder / "source.duckdb", as_of=AS_OF, licenses=1500)) as store:
        fill_empty_tables(store)
        rows = all_rows(store)
        sequences = backup_sql.sequences(store)
        payload, summary = backup.build_backup(store, SYSTEM, now=NOW)
        export = {p.name: p.read_bytes() for p, _ in export_tables(store, folder / "export")}
        after = store.query_dicts("SELECT actor, action, entity FROM audit_log "
                                  "ORDER BY audit_id DESC LIMIT 1")[0]
    return {"rows": rows, "sequences": sequences, "zip": payload, "summary": summary,
            "export": export, "last_audit": after}


@pytest.fixture
def target(tmp_path):
    store = Store(tmp_path / "restored" / "target.duckdb")
    yield store
    store.close()


def nothing_written(store: Store) -> None:
    assert backup_sql.non_empty_tables(store) == {}
    assert store.query_value("SELECT count(*) FROM audit_log") == 0
    assert not uploads_root(store).exists()


def rezip(payload: bytes, change) -> bytes:
    """A copy of the zip with ``change(files)`` applied to its name -> bytes mapping."""
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a4_every_table_is_in_the_source(source):
    empty = [t for t, rows in source["rows"].items() if not rows]
    assert empty == []
    assert len(source["rows"]) >= 25  # settings, cycles, histories, invoices, outbox, audit...


def test_a4_restore_gives_every_table_equal_row_for_row(source, target):
    summary = backup.restore_backup(target, SYSTEM, source["zip"])
    restored = all_rows(target)
    assert set(restored) == set(source["rows"])
    for table, rows in source["rows"].items():
        if table == "audit_log":
            continue
        assert restored[table] == rows, table
    # the audit log: the source's entries, plus this restore's own entry (A4)
    last = target.query_dicts("SELECT * FROM audit_log ORDER BY audit_id DESC LIMIT 1")[0]
    assert (last["actor"], last["action"], last["entity"]) == (SYSTEM.email, "restore", "database")
    assert json.loads(last["after"])["rows"] == summary.total_rows
    restored_audit = sorted(tuple(repr(v) for v in r) for r in target.query(
        "SELECT * FROM audit_log WHERE audit_id <> ?", [last["audit_id"]]))
    assert restored_audit == source["rows"]["audit_log"]
    # new ids come after the restored ones
    assert last["audit_id"] > max(int(r[0]) for r in source["rows"]["audit_log"])
    seqs = backup_sql.sequences(target)
    for name, value in source["sequences"].items():
        assert seqs[name] == (value + 1 if name == "audit_seq" else value), name
    # the transcript file is back beside the database, byte for byte
    assert (uploads_root(target) / STORED_NAME).read_bytes() == TRANSCRIPT
    assert summary.uploads == 1 and summary.tables == {
        t: len(r) for t, r in source["rows"].items()}


def test_a4_backup_holds_the_export_format_and_a_manifest(source):
    with zipfile.ZipFile(io.BytesIO(source["zip"])) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for spec in FILES:  # exactly what `export` writes: importable by spec
            assert zf.read(spec.file_name) == source["export"][spec.file_name], spec.file_name
        for name, meta in manifest["files"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == meta["sha256"]
    assert manifest["schema_version"] == backup.LATEST_VERSION
    assert manifest["created_by"] == SYSTEM.email
    assert manifest["created_at"].startswith("2026-11-23T12:30:00-07:00")
    assert {t: m["rows"] for t, m in manifest["tables"].items()} == {
        t: len(r) for t, r in source["rows"].items()}
    assert f"uploads/{STORED_NAME}" in manifest["files"]
    assert source["last_audit"] == {"actor": SYSTEM.email, "action": "backup",
                                    "entity": "database"}


def test_a4_restore_into_a_database_holding_data_is_refused(source, target):
    target.write(lambda cur: cur.execute(
        "INSERT INTO app_users (email, name, role) VALUES ('x@cu.edu', 'X', 'system')"))
    with pytest.raises(EcommError, match="already holds data") as exc:
        backup.restore_backup(target, SYSTEM, source["zip"])
    assert "app_users: 1 rows" in exc.value.problems
    assert backup_sql.non_empty_tables(target) == {"app_users": 1}
    assert target.query_value("SELECT count(*) FROM audit_log") == 0


def test_a4_restore_refused_when_a_setting_was_changed(source, target):
    target.write(lambda cur: cur.execute(
        "UPDATE settings SET value = '1', updated_by = 'someone' WHERE key = "
        "(SELECT min(key) FROM settings)"))
    with pytest.raises(EcommError, match="already holds data"):
        backup.restore_backup(target, SYSTEM, source["zip"])


@pytest.mark.parametrize("name", ["contacts.csv", "tables/requests.parquet",
                                  f"uploads/{STORED_NAME}"])
def test_a4_tampered_zip_is_refused_and_writes_nothing(source, target, name):
    def tamper(files):
        files[name] = files[name].replace(b"a", b"b", 1) + b"x"
    with pytest.raises(EcommError, match="checksum differs") as exc:
        backup.restore_backup(target, SYSTEM, rezip(source["zip"], tamper))
    assert any(p.startswith(name) for p in exc.value.problems)
    nothing_written(target)


def test_a4_zip_with_a_file_missing_or_added_is_refused(source, target):
    def drop(files):
        del files["tables/outbox.parquet"]
        files["extra.csv"] = b"a,b\n"
    with pytest.raises(EcommError) as exc:
        backup.restore_backup(target, SYSTEM, rezip(source["zip"], drop))
    assert "tables/outbox.parquet: listed in the manifest but missing from the zip" in exc.value.problems
    assert "extra.csv: in the zip but not in the manifest" in exc.value.problems
    nothing_written(target)


def test_a4_not_a_zip_and_path_traversal_names_are_refused(source, target):
    with pytest.raises(EcommError, match="not a zip file"):
        backup.restore_backup(target, SYSTEM, b"contact_id,last_name\nC1,Doe\n")

    def traverse(files):
        files["../../evil.txt"] = b"x"
    with pytest.raises(EcommError, match="outside its folder"):
        backup.restore_backup(target, SYSTEM, rezip(source["zip"], traverse))
    nothing_written(target)


def _with_manifest(payload: bytes, edit, *, sign: bool = True) -> bytes:
    """The backup with its manifest edited and (by someone holding the key) signed again."""
    from ecomm import backup_signing

    def change(files):
        manifest = json.loads(files["manifest.json"])
        edit(manifest, files)
        files["manifest.json"] = json.dumps(manifest).encode()
        if sign:
            files["manifest.sig"] = backup_signing.sign(files["manifest.json"],
                                                        backup_signing.find_key(None))
    return rezip(payload, change)


def test_a4_other_schema_version_is_refused(source, target):
    def older(manifest, files):
        manifest["schema_version"] = backup.LATEST_VERSION - 1
    with pytest.raises(EcommError, match="schema version"):
        backup.restore_backup(target, SYSTEM, _with_manifest(source["zip"], older))
    nothing_written(target)


def test_a4_failure_while_loading_writes_nothing(source, target):
    """Checksums agree (the manifest was rewritten), but the last table loaded breaks a key:
    every table loaded before it is rolled back."""
    def duplicate_key(manifest, files):
        name = "tables/settings.parquet"  # loaded after every other table but a few
        data = pq.read_table(io.BytesIO(files[name]))
        data = pa.concat_tables([data, data.slice(0, 1)])
        buf = io.BytesIO()
        pq.write_table(data, buf)
        files[name] = buf.getvalue()
        manifest["tables"]["settings"]["rows"] = data.num_rows
        manifest["files"][name] = {"sha256": hashlib.sha256(files[name]).hexdigest(),
                                   "bytes": len(files[name])}
    with pytest.raises(EcommError, match="loading the rows failed"):
        backup.restore_backup(target, SYSTEM, _with_manifest(source["zip"], duplicate_key))
    assert backup_sql.non_empty_tables(target) == {}
    assert target.query_value("SELECT count(*) FROM contacts") == 0
    assert target.query_value("SELECT count(*) FROM audit_log") == 0
    assert target.query_value("SELECT count(*) FROM settings") > 0  # the seeds are back


@pytest.mark.parametrize("who", [SPECIALIST, MANAGER, None])
def test_a2_only_the_system_team_backs_up_and_restores(source, target, who):
    with pytest.raises(AccessDenied):
        backup.build_backup(target, who, now=NOW)
    with pytest.raises(AccessDenied):
        backup.restore_backup(target, who, source["zip"])
    nothing_written(target)


def test_a4_upload_already_on_disk_refused_and_tables_rolled_back(source, target):
    """The uploads folder already holds a file of the backup: refused after the tables were
    loaded in the transaction, so they are rolled back, and the file found there is kept."""
    existing = uploads_root(target) / STORED_NAME
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"someone else's file")
    with pytest.raises(EcommError, match="already has a file"):
        backup.restore_backup(target, SYSTEM, source["zip"])
    assert backup_sql.non_empty_tables(target) == {}
    assert target.query_value("SELECT count(*) FROM contacts") == 0
    assert existing.read_bytes() == b"someone else's file"
