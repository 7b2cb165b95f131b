"""CLI `init [--demo]`, `import PATH`, `export PATH` (spec/cli.md): exit status 0 done, 1 refused or
bad data, 2 wrong usage; --json prints one JSON object on stdout and nothing else."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecomm.cli import main
from ecomm.storage import Store
from ecomm.storage.migrations import LATEST_VERSION
from tests.integration.import_samples import ROWS, SAMPLE, write_sample

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_init_creates_the_database_at_the_latest_schema(capsys, tmp_path):
    db = tmp_path / "new.duckdb"
    code, out, _ = run(capsys, "init", "--db", db, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["created"] is True and doc["schema_version"] == LATEST_VERSION
    assert doc["migrations_applied"] == list(range(1, LATEST_VERSION + 1)) and doc["demo"] is None
    code, out, _ = run(capsys, "init", "--db", db)
    assert code == 0 and "already up to date" in out and f"schema version {LATEST_VERSION}" in out


def test_init_demo_refuses_a_database_that_holds_data(capsys, tmp_path):
    db = tmp_path / "full.duckdb"
    assert run(capsys, "import", write_sample(tmp_path / "in"), "--db", db)[0] == 0
    code, out, err = run(capsys, "init", "--demo", "--db", db)
    assert code == 1
    assert "already holds data" in err and "only into an empty database" in err
    with Store(db) as store:
        assert store.query_value("SELECT count(*) FROM contacts") == ROWS["contacts.csv"]


def test_init_demo_loads_the_demo_into_an_empty_database(capsys, tmp_path):
    db = tmp_path / "demo.duckdb"
    code, out, err = run(capsys, "init", "--demo", "--licenses", 60, "--db", db, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["demo"]["inserted"] > 0
    with Store(db) as store:
        # issue 13: the licenses of licenses.csv, and those the past batches the loader
        # processed created (one for each new user's request processed)
        made = store.query_value("SELECT count(*) FROM requests WHERE kind = 'provision' "
                                 "AND status = 'processed'")
        assert made > 0 and store.query_value("SELECT count(*) FROM batches") == 2
        assert store.query_value("SELECT count(*) FROM licenses") == next(f["rows"] for f in doc["demo"]["files"] if f["file"] == "licenses.csv") + made
        assert doc["practice_date"] == "2026-11-23"   # the pinned today (tests/conftest.py)
        assert store.query_value("SELECT bool_and(is_demo) FROM rates") is True  # B2: marked as demo
        assert store.query_value("SELECT count(DISTINCT actor) FROM audit_log WHERE action = 'import'") == 1
        assert store.query_value("SELECT min(actor) FROM audit_log WHERE action = 'import'") == "cli"


def test_licenses_without_demo_is_wrong_usage(capsys, tmp_path):
    code, _, err = run(capsys, "init", "--licenses", 10, "--db", tmp_path / "x.duckdb")
    assert code == 2 and "--licenses goes with --demo" in err
    with pytest.raises(SystemExit) as exit_:
        main(["init", "--demo", "--licenses", "many", "--db", str(tmp_path / "x.duckdb")])
    assert exit_.value.code == 2


def test_import_prints_counts_and_progress(capsys, tmp_path):
    db = tmp_path / "a.duckdb"
    code, out, err = run(capsys, "import", write_sample(tmp_path / "in"), "--db", db)
    assert code == 0
    assert "contacts.csv" in out and "inserted" in out
    total = [line for line in out.splitlines() if line.strip().startswith("total")][0]
    assert total.split()[1:] == [str(sum(ROWS.values())), str(sum(ROWS.values())), "0", "0"]
    assert "Import finished" in err  # progress goes to stderr


def test_import_json_reports_every_file(capsys, tmp_path):
    db = tmp_path / "a.duckdb"
    folder = write_sample(tmp_path / "in")
    run(capsys, "import", folder, "--db", db, "--json")
    code, out, err = run(capsys, "import", folder, "--db", db, "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert (doc["inserted"], doc["updated"], doc["unchanged"]) == (0, 0, sum(ROWS.values()))
    assert [f["file"] for f in doc["files"]][:2] == ["contacts.csv", "employments.csv"]


def test_refused_import_exits_1_with_every_bad_row(capsys, tmp_path):
    bad = {"holidays.csv": "date,name\n2026-02-30,A\nsoon,B\n"}
    code, out, err = run(capsys, "import", write_sample(tmp_path / "in", bad), "--db",
                         tmp_path / "a.duckdb", "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["problems"] == [
        "holidays.csv:2 date: '2026-02-30' is not a date; write it as YYYY-MM-DD",
        "holidays.csv:3 date: 'soon' is not a date; write it as YYYY-MM-DD"]
    assert "refused" in doc["error"]
    code, out, err = run(capsys, "import", write_sample(tmp_path / "in", bad), "--db", tmp_path / "a.duckdb")
    assert code == 1 and "- holidays.csv:3 date: 'soon' is not a date" in err


def test_export_writes_every_file(capsys, tmp_path):
    db = tmp_path / "a.duckdb"
    run(capsys, "import", write_sample(tmp_path / "in"), "--db", db)
    code, out, _ = run(capsys, "export", tmp_path / "backup", "--db", db, "--json")
    assert code == 0
    doc = json.loads(out)
    assert {Path(f["file"]).name: f["rows"] for f in doc["files"]} == ROWS
    for name in SAMPLE:
        assert (tmp_path / "backup" / name).exists()
    code, out, _ = run(capsys, "export", tmp_path / "backup2", "--db", db)
    assert code == 0 and "licenses.csv" in out and "2 rows" in out


def test_export_into_a_file_path_is_refused(capsys, tmp_path):
    db = tmp_path / "a.duckdb"
    (tmp_path / "taken").write_text("x")
    code, _, err = run(capsys, "export", tmp_path / "taken", "--db", db)
    assert code == 1 and "Cannot write the export" in err


@pytest.mark.slow  # `python -m ecomm` stays in make check (test_cli_check_calendar's
# test_python_m_ecomm_calendar_json_is_the_only_stdout), import/export in-process here
# (test_import_json_reports_every_file, test_export_writes_every_file)
def test_python_dash_m_ecomm_import_and_export(tmp_path):
    db = tmp_path / "sub.duckdb"
    env = {**os.environ, "ECOMM_DB": str(db)}
    res = subprocess.run([sys.executable, "-m", "ecomm", "import", str(write_sample(tmp_path / "in")),
                          "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["inserted"] == sum(ROWS.values())
    res = subprocess.run([sys.executable, "-m", "ecomm", "export", str(tmp_path / "out")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out" / "contacts.csv").read_text().splitlines()[1].startswith("C-001,Rivera")
