"""Hostile input to the importer (ecomm.importer: read, parse, load), fuzzed with hypothesis on a
real DuckDB file: one cell of the valid sample data set replaced by hostile text (control
characters, NUL bytes, huge cells, formulas, dates in the future, another row's key), or a whole
file re-encoded (latin-1, UTF-16, byte-order marks), as CSV uploads and as an XLSX workbook.

The importer must never crash: it loads, or it refuses with ImportRefused/EcommError and
writes nothing; a refusal because of the changed cell names that file, line and column."""
from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl.utils.exceptions import IllegalCharacterError
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ecomm.errors import EcommError
from ecomm.importer import ImportRefused, import_files
from ecomm.storage import Store
from tests.integration.batch_seed import snapshot
from tests.integration.import_samples import SAMPLE, write_workbook
from tests.conftest import PINNED_TODAY

pytestmark = pytest.mark.slow  # about a minute: each example is a real import
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WHERE = re.compile(r"^[^:\n]+(:\d+)?( [^:\n]+)?: \S")  # file[:line] [column(s)]: what

CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
hostile_text = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(alphabet=CONTROL, min_size=1, max_size=10),                      # control chars, NUL
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=10), st.text(max_size=10)),
    st.sampled_from(["=1+1", "+SUM(A1)", "-2", "@cmd", "=HYPERLINK(\"http://x\")", "\t=1",
                     "\r=1", "'quoted", "\"", "a,b", "a\nb", "\u202eevil", "\ufeffbom",
                     "LN-0776", "C-001", "true", "N/A", " ", "9" * 400]),
    st.integers(1, 40).map(lambda n: "x" * (n * 10_000)),                     # huge cells
    st.dates(min_value=PINNED_TODAY + timedelta(days=1), max_value=date(9999, 12, 31))
      .map(date.isoformat),                                                   # the future
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
)


def _rows(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(SAMPLE[name])))


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # quotes a CR inside a cell
    return buf.getvalue()


@st.composite
def one_bad_cell(draw):
    """(file name, 1-based line, column name, the sample with that one cell replaced)."""
    name = draw(st.sampled_from(sorted(SAMPLE)))
    rows = _rows(name)
    r = draw(st.integers(1, len(rows) - 1))
    c = draw(st.integers(0, len(rows[0]) - 1))
    value = draw(hostile_text)
    rows[r] = list(rows[r]) + [""] * (len(rows[0]) - len(rows[r]))
    rows[r][c] = value
    return name, r + 1, rows[0][c], {**SAMPLE, name: _csv(rows)}


@st.composite
def a_duplicate_row(draw):
    name = draw(st.sampled_from(sorted(SAMPLE)))
    rows = _rows(name)
    r = draw(st.integers(1, len(rows) - 1))
    rows.insert(draw(st.integers(1, len(rows))), rows[r])
    return name, {**SAMPLE, name: _csv(rows)}


ENCODINGS = st.sampled_from(["latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
                             "utf-8-sig", "bom-twice"])


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "bom-twice":
        return b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def store():
    """An empty, migrated database file; every example imports into its own copy of it, so
    that no example sees what an earlier one loaded (Hypothesis replays an example and must
    get the same outcome)."""
    with tempfile.TemporaryDirectory() as folder:
        pristine = Path(folder) / "fuzz.duckdb"
        Store(pristine).close()
        yield pristine


_BEFORE: dict[Path, dict] = {}  # every copy of the empty database holds what it holds


def attempt(pristine: Path, files: dict[str, bytes]):
    """Import into a fresh copy of the empty database; returns the report or the EcommError.
    Anything else is a crash and fails."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "example.duckdb"
        shutil.copyfile(pristine, copy)
        store = Store(copy)
        try:
            before = _BEFORE.get(pristine) or _BEFORE.setdefault(pristine, snapshot(store))
            try:
                return import_files(store, files, actor="fuzz")
            except EcommError as exc:
                assert snapshot(store) == before, "a refused import wrote something"
                for p in exc.problems:
                    assert WHERE.match(p) or p.startswith("... and"), p
                return exc
        finally:
            store.close()


def _named(exc: EcommError, name: str, line: int, column: str) -> bool:
    return any(p.startswith(f"{name}:{line} {column}:") for p in exc.problems)


# Found by hypothesis: LN-0777 holding Salesforce past the day R-0002 removed it (C4) crashed
# the import (RuntimeError) instead of refusing it.
FUTURE_REMOVAL = ("license_apps.csv", 4, "deprovisioned_on", {
    **SAMPLE, "license_apps.csv": _csv([r[:3] + ["2030-01-01"] + r[4:] if r[0] == "LN-0777" else r
                                        for r in _rows("license_apps.csv")])})


@FUZZ
@example(case=FUTURE_REMOVAL)
@given(case=one_bad_cell())
def test_a_hostile_cell_in_a_csv_file_is_loaded_or_refused_naming_row_and_column(store, case):
    name, line, column, texts = case
    out = attempt(store, {n: t.encode("utf-8") for n, t in texts.items()})
    if isinstance(out, ImportRefused):
        mine = [p for p in out.problems if re.match(rf"{re.escape(name)}:{line}[ :]", p)]
        others = [p for p in out.problems if not p.startswith(f"{name}:")]
        # refused for this cell (naming its row), or for rows elsewhere that pointed at it
        assert mine or others, out.problems


@FUZZ
@given(case=a_duplicate_row())
def test_a_duplicated_row_is_refused_naming_its_lines_or_loaded_once(store, case):
    name, texts = case
    out = attempt(store, {n: t.encode("utf-8") for n, t in texts.items()})
    if isinstance(out, ImportRefused):
        assert any(p.startswith(f"{name}:") for p in out.problems), out.problems


@FUZZ
@given(name=st.sampled_from(sorted(SAMPLE)), encoding=ENCODINGS,
       accent=st.sampled_from(["José", "Zoë", "Ñandú", "Łódź", "Ana"]))
def test_a_file_in_another_encoding_is_refused_or_read_never_crashes(store, name, encoding,
                                                                     accent):
    text = SAMPLE[name].replace("Ana", accent).replace("Winter", accent)
    out = attempt(store, {**{n: t.encode("utf-8") for n, t in SAMPLE.items()},
                          name: _encode(text, encoding)})
    if isinstance(out, EcommError) and encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        assert any(p.startswith(name) for p in out.problems), out.problems


@FUZZ
@given(case=one_bad_cell())
def test_a_hostile_cell_in_a_workbook_is_loaded_or_refused(store, case, tmp_path_factory):
    name, line, column, texts = case
    try:
        path = write_workbook(tmp_path_factory.mktemp("xlsx") / "import.xlsx", texts)
    except (IllegalCharacterError, csv.Error):
        assume(False)  # a workbook cannot hold that control character (or the helper that big a cell)
    attempt(store, {"import.xlsx": path.read_bytes()})


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["import.xlsx", "contacts.csv"]))
def test_random_bytes_are_refused_clearly(store, data, name):
    out = attempt(store, {name: data})
    # at most 2,000 random bytes are neither a workbook nor a contacts.csv with its header row
    # (contact_id, last_name, ...): refused, naming the file
    assert isinstance(out, EcommError), out
    assert name in out.message or any(p.startswith(name) for p in out.problems), (
        out.message, out.problems)
