"""CLI ``change LICENSE ...`` (P15): the System team submits a change request from the
terminal; JSON on stdout, exit 1 naming the rule when refused, nothing saved then."""
from __future__ import annotations

import json

import pytest

from ecomm import clock
from ecomm.cli import main
from ecomm.storage import Store
from tests.integration.requests_fixtures import NOW, seed


@pytest.fixture
def seeded(db_path):
    with Store(db_path) as s:
        seed(s)
    return db_path


def run(argv, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_p15_cli_change_submits_a_change_request_json(seeded, capsys, monkeypatch):
    code, out, err = run(["change", "LN-0776", "--role", "MEC", "--add-on", "Event Management",
                          "--json", "--db", str(seeded)], capsys, monkeypatch)
    assert code == 0, err
    data = json.loads(out)
    assert (data["kind"], data["license_number"], data["cycle"], data["cutoff"]) == (
        "change", "LN-0776", "2026-12", "2026-11-30")
    with Store(seeded) as s:
        row = s.query_dicts("SELECT * FROM requests")[0]
        assert (row["kind"], row["ecomm_role"], row["cvent_add_ons"], row["submitted_by"]) == (
            "change", "MEC", ["Event Management"], "cli@system")
        # C7: a new MEC opens a System team task
        assert s.query_value("SELECT reasons FROM system_tasks") == ["new_mec"]


def test_p15_cli_change_refused_exit_1_names_the_rule(seeded, capsys, monkeypatch):
    code, out, err = run(["change", "LN-0776", "--super-user", "Salesforce Reporting",
                          "--db", str(seeded)], capsys, monkeypatch)
    assert code == 1
    assert "P8: Super-user permissions (Salesforce Reporting) are available only at" in err
    with Store(seeded) as s:
        assert s.query_value("SELECT count(*) FROM requests") == 0
