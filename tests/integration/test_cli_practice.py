"""Issue 13: the practice clock. ``init --demo --as-of DATE`` builds the demo around DATE and
the database keeps DATE as its today for the CLI (and the app: tests/apptest/
test_practice_banner.py), before ECOMM_NOW and the wall clock; real data never gets one."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from ecomm import clock
from ecomm.cli import main
from ecomm.storage import Store
from tests.conftest import PINNED_TODAY, ROOT
from tests.integration.import_samples import write_sample

JAN_4 = date(2027, 1, 4)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def a_contact(db) -> str:
    with Store(db) as store:
        return store.query_value("SELECT min(contact_id) FROM contacts")


def test_init_demo_as_of_keeps_the_day_as_the_cli_today(capsys, tmp_path):
    db = tmp_path / "practice.duckdb"
    code, out, err = run(capsys, "init", "--demo", "--as-of", "2027-01-04", "--licenses", 60,
                         "--db", db, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["practice_date"] == "2027-01-04"
    assert {"db", "created", "schema_version", "migrations_applied", "demo"} <= set(doc)  # cli.md
    clock.set_practice_date(None)   # as a new process: the clock comes from the database opened
    code, out, err = run(capsys, "check", a_contact(db), "--campus", "Boulder", "--db", db, "--json")
    assert json.loads(out)["on"] == "2027-01-04"          # not the pinned 2026-11-23
    assert clock.today_denver() == JAN_4
    # the time of day still ticks: the pinned 10:00 (ECOMM_NOW), on the practice day
    assert clock.to_denver(clock.now_utc()).date() == JAN_4
    assert clock.to_denver(clock.now_utc()).hour == 10


def test_the_practice_date_is_the_cli_today_in_its_own_process(capsys, tmp_path):
    db = tmp_path / "practice.duckdb"
    assert run(capsys, "init", "--demo", "--as-of", "2027-01-04", "--licenses", 60, "--db", db)[0] == 0
    text = capsys.readouterr()
    done = subprocess.run([sys.executable, "-m", "ecomm", "check", a_contact(db), "--campus",
                           "Boulder", "--db", str(db), "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert json.loads(done.stdout)["on"] == "2027-01-04", (done.stderr, text)


def test_init_demo_without_as_of_keeps_the_day_it_was_built(capsys, tmp_path):
    db = tmp_path / "today.duckdb"
    code, out, _ = run(capsys, "init", "--demo", "--licenses", 60, "--db", db)
    assert code == 0
    assert "Demo data: today is Mon Nov 23, 2026" in out      # PINNED_NOW's day
    assert clock.practice_date() == PINNED_TODAY


def test_init_as_of_moves_a_demo_databases_practice_date(capsys, tmp_path):
    db = tmp_path / "practice.duckdb"
    assert run(capsys, "init", "--demo", "--as-of", "2026-12-30", "--licenses", 60, "--db", db)[0] == 0
    code, out, err = run(capsys, "init", "--as-of", "2027-01-04", "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["practice_date"] == "2027-01-04"
    with Store(db) as store:
        assert clock.today_denver() == JAN_4
        assert store.query_value("SELECT count(*) FROM audit_log WHERE action = "
                                 "'set_practice_date'") == 2


def test_as_of_on_a_database_with_real_data_is_refused(capsys, tmp_path):
    db = tmp_path / "real.duckdb"
    assert run(capsys, "import", write_sample(tmp_path / "in"), "--db", db)[0] == 0
    code, out, err = run(capsys, "init", "--as-of", "2027-01-04", "--db", db, "--json")
    assert code == 1
    assert "holds real data" in err and "init --demo --as-of 2027-01-04" in err
    assert json.loads(out)["error"]
    with Store(db) as store:
        assert clock.practice_date() is None                   # a real database: real today
        assert clock.today_denver() == PINNED_TODAY
        assert store.query_value("SELECT count(*) FROM database_facts") == 0


def test_as_of_without_demo_on_a_new_database_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "init", "--as-of", "2027-01-04", "--db", tmp_path / "n.duckdb")
    assert code == 2 and "--as-of goes with --demo" in err
    with pytest.raises(SystemExit) as exc:
        main(["init", "--demo", "--as-of", "2027-13-01", "--db", str(tmp_path / "m.duckdb")])
    assert exc.value.code == 2 and "is not a date" in capsys.readouterr().err


def test_opening_a_database_without_a_practice_date_takes_the_clock_back(capsys, tmp_path):
    db = tmp_path / "practice.duckdb"
    assert run(capsys, "init", "--demo", "--as-of", "2027-01-04", "--licenses", 60, "--db", db)[0] == 0
    assert clock.today_denver() == JAN_4
    with Store(tmp_path / "plain.duckdb"):
        assert clock.today_denver() == PINNED_TODAY
