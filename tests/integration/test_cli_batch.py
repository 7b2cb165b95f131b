"""CLI `batch YYYY-MM [--on DATE] [--dry-run] [--json]` (spec/cli.md): the JSON shape, a dry run
that changes nothing, refusal before the processing day (exit 1), idempotent reprocessing."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from ecomm import clock
from ecomm.cli import main
from ecomm.storage import Store
from tests.integration.batch_seed import BEFORE, CYCLE, PROCESS_AT, seed_cycle, snapshot

CONTRACT_KEYS = {"cycle", "provisioned", "deprovisioned", "held", "dry_run"}


@pytest.fixture
def seeded(db_path):
    """The seeded database file, closed again before the CLI opens it; returns request ids."""
    s = Store(db_path)
    try:
        ids = seed_cycle(s)
    finally:
        s.close()
    return ids


def at(monkeypatch, now_utc: datetime) -> None:
    monkeypatch.setattr(clock, "now_utc", lambda: now_utc)


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def state(db_path) -> dict:
    with Store(db_path) as s:
        return snapshot(s)


def test_batch_json_shape_exactly(seeded, db_path, capsys, monkeypatch):
    at(monkeypatch, PROCESS_AT)
    code, out, err = run(["batch", CYCLE, "--json", "--db", str(db_path)], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert CONTRACT_KEYS <= set(data)
    assert data["cycle"] == CYCLE and data["dry_run"] is False
    assert sorted(data["provisioned"]) == sorted([seeded["new"], seeded["transfer"],
                                                  seeded["extend"]])
    assert data["deprovisioned"] == [seeded["deprov"]]
    assert data["held"] == [{"request_id": seeded["lapse"], "failures": ["P5"]}]
    assert all(isinstance(r, str) and r.startswith("R-") for r in data["provisioned"])
    assert data["on"] == "2026-12-01" and data["already_processed"] is False


def test_batch_dry_run_changes_nothing_and_reports_the_same(seeded, db_path, capsys,
                                                            monkeypatch):
    at(monkeypatch, PROCESS_AT)
    before = state(db_path)
    code, out, _ = run(["batch", CYCLE, "--dry-run", "--json", "--db", str(db_path)], capsys)
    assert code == 0
    dry = json.loads(out)
    assert dry["dry_run"] is True
    assert state(db_path) == before
    code, out, _ = run(["batch", CYCLE, "--json", "--db", str(db_path)], capsys)
    real = json.loads(out)
    assert {k: real[k] for k in CONTRACT_KEYS - {"dry_run"}} == \
        {k: dry[k] for k in CONTRACT_KEYS - {"dry_run"}}
    assert state(db_path) != before


def test_batch_dry_run_before_the_processing_day_previews_that_day(seeded, db_path, capsys,
                                                                   monkeypatch):
    at(monkeypatch, BEFORE)   # Nov 30: default --on is the first processing day, Dec 1
    code, out, _ = run(["batch", CYCLE, "--dry-run", "--json", "--db", str(db_path)], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["on"] == "2026-12-01"
    assert data["held"] == [{"request_id": seeded["lapse"], "failures": ["P5"]}]
    # with --on the day before, the lapsing course is still valid
    code, out, _ = run(["batch", CYCLE, "--dry-run", "--on", "2026-11-30", "--json",
                        "--db", str(db_path)], capsys)
    assert json.loads(out)["held"] == []


def test_batch_before_its_first_processing_day_is_refused(seeded, db_path, capsys,
                                                          monkeypatch):
    at(monkeypatch, BEFORE)
    before = state(db_path)
    code, out, err = run(["batch", CYCLE, "--db", str(db_path)], capsys)
    assert code == 1
    assert "cannot be processed yet: its first processing day is Tuesday 2026-12-01" in err
    assert state(db_path) == before
    code, out, _ = run(["batch", CYCLE, "--json", "--db", str(db_path)], capsys)
    assert code == 1 and "cannot be processed yet" in json.loads(out)["error"]


def test_batch_twice_says_already_processed(seeded, db_path, capsys, monkeypatch):
    at(monkeypatch, PROCESS_AT)
    assert run(["batch", CYCLE, "--db", str(db_path)], capsys)[0] == 0
    after = state(db_path)
    code, out, _ = run(["batch", CYCLE, "--db", str(db_path)], capsys)
    assert code == 0
    assert "already processed on 2026-12-01" in out and "by cli@system" in out
    assert state(db_path) == after


def test_batch_human_output_lists_each_decision(seeded, db_path, capsys, monkeypatch):
    at(monkeypatch, PROCESS_AT)
    code, out, _ = run(["batch", CYCLE, "--dry-run", "--db", str(db_path)], capsys)
    assert code == 0
    assert "dry run, nothing was changed" in out
    assert seeded["lapse"] in out and "P5: PCI Compliance" in out
    assert "transfer from LN-0900" in out
    assert "not removed again: Salesforce" in out


def test_batch_bad_month_is_wrong_usage(db_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["batch", "2026-13", "--db", str(db_path)])
    assert exc.value.code == 2
