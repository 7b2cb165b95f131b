"""Small files must not exhaust the memory (issue 14, item 5): a zip bomb member in an XLSX or a
backup, a sheet with a false huge dimension or a value far to the right, a giant cell. Each is
imported/restored by the CLI in a subprocess whose peak memory (VmHWM) must stay under
500 MB; what is refused says why (the Import page and Admin restore call the same code)."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from tests.integration.crafted_files import SHEET1, contacts_workbook, rewrite

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 500
MEASURE = """
import contextlib, io, json, resource, sys
from ecomm.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    code = main(sys.argv[1:])
# VmHWM: this process's own peak (ru_maxrss would start at the forking pytest's size, since
# Linux keeps it across fork and exec)
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
peak = (int(hwm[0].split()[1]) if hwm
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024  # KiB
print(json.dumps({"code": code, "out": out.getvalue()[-4000:], "peak_mb": peak}))
"""


def run_cli(*argv) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, *map(str, argv)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def stream_member(zf: zipfile.ZipFile, name: str, head: bytes, filler: bytes, size: int,
                  tail: bytes) -> None:
    """Write a member of about ``size`` bytes without holding it in memory."""
    chunk = filler * (1024 * 1024 // len(filler))
    with zf.open(name, "w", force_zip64=True) as fh:
        fh.write(head)
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write(tail)


def bomb_workbook(path: Path, giant: int = 1024 * 1024 * 1024) -> Path:
    """contacts sheet whose cell B2 is shared string 0: one string of about 1 GB ('A's)."""
    shared = rewrite(contacts_workbook(), SHEET1, lambda x: re.sub(
        r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="s"><v>0</v></c>', x, count=1))
    base = zipfile.ZipFile(io.BytesIO(shared))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in base.infolist():
            content = base.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                          b'ContentType="application/vnd.openxmlformats-officedocument'
                                          b'.spreadsheetml.sharedStrings+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdSS" '
                                          b'Type="http://schemas.openxmlformats.org/officeDocument/'
                                          b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                          b"</Relationships>")
            zf.writestr(info.filename, content)
        stream_member(zf, "xl/sharedStrings.xml",
                      b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      b'count="1" uniqueCount="1"><si><t>', b"A", giant, b"</t></si></sst>")
    return path


def test_an_xlsx_zip_bomb_is_refused_before_it_is_read(tmp_path):
    book = bomb_workbook(tmp_path / "bomb.xlsx")
    assert book.stat().st_size < 3 * 1024 * 1024       # a small file ...
    got = run_cli("import", book, "--db", tmp_path / "t.duckdb")
    assert got["code"] == 1, got
    assert "xl/sharedStrings.xml: expands" in got["out"] and "zip bomb" in got["out"]
    assert got["peak_mb"] < PEAK_LIMIT_MB, got               # ... refused before it is read


def _sheet(tmp_path: Path, change) -> Path:
    path = tmp_path / "book.xlsx"
    path.write_bytes(rewrite(contacts_workbook(), SHEET1, change))
    return path


def test_a_false_huge_dimension_does_not_pad_every_row(tmp_path):
    """<dimension ref="A1:XFD1048576"/> on three real rows: read as the three rows they are."""
    book = _sheet(tmp_path, lambda x: re.sub(r'<dimension ref="[^"]+"/>',
                                             '<dimension ref="A1:XFD1048576"/>', x))
    got = run_cli("import", book, "--db", tmp_path / "t.duckdb", "--json")
    assert got["code"] == 0, got
    assert got["peak_mb"] < PEAK_LIMIT_MB, got


def test_a_value_beyond_the_last_column_is_refused(tmp_path):
    book = _sheet(tmp_path, lambda x: x.replace(
        "</row>", '<c r="XFD1" t="inlineStr"><is><t>far</t></is></c></row>', 1))
    got = run_cli("import", book, "--db", tmp_path / "t.duckdb")
    assert got["code"] == 1, got
    assert "row 1 has a value in column XFD, and a sheet has at most 200 columns" in got["out"]
    assert got["peak_mb"] < PEAK_LIMIT_MB, got


def test_a_giant_cell_is_refused(tmp_path):
    book = _sheet(tmp_path, lambda x: re.sub(r'(<c r="B2"[^>]*><is><t>)[^<]*',
                                             lambda m: m.group(1) + "N" * 40_000, x, count=1))
    got = run_cli("import", book, "--db", tmp_path / "t.duckdb")
    assert got["code"] == 1, got
    assert "row 2 has a cell of 40,000 characters; a cell holds at most 32,767" in got["out"]
    assert got["peak_mb"] < PEAK_LIMIT_MB, got


def test_a_backup_zip_bomb_is_refused_before_it_is_read(tmp_path, store):
    """A backup whose contacts.csv expands to 1 GB: refused by its directory, not read."""
    from ecomm.backup import build_backup
    from tests.integration.compliance_seed import SYSTEM

    payload, _ = build_backup(store, SYSTEM, now=datetime(2026, 12, 7))
    src = zipfile.ZipFile(io.BytesIO(payload))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != "contacts.csv":
                zf.writestr(info.filename, src.read(info.filename))
        stream_member(zf, "contacts.csv", b"contact_id,last_name\n", b"0", 1024 ** 3, b"\n")
    assert bomb.stat().st_size < 4 * 1024 * 1024
    got = run_cli("restore", bomb, "--db", tmp_path / "new.duckdb")
    assert got["code"] == 1, got
    assert "contacts.csv: expands" in got["out"] and "Nothing was written" in got["out"]
    assert got["peak_mb"] < PEAK_LIMIT_MB, got
    assert not (tmp_path / "new.duckdb").exists()


@pytest.mark.parametrize("limit", ["XLSX_LIMITS", "BACKUP_LIMITS"])
def test_limits_leave_room_for_the_100x_data(limit):
    """Ten times the 100x demo's largest member (see README) and real compression ratios."""
    from ecomm import ziplimits

    limits = getattr(ziplimits, limit)
    assert limits.max_member_bytes >= 10 * 40 * 1024 * 1024 and limits.max_ratio >= 50
