"""CLI `backup --out FILE.zip` and `restore FILE.zip` (A2, A4): a backup restores into a new
database file with the same rows; a restore into a database holding data, of a tampered zip or
of a missing file is refused with exit 1 and leaves no new database file behind."""
from __future__ import annotations

import json
import zipfile

from ecomm.cli import main
from ecomm.importer import import_path
from ecomm.storage import Store
from ecomm.storage import backup as backup_sql
from tests.integration.import_samples import write_sample


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def counts(path) -> dict[str, int]:
    with Store(path) as s:
        return {t: backup_sql.row_count(s, t) for t in backup_sql.tables(s)}


def make_source(tmp_path):
    path = tmp_path / "source.duckdb"
    with Store(path) as s:
        import_path(s, write_sample(tmp_path / "in"), actor="t")
    return path


def test_a4_cli_backup_then_restore_into_a_new_file(tmp_path, capsys):
    source = make_source(tmp_path)
    zip_path = tmp_path / "out" / "backup.zip"
    code, out, err = run(["backup", "--out", str(zip_path), "--db", str(source), "--json"], capsys)
    assert code == 0, err
    made = json.loads(out)
    assert made["path"] == str(zip_path) and zip_path.is_file()
    assert made["tables"]["contacts"] == 3 and made["schema_version"] >= 6
    before = counts(source)
    assert before["audit_log"] == made["tables"]["audit_log"] + 1  # the backup's own entry

    new = tmp_path / "new.duckdb"
    code, out, err = run(["restore", str(zip_path), "--db", str(new), "--json"], capsys)
    assert code == 0, err
    restored = json.loads(out)
    assert restored["db"] == str(new) and restored["tables"] == made["tables"]
    after = counts(new)
    assert {t: n for t, n in after.items() if t != "audit_log"} == {
        t: n for t, n in made["tables"].items() if t != "audit_log"}
    assert after["audit_log"] == made["tables"]["audit_log"] + 1  # the restore's own entry

    # people's output: the file and every table
    code, out, err = run(["backup", "--out", str(tmp_path / "b2.zip"), "--db", str(new)], capsys)
    assert code == 0 and "Backup written to" in out and "contacts" in out


def test_a4_cli_restore_into_a_database_with_data_is_refused(tmp_path, capsys):
    source = make_source(tmp_path)
    zip_path = tmp_path / "backup.zip"
    assert run(["backup", "--out", str(zip_path), "--db", str(source)], capsys)[0] == 0
    before = counts(source)
    code, out, err = run(["restore", str(zip_path), "--db", str(source)], capsys)
    assert code == 1
    assert "already holds data" in err and "python -m ecomm restore" in err
    assert counts(source) == before


def test_a4_cli_tampered_or_missing_backup_leaves_no_database_file(tmp_path, capsys):
    source = make_source(tmp_path)
    zip_path = tmp_path / "backup.zip"
    assert run(["backup", "--out", str(zip_path), "--db", str(source)], capsys)[0] == 0
    with zipfile.ZipFile(zip_path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["licenses.csv"] += b"LN-9999,C-001,Boulder\n"
    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    new = tmp_path / "new.duckdb"
    code, out, err = run(["restore", str(bad), "--db", str(new), "--json"], capsys)
    assert code == 1
    assert json.loads(out)["problems"] == [
        "licenses.csv: its checksum differs from the manifest (changed or damaged)"]
    assert not new.exists()

    code, out, err = run(["restore", str(tmp_path / "nope.zip"), "--db", str(new)], capsys)
    assert code == 1 and "Cannot read the backup" in err
    assert not new.exists()


def test_cli_backup_and_restore_need_their_arguments(capsys):
    code = None
    try:
        main(["backup"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert "--out" in capsys.readouterr().err
