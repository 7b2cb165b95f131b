"""Reading the import format: a folder of CSV files, uploaded CSV files or one XLSX workbook,
into text cells with their line numbers (the header is line 1; in a workbook, the sheet's row).
Problems that stop a file being read are kept as ``file:line: what is wrong``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ecomm.errors import EcommError
from ecomm.importer.columns import FILES, FileSpec, spec_for
from ecomm.ziplimits import check_xlsx

FILE_RANK = {f.name: i for i, f in enumerate(FILES)}

# Bounds on a workbook's sheet (the zip itself is bounded by ecomm.ziplimits.XLSX_LIMITS). The
# 100x demo data set's largest table has about 300,000 rows of at most 30 columns.
MAX_SHEET_ROWS = 1_048_576         # Excel's own limit
MAX_SHEET_COLUMNS = 200            # the widest file of the import format has about 30
MAX_SHEET_CELLS = 12_000_000       # non-blank rows x their width
MAX_SHEET_CELLS_VISITED = 60_000_000  # every cell the reader steps over, blank ones included
MAX_CELL_CHARS = 32_767            # Excel's own limit for one cell
_WORKBOOK_RANK = len(FILES)  # problems about the upload itself come last


class Problem(NamedTuple):
    """One bad cell, row or file; sorted by file, line, column."""
    rank: int
    line: int
    col: int
    text: str
    label: str = ""


def problem(label: str, rank: int, line: int | None, column: str | None, what: str,
            col_rank: int = -1) -> Problem:
    where = f"{label}:{line}" if line is not None else label
    text = f"{where} {column}: {what}" if column else f"{where}: {what}"
    return Problem(rank, line or 0, col_rank, text, label)


@dataclass
class RawSheet:
    """One file or sheet as text cells: header, rows (blank rows dropped), their line numbers."""
    label: str
    spec: FileSpec
    header: list[str]
    cells: pd.DataFrame          # columns 0..n-1, every cell a str ('' when empty)
    lines: np.ndarray            # line number of each row of ``cells``


# -- files --------------------------------------------------------------------------
def read_csv_bytes(label: str, spec: FileSpec, data: bytes) -> tuple[RawSheet | None, list[Problem]]:
    """A CSV file (UTF-8, byte-order mark allowed) as a RawSheet, or the reason it cannot be read."""
    rank = FILE_RANK[spec.name]
    nul = data.find(b"\x00")
    if nul >= 0:  # valid UTF-8, but UTF-16/32 text or a binary file: refuse, naming the line
        line = _record_of(data[:nul])
        return None, [problem(label, rank, line, None,
                              "the file holds NUL bytes, so it is not UTF-8 text (UTF-16 text or "
                              "a binary file?); save it as 'CSV UTF-8' and try again")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [problem(label, rank, line, None,
                              "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again")]
    if not text.strip():
        return None, [problem(label, rank, None, None, "the file is empty; it needs at least a header row")]
    if '"' in text:
        quoting = _check_quotes(label, rank, text)
        if quoting:
            return None, quoting
    cells = _read_fast(data, text)
    problems: list[Problem] = []
    if cells is None:
        try:
            cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                                skip_blank_lines=False)
        except pd.errors.ParserError:
            cells, problems = _read_ragged_csv(label, rank, text)
    return _raw_sheet(label, spec, cells.fillna(""), np.arange(1, len(cells) + 1)), problems


def _record_of(prefix: bytes) -> int:
    """The line (record, the header being 1, as everywhere in the import) where ``prefix`` ends:
    a quoted cell may hold line breaks, so physical lines are not counted."""
    text = prefix.decode("utf-8", errors="replace")
    return max(1, sum(1 for _ in csv.reader(io.StringIO(text + "\x01"))))


def _check_quotes(label: str, rank: int, text: str) -> list[Problem]:
    """A quoted cell must be closed, and its closing quote followed by a comma or the end of
    the line: otherwise the rows after it would be read into that one cell (a contact
    swallowed into a last name). The problem names the line (record) where the cell starts."""
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 0
    try:
        while True:
            start += 1  # records, the header being line 1 (as the rows' lines)
            next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        if "end of data" in str(exc):
            what = ("a quoted cell starts on this line and is never closed (a missing closing "
                    'quote "): every row after it would be read into that one cell')
        else:
            what = ("a quote is closed in the middle of a cell (text after the closing quote "
                    '"); inside a quoted cell write a quote as two quotes ""')
        return [problem(label, rank, start, None, what + "; correct the file and import again")]


def _read_fast(data: bytes, text: str) -> pd.DataFrame | None:
    """Arrow's CSV reader (several times faster) for the usual file: no blank lines and every
    row as wide as the header. None for anything else; the careful readers take over."""
    if b"\n\n" in data or b"\n\r\n" in data or data.lstrip(b"\xef\xbb\xbf")[:1] in (b"\n", b"\r"):
        return None  # blank lines: the careful reader keeps the line numbers right
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        width = len(next(csv.reader(io.StringIO(text))))
        names = [f"c{i}" for i in range(width)]
        table = pacsv.read_csv(
            io.BytesIO(data[3:] if data.startswith(b"\xef\xbb\xbf") else data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in data),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False))
    except Exception:  # ragged rows, odd quoting, no pyarrow: use the careful readers
        return None
    frame = table.to_pandas()
    frame.columns = range(width)
    return frame


def _read_ragged_csv(label: str, rank: int, text: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Slow path for rows with more cells than the header: report each such row."""
    records = list(csv.reader(io.StringIO(text)))
    width = len(records[0]) if records else 0
    problems = []
    for i, rec in enumerate(records[1:], start=2):
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            problems.append(problem(label, rank, i, None,
                                    f"this row has {len(rec)} cells but the header has {width}"))
    rows = [(rec + [""] * width)[:width] for rec in records]
    return pd.DataFrame(rows, dtype=str), problems


def _raw_sheet(label: str, spec: FileSpec, cells: pd.DataFrame, lines: np.ndarray) -> RawSheet:
    cells = cells.astype(str)
    cells.columns = range(cells.shape[1])
    header = [str(h) for h in cells.iloc[0].tolist()] if len(cells) else []
    body, body_lines = cells.iloc[1:], lines[1:]
    if len(body):
        blank = np.ones(len(body), dtype=bool)  # narrowed column by column: cheap on full rows
        for c in body.columns:
            idx = np.flatnonzero(blank)
            if not len(idx):
                break
            blank[idx] = (body[c].iloc[idx].str.strip() == "").to_numpy()
        body, body_lines = body[~blank], body_lines[~blank]
    return RawSheet(label, spec, header, body.reset_index(drop=True), np.asarray(body_lines))


def _cell_text(v) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def read_workbook(label: str, data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """An XLSX workbook: sheet ``contacts`` = contacts.csv; line = the sheet's row number.
    A damaged sheet (a shared-string index or a cell reference that does not exist) is refused
    with a sentence; formula cells are named (the import reads values, not formulas)."""
    import openpyxl

    check_xlsx(label, data)  # zip bomb: refused before anything is decompressed
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise EcommError(f"{label} cannot be read as an XLSX workbook ({exc}).") from exc
    sheets, problems, seen = [], [], {}
    try:
        for ws in wb.worksheets:
            try:
                numbered, formulas = _sheet_rows(ws, label)
            except EcommError:
                raise
            except Exception as exc:  # a damaged sheet: say so, never a traceback
                raise EcommError(
                    f"{label}: the sheet {ws.title} cannot be read: the workbook is damaged "
                    f"({type(exc).__name__}: {str(exc)[:200]}). Open it in Excel, save it again "
                    "(or save the sheet as 'CSV UTF-8') and import again.") from exc
            spec = spec_for(ws.title)
            if spec is None:
                if numbered:
                    problems.append(problem(f"{label} sheet {ws.title}", _WORKBOOK_RANK, None, None,
                                            "not a sheet of the import format; rename it to one of "
                                            + ", ".join(f.name for f in FILES) + " or remove it"))
                continue
            if spec.name in seen:
                problems.append(problem(ws.title, FILE_RANK[spec.name], None, None,
                                        f"the workbook has two sheets for {spec.name} "
                                        f"({seen[spec.name]} and {ws.title})"))
                continue
            seen[spec.name] = ws.title
            if not numbered:
                problems.append(problem(ws.title, FILE_RANK[spec.name], None, None,
                                        "the sheet is empty; it needs at least a header row"))
                continue
            if formulas:
                problems += _formula_problems(ws.title, FILE_RANK[spec.name], numbered[0], formulas)
                continue
            width = len(numbered[0][1])
            while width and not numbered[0][1][width - 1].strip():
                width -= 1
            table, lines = [], []
            for line, r in numbered:
                if len(r) > width and any(c.strip() for c in r[width:]):
                    problems.append(problem(ws.title, FILE_RANK[spec.name], line, None,
                                            f"this row has cells beyond the {width} columns of the header"))
                table.append((r + [""] * width)[:width])
                lines.append(line)
            frame = pd.DataFrame(table, dtype=str)
            sheets.append(_raw_sheet(ws.title, spec, frame, np.asarray(lines)))
    finally:
        wb.close()
    return sheets, problems


def _sheet_rows(ws, label: str) -> tuple[list[tuple[int, list[str]]], list[tuple[int, int, str]]]:
    """The sheet's non-blank rows as (row number, texts), and its formula cells as (row,
    column index, formula). Refused as soon as the sheet goes past MAX_SHEET_ROWS,
    MAX_SHEET_COLUMNS, MAX_SHEET_CELLS or a cell past MAX_CELL_CHARS: the rows are read one at
    a time, so a crafted sheet never fills the memory. The sheet's declared dimension is
    ignored (a false "A1:XFD1048576" would pad every row to 16,384 cells)."""
    ws.reset_dimensions()
    numbered, formulas, cells, visited = [], [], 0, 0

    def refuse(what: str) -> EcommError:
        return EcommError(f"{label}: the sheet {ws.title} was not imported: {what}. An "
                          "import-format sheet is far smaller; check the file (or save the "
                          "sheet as 'CSV UTF-8') and import again.")

    for r, row in enumerate(ws.iter_rows(min_row=1), start=1):
        if r > MAX_SHEET_ROWS:
            raise refuse(f"it has more than {MAX_SHEET_ROWS:,} rows")
        visited += len(row)
        if visited > MAX_SHEET_CELLS_VISITED:
            raise refuse(f"it spans more than {MAX_SHEET_CELLS_VISITED:,} cells")
        last = len(row)
        while last and getattr(row[last - 1], "value", None) in (None, ""):
            last -= 1
        if not last:
            continue
        if last > MAX_SHEET_COLUMNS:
            from openpyxl.utils import get_column_letter

            raise refuse(f"row {r} has a value in column {get_column_letter(last)}, and a sheet "
                         f"has at most {MAX_SHEET_COLUMNS} columns")
        texts = []
        for c, cell in enumerate(row[:last]):
            value = cell.value
            if cell.data_type == "f":
                formulas.append((r, c, str(value)[:200]))
                value = None
            text = _cell_text(value)
            if len(text) > MAX_CELL_CHARS:
                raise refuse(f"row {r} has a cell of {len(text):,} characters; a cell holds at "
                             f"most {MAX_CELL_CHARS:,} (Excel's own limit)")
            texts.append(text)
        if any(t.strip() for t in texts):
            cells += len(texts)
            if cells > MAX_SHEET_CELLS:
                raise refuse(f"it holds more than {MAX_SHEET_CELLS:,} cells")
            numbered.append((r, texts))
    return numbered, formulas


def _formula_problems(sheet: str, rank: int, header: tuple[int, list[str]],
                      formulas: list[tuple[int, int, str]]) -> list[Problem]:
    """Each formula cell, named by row and column: the import reads values only."""
    from openpyxl.utils import get_column_letter

    out = []
    for r, c, formula in formulas:
        name = header[1][c].strip() if r != header[0] and c < len(header[1]) else ""
        column = name or f"column {get_column_letter(c + 1)}"
        shown = formula if len(formula) <= 40 else formula[:37] + "..."
        out.append(problem(sheet, rank, r, column,
                           f"holds a formula ({shown}), not a value; the import reads values "
                           "only: copy the cells and Paste Special > Values (or save the sheet "
                           "as 'CSV UTF-8'), then import again", c))
    return out


def read_uploads(files: dict[str, bytes]) -> tuple[list[RawSheet], list[Problem]]:
    """Uploaded CSV files by file name, or a single .xlsx workbook."""
    names = list(files)
    if not names:
        raise EcommError("Nothing to import: no files were given.")
    books = [n for n in names if n.lower().endswith((".xlsx", ".xlsm"))]
    if books:
        if len(names) > 1:
            raise EcommError("Give either CSV files or one XLSX workbook, not both or several workbooks.")
        return read_workbook(Path(books[0]).name, files[books[0]])
    sheets, problems, seen = [], [], {}
    for name in names:
        label = Path(name).name
        spec = spec_for(label) if label.lower().endswith(".csv") else None
        if spec is None:
            problems.append(problem(label, _WORKBOOK_RANK, None, None, _unknown_file_text()))
            continue
        if spec.name in seen:
            problems.append(problem(label, FILE_RANK[spec.name], None, None,
                                    f"given twice ({seen[spec.name]} and {label})"))
            continue
        seen[spec.name] = label
        sheet, probs = read_csv_bytes(label, spec, files[name])
        problems += probs
        if sheet is not None:
            sheets.append(sheet)
    return sheets, problems


def read_path(path: str | Path) -> tuple[list[RawSheet], list[Problem]]:
    """A folder of CSV files, one CSV file, or an XLSX workbook."""
    p = Path(path)
    if not p.exists():
        raise EcommError(f"There is no file or folder {p}.")
    if p.is_file():
        return read_uploads({p.name: p.read_bytes()})
    files = {f.name: f for f in sorted(p.iterdir())
             if f.is_file() and f.suffix.lower() == ".csv" and not f.name.startswith(".")}
    if not files:
        raise EcommError(f"No CSV files in {p}: an import folder holds one or more of "
                         + ", ".join(f.file_name for f in FILES) + ".")
    return read_uploads({name: f.read_bytes() for name, f in files.items()})


def _unknown_file_text() -> str:
    return ("not a file of the import format; rename it to one of "
            + ", ".join(f.file_name for f in FILES) + " or leave it out")


