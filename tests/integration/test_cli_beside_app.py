"""Issue 19: the command line beside the running app. Two copies of one demo database: A is
served by a real `streamlit run app.py` (tools/appserver.py: a free port, ECOMM_NOW pinned),
B is not served. Every command runs against A (held by the app: the command is sent to it
over /api/cli) and against B (the file is opened as before), each from its own working
folder with the same relative paths, and must print the same, exit the same and write the
same files.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from ecomm.storage import Store
from tools import appserver

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-12-01T10:00"
TOKEN = secrets.token_hex(8)  # made per run: no token is committed (test_trust_secrets)
SYSTEM = "sam.system@cu.edu"


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    from ecomm.demo import load_demo

    root = tmp_path_factory.mktemp("beside")
    a = root / "served" / "ecomm.duckdb"
    a.parent.mkdir()
    with Store(a) as store:
        load_demo(store, as_of=date(2026, 11, 20), licenses=150)
    b = root / "file" / "ecomm.duckdb"
    b.parent.mkdir()
    shutil.copy(a, b)
    return a, b


@pytest.fixture(scope="module")
def served(copies, tmp_path_factory):
    a, _ = copies
    env = {"ECOMM_NOW": NOW, "ECOMM_API_TOKEN": TOKEN, "ECOMM_API_USER": SYSTEM}
    with appserver.serve(a, tmp_path_factory.mktemp("server"), env=env) as app:
        yield app


def cli(db: Path, *argv: str, token: str | None = TOKEN, url: str | None = None
        ) -> subprocess.CompletedProcess:
    """`python -m ecomm ARGV --db DB`, run in the database's folder (relative paths land there)."""
    env = {**os.environ, "ECOMM_NOW": NOW, "PYTHONPATH": str(ROOT)}
    env.pop("ECOMM_URL", None)
    env.pop("ECOMM_API_TOKEN", None)
    if token is not None:
        env["ECOMM_API_TOKEN"] = token
    if url is not None:
        env["ECOMM_URL"] = url
    return subprocess.run([sys.executable, "-m", "ecomm", *argv, "--db", str(db)],
                          cwd=db.parent, env=env, capture_output=True, text=True, timeout=600)


def both(copies, *argv: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    a, b = copies
    return cli(a, *argv), cli(b, *argv)


def norm(text: str) -> str:
    """The pinned clock ticks from each process's start (the app's started minutes before the
    command line's): the times of day of the pinned day are masked. And the one intended
    difference: sent to the app, a command acts as the API token's user (e.g. a batch's
    "processed_by"), on the file as the command line: both are masked as <actor>."""
    text = text.replace(SYSTEM, "<actor>").replace("cli@system", "<actor>")
    text = re.sub(r"2026-12-01T\d\d:\d\d:\d\d", "2026-12-01T<time>", text)
    return re.sub(r"at \d\d:\d\d Denver time", "at <time> Denver time", text)


def same(copies, *argv: str) -> subprocess.CompletedProcess:
    via_app, via_file = both(copies, *argv)
    assert via_app.returncode == via_file.returncode, (via_app.stderr, via_file.stderr)
    via_app.stdout, via_file.stdout = norm(via_app.stdout), norm(via_file.stdout)
    diff = "\n".join(difflib.unified_diff(via_file.stdout.splitlines(),
                                          via_app.stdout.splitlines(), "file", "app", lineterm=""))
    assert via_app.stdout == via_file.stdout, diff
    assert via_app.stderr == via_file.stderr
    return via_app


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_the_served_database_is_held_and_the_app_says_where_it_listens(served, copies):
    a, _ = copies
    info = json.loads((a.parent / "ecomm.duckdb.app.json").read_text())
    assert info["url"] == served.url and info["pid"] == served.proc.pid
    from ecomm.errors import DatabaseBusy

    with pytest.raises(DatabaseBusy):
        Store(a)  # item 10: the server took the file when it started, before any browser


def test_read_commands_print_the_same_both_ways(served, copies):
    contact = Store(copies[1]).query_value(  # noqa: SIM115 - closed by the gc; read only
        "SELECT contact_id FROM employments WHERE campus = 'Boulder' ORDER BY contact_id LIMIT 1")
    for argv in (["check", contact, "--campus", "Boulder"],
                 ["check", contact, "--campus", "Boulder", "--json"],
                 ["check", "no-such-contact", "--campus", "Boulder"],
                 ["calendar", "2026-12"], ["calendar", "2027-01", "--json"],
                 ["batch", "2026-12", "--dry-run"], ["batch", "2026-12", "--dry-run", "--json"]):
        same(copies, *argv)
    refused = same(copies, "check", "no-such-contact", "--campus", "Boulder", "--json")
    assert refused.returncode == 1


def test_usage_errors_exit_2_both_ways(served, copies):
    assert same(copies, "batch", "2026-13").returncode == 2


def test_writing_commands_print_the_same_both_ways(served, copies):
    a, b = copies
    first = same(copies, "notify", "--json")
    assert json.loads(first.stdout)["queued"] > 0
    again = same(copies, "notify")  # each message once: the second run queues none
    assert "No new compliance message" in again.stdout
    same(copies, "batch", "2026-12", "--on", "2026-12-01", "--json")
    same(copies, "batch", "2026-12", "--on", "2026-12-01")  # processed already: says so
    same(copies, "invoice", "annual", "--fy", "2027", "--on", "2026-07-15", "--json")
    out = same(copies, "invoice", "annual", "--fy", "2027", "--on", "2026-07-15", "--out", "inv")
    assert files_of(a.parent / "inv").keys() == files_of(b.parent / "inv").keys() != set()
    assert "wrote inv/" in out.stdout


def test_export_and_import_carry_their_files(served, copies):
    a, b = copies
    same(copies, "export", "exp", "--json")
    via_app, via_file = files_of(a.parent / "exp"), files_of(b.parent / "exp")
    assert via_app.keys() == via_file.keys() and via_app
    for name, data in via_app.items():
        app_lines = norm(data.decode()).splitlines()
        file_lines = norm(via_file[name].decode()).splitlines()
        assert app_lines == file_lines, "\n".join(difflib.unified_diff(
            file_lines, app_lines, lineterm="", n=0))
    done = same(copies, "import", "exp", "--json")  # the export read back: nothing changes
    assert json.loads(done.stdout)["inserted"] == 0
    missing = same(copies, "import", "no-such-folder")
    assert missing.returncode == 1 and "no-such-folder" in missing.stderr


def test_backup_downloads_the_zip(served, copies):
    a, b = copies
    via_app, via_file = both(copies, "backup", "--out", "nightly/x.zip", "--json")
    assert via_app.returncode == via_file.returncode == 0, via_app.stderr
    app_doc, file_doc = json.loads(via_app.stdout), json.loads(via_file.stdout)
    # the zips' bytes differ (each records when it was made); everything else is the same
    assert app_doc.pop("bytes") == (a.parent / "nightly" / "x.zip").stat().st_size
    file_doc.pop("bytes")
    assert app_doc == file_doc and app_doc["path"] == "nightly/x.zip"


def test_the_api_refuses_without_or_with_a_wrong_token(served, copies):
    def post(headers):
        req = urllib.request.Request(f"{served.url}/api/cli", method="POST",
                                     data=json.dumps({"argv": ["calendar", "2026-12"]}).encode(),
                                     headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post({}) == 401
    assert post({"Authorization": "Bearer wrong"}) == 403
    assert post({"Authorization": f"Bearer {TOKEN}"}) == 200
    wrong = cli(copies[0], "calendar", "2026-12", token="wrong")
    assert wrong.returncode == 1 and "refused the command (HTTP 403)" in wrong.stderr
    # no token of one's own: the app's local token in <database>.app.json (mode 600, for the
    # database's owner only) is used, as `make run` + another terminal needs
    info = copies[0].parent / "ecomm.duckdb.app.json"
    assert info.stat().st_mode & 0o777 == 0o600
    local = cli(copies[0], "calendar", "2026-12", token=None)
    assert local.returncode == 0 and local.stdout == cli(copies[1], "calendar", "2026-12").stdout
    # ECOMM_URL names the app but no token is given: said how to give one
    none = cli(copies[0], "calendar", "2026-12", token=None, url=served.url)
    assert none.returncode == 1 and "ECOMM_API_TOKEN" in none.stderr


def test_healthz_503_when_a_daily_job_has_not_succeeded_for_a_day(served):
    # this app runs without its scheduler (ECOMM_JOBS=off): nothing has run since the demo was
    # loaded, so the nightly backup of 2026-11-30 02:00 has not succeeded for more than a day
    try:
        urllib.request.urlopen(f"{served.url}/healthz", timeout=60)
        raise AssertionError("/healthz answered 200")
    except urllib.error.HTTPError as exc:
        assert exc.code == 503
        doc = json.loads(exc.read())
    assert doc["status"] == "failing" and doc["schema_version"] >= 7
    assert any(p.startswith("nightly_backup has not succeeded") for p in doc["problems"])


def test_commands_sent_to_the_app_are_audited_as_the_tokens_user(served, copies):
    """Last: it stops the app to read its audit log."""
    same(copies, "notify", "--on", "2026-12-02")
    local = cli(copies[0], "backup", "--out", "local.zip", token=None)  # the local token
    assert local.returncode == 0, local.stderr
    served.proc.terminate()  # read the audit log once the app let go of the file
    served.proc.wait(timeout=60)
    with Store(copies[0]) as store:
        actors = {r[0] for r in store.query(
            "SELECT actor FROM audit_log WHERE action IN ('import', 'queue_messages', "
            "'process_batch', 'backup') OR entity IN ('backup', 'invoice', 'outbox', 'batch')")}
        backups = {r[0] for r in store.query(
            "SELECT actor FROM audit_log WHERE action = 'backup'")}
    assert SYSTEM in actors, actors
    # backup.zip sent with the API token, local.zip with the local token (as the command line)
    assert backups == {SYSTEM, "cli@system"}, backups

