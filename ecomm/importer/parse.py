"""Reading the import format: CSV files or an XLSX workbook into cells, then cells into checked,
canonical values (spec/import-format.md). Every problem is kept, one per bad cell or row, as
``file:line column: what is wrong``; the header is line 1 (in a workbook, the sheet's row).

Values are validated column by column over whole pandas Series (each distinct value is parsed
once), so a file of a few hundred thousand rows takes seconds.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from ecomm import reference as ref
from ecomm.clock import parse_datetime
from ecomm.errors import EcommError
from ecomm.importer.columns import FILES, Column, FileSpec, header_key, spec_for
from ecomm.rules.request import SPLIT_FORMAT, format_unit_speedtypes, parse_unit_speedtypes

FILE_RANK = {f.name: i for i, f in enumerate(FILES)}
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


@dataclass
class ParsedTable:
    """A file's canonical values, ready to stage: one str (or None) per cell, plus ``_line``."""
    label: str
    spec: FileSpec
    present: list[str]           # spec columns present in the header, in spec order
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


# -- reading --------------------------------------------------------------------------
def read_csv_bytes(label: str, spec: FileSpec, data: bytes) -> tuple[RawSheet | None, list[Problem]]:
    """A CSV file (UTF-8, byte-order mark allowed) as a RawSheet, or the reason it cannot be read."""
    rank = FILE_RANK[spec.name]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [problem(label, rank, line, None,
                              "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again")]
    if not text.strip():
        return None, [problem(label, rank, None, None, "the file is empty; it needs at least a header row")]
    cells = _read_fast(data, text)
    problems: list[Problem] = []
    if cells is None:
        try:
            cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                                skip_blank_lines=False)
        except pd.errors.ParserError:
            cells, problems = _read_ragged_csv(label, rank, text)
    return _raw_sheet(label, spec, cells.fillna(""), np.arange(1, len(cells) + 1)), problems


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
    """An XLSX workbook: sheet ``contacts`` = contacts.csv; line = the sheet's row number."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise EcommError(f"{label} cannot be read as an XLSX workbook ({exc}).") from exc
    sheets, problems, seen = [], [], {}
    try:
        for ws in wb.worksheets:
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
            numbered = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
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


# -- single values: each returns the canonical text or raises ValueError(what is wrong) ----
def _show(v: str) -> str:
    return repr(v if len(v) <= 60 else v[:57] + "...")


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY_RE = re.compile(r"\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?")
_LICENSE_RE = r"LN-\d+"
_EMAIL_RE = r"[^@\s;,]+@[^@\s;,]+"
_BOOLS = {"true": "true", "yes": "true", "1": "true", "x": "true",
          "false": "false", "no": "false", "0": "false"}


def parse_date(v: str) -> str:
    """A date written YYYY-MM-DD."""
    try:
        if not _DATE_RE.fullmatch(v):
            raise ValueError
        return date.fromisoformat(v).isoformat()
    except ValueError:
        raise ValueError(f"{_show(v)} is not a date; write it as YYYY-MM-DD") from None


def parse_datetime_cell(v: str) -> str:
    """ISO 8601; America/Denver when no offset. Returns naive UTC text for the database."""
    try:
        return parse_datetime(v).isoformat(sep=" ")
    except ValueError:
        raise ValueError(f"{_show(v)} is not a date-time; write it as ISO 8601, e.g. "
                         "2026-11-23T14:05:00 (America/Denver time) or with an offset") from None


def parse_bool(v: str) -> str:
    """true/false, yes/no, 1/0, x/empty."""
    out = _BOOLS.get(v.lower())
    if out is None:
        raise ValueError(f"{_show(v)} is not a yes/no value; use true/false, yes/no, 1/0, or x/empty")
    return out


def parse_money(v: str) -> str:
    """Dollars and cents: at most two decimals, not negative."""
    t = v.replace(" ", "")
    if t.startswith("-") or t.startswith("(") or t.startswith("$-"):
        raise ValueError(f"{_show(v)} is negative; a rate must be zero or more")
    m = _MONEY_RE.fullmatch(t)
    if not m:
        raise ValueError(f"{_show(v)} is not an amount in dollars and cents (e.g. 125.50)")
    amount = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
    if amount >= Decimal(10) ** 10:
        raise ValueError(f"{_show(v)} is too large for a monthly rate")
    return str(amount.quantize(Decimal("0.01")))


def parse_year(v: str) -> str:
    """A fiscal year such as 2027 (B1: named by the year it ends)."""
    if not re.fullmatch(r"\d{4}", v):
        raise ValueError(f"{_show(v)} is not a fiscal year; write the year it ends, e.g. 2027")
    return str(int(v))


def canonical_unit_speedtypes(v: str, total: int) -> str:
    """P12: unit speedtypes 'speedtype:percent;...' whose percentages add up to the
    ``unit_speedtype_split_total`` setting (a lone speedtype may omit it: it takes the whole);
    returned as canonical text '61000342:20;61000530:80'. Same parser as the form's P12."""
    pairs = parse_unit_speedtypes(v)
    if len(pairs) > 1 and any(p is None for _, p in pairs):
        raise ValueError(f"P12: split over {len(pairs)} speedtypes: give each one's percentage "
                         f"({SPLIT_FORMAT})")
    added = sum((p if p is not None else Decimal(total) for _, p in pairs), Decimal(0))
    if pairs and added != Decimal(total):
        raise ValueError(f"P12: the percentages add up to {format(added.normalize(), 'f')}, "
                         f"not {total}")
    return format_unit_speedtypes(pairs)


def _choice(col: Column) -> Callable[[str], str]:
    def parse(v: str) -> str:
        found = ref.canonical_choice(v, col.choices)
        if found is None:
            raise ValueError(f"{_show(v)} is not a known {col.what} (one of: {', '.join(col.choices)})")
        return found
    return parse


def parse_campus(v: str) -> str:
    found = ref.canonical_campus(v)
    if found is None:
        raise ValueError(f"{_show(v)} is not a campus (one of: {', '.join(ref.CAMPUSES)})")
    return found


def parse_license_number(v: str) -> str:
    if not re.fullmatch(_LICENSE_RE, v, flags=re.IGNORECASE):
        raise ValueError(f"{_show(v)} is not a license number ('LN-' and digits, e.g. LN-0776)")
    return v.upper()


def parse_email(v: str) -> str:
    if not re.fullmatch(_EMAIL_RE, v):
        raise ValueError(f"{_show(v)} is not an email address")
    return v.lower()


def _list_of(item: Callable[[str], str] | None) -> Callable[[str], str]:
    def parse(v: str) -> str:
        items = [i.strip() for i in v.split(";") if i.strip()]
        if item is not None:
            items = [item(i) for i in items]
        return ";".join(items)
    return parse


def value_parser(col: Column, split_total: int) -> Callable[[str], str] | None:
    """The single-value parser of a column kind (None: text, kept as it is)."""
    return {
        "text": None,
        "email": parse_email,
        "email_list": _list_of(parse_email),
        "date": parse_date,
        "datetime": parse_datetime_cell,
        "bool": parse_bool,
        "list": _list_of(None),
        "campus": parse_campus,
        "choice": _choice(col) if col.choices else None,
        "choice_list": _list_of(_choice(col)),
        "license_number": parse_license_number,
        "unit_speedtypes": lambda v: canonical_unit_speedtypes(v, split_total),
        "money": parse_money,
        "year": parse_year,
    }[col.kind]


# -- whole columns ----------------------------------------------------------------------
def parse_series(values: pd.Series, col: Column, split_total: int) -> tuple[pd.Series, pd.Series]:
    """(canonical text, missing where empty; error text, None where fine), both over the rows.

    Each distinct value is parsed once (a file's columns repeat values a lot); columns of
    mostly distinct values (ids, names, license numbers, emails) stay vectorised."""
    s = values.astype("str").str.strip()
    empty = (s == "").to_numpy(dtype=bool)
    fn = value_parser(col, split_total)
    err = pd.Series(None, index=s.index, dtype=object)
    if fn is None:
        out = s.mask(empty)
    elif col.kind in ("license_number", "email"):
        pattern = _LICENSE_RE if col.kind == "license_number" else _EMAIL_RE
        ok = s.str.fullmatch(pattern, case=False).to_numpy(dtype=bool, na_value=False)
        out = (s.str.upper() if col.kind == "license_number" else s.str.lower()).mask(~ok | empty)
        for i in np.flatnonzero(~ok & ~empty):
            try:
                fn(s.iloc[i])
            except ValueError as exc:
                err.iloc[i] = str(exc)
    else:
        codes, uniques = pd.factorize(s)
        results = np.full(len(uniques), None, dtype=object)
        errors = np.full(len(uniques), None, dtype=object)
        for k, v in enumerate(uniques):
            if v:
                try:
                    results[k] = fn(v) or None  # '' (a list of no items, 'N/A') is nothing
                except ValueError as exc:
                    errors[k] = str(exc)
        out = pd.Series(results[codes], index=s.index, dtype="str")
        err = pd.Series(errors[codes], index=s.index, dtype=object)
    if col.default is not None:
        out = out.where(~empty, col.default)
    return out, err


def parse_sheet(raw: RawSheet, *, split_total: int) -> ParsedTable:
    """Check the header and every cell of one file; canonical values and every problem."""
    spec, label = raw.spec, raw.label
    rank = FILE_RANK[spec.name]
    col_rank = {c.name: i for i, c in enumerate(spec.columns)}
    by_key = {header_key(c.name): c for c in spec.columns}
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for pos, head in enumerate(raw.header):
        k = header_key(head)
        if not k:
            if len(raw.cells) and (raw.cells[pos].str.strip() != "").any():
                problems.append(problem(label, rank, 1, f"column {pos + 1}",
                                        "has values but no name in the header"))
            continue
        col = by_key.get(k)
        if col is None:
            problems.append(problem(label, rank, 1, head.strip(),
                                    "unknown column (a typo?); the columns of "
                                    f"{spec.file_name} are " + ", ".join(c.name for c in spec.columns)))
        elif col.name in positions:
            problems.append(problem(label, rank, 1, col.name, "this column appears twice in the header",
                                    col_rank[col.name]))
        else:
            positions[col.name] = pos
    for col in spec.columns:
        if col.required and col.name not in positions:
            problems.append(problem(label, rank, 1, col.name, "required column is missing",
                                    col_rank[col.name]))

    lines = pd.Series(raw.lines, dtype="int64")
    # a key column that may be empty is part of the key even when the file leaves it out
    present = [c.name for c in spec.columns if c.name in positions or c.name in spec.nullable_key]
    data: dict[str, pd.Series] = {}
    for name in present:
        col = spec.column(name)
        cells = raw.cells[positions[name]] if name in positions else pd.Series("", index=lines.index)
        out, err = parse_series(cells, col, split_total)
        bad = err.notna()
        if col.required:
            missing = out.isna() & ~bad
            problems += _cell_problems(label, rank, lines[missing], name, col_rank[name],
                                       "is required but empty")
        problems += _cell_problems(label, rank, lines[bad], name, col_rank[name], err[bad])
        data[name] = out
    frame = pd.DataFrame(data, index=lines.index)
    problems += _row_checks(spec, label, rank, frame, lines, col_rank)
    problems += _duplicate_keys(spec, label, rank, frame, lines, problems)
    frame["_line"] = lines
    return ParsedTable(label, spec, present, frame, problems)


def _cell_problems(label, rank, lines: pd.Series, column: str, col_rank: int, what) -> list[Problem]:
    if not len(lines):
        return []
    whats = what.tolist() if isinstance(what, pd.Series) else [what] * len(lines)
    return [Problem(rank, int(ln), col_rank, f"{label}:{int(ln)} {column}: {w}", label)
            for ln, w in zip(lines.tolist(), whats)]


def _row_checks(spec, label, rank, frame, lines, col_rank) -> list[Problem]:
    """Checks across the cells of one row."""
    def column(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)

    if spec.name == "users":
        no_campus = (column("role") == ref.APP_SPECIALIST) & column("campus").isna()
        return _cell_problems(label, rank, lines[no_campus], "campus", col_rank["campus"],
                              "an eComm specialist needs a campus")
    if spec.name == "requests":
        # as the form's DeprovisionDraft and GroupChangeDraft: they act on one license
        on_license = column("kind").isin(["deprovision", "change_groups"])
        no_license = on_license & column("license_number").isna()
        return _cell_problems(label, rank, lines[no_license], "license_number",
                              col_rank["license_number"],
                              "a deprovision or change_groups request names the license it changes")
    return []


def _duplicate_keys(spec, label, rank, frame, lines, problems) -> list[Problem]:
    """Each key appears once in a file (rows are upserted by their key)."""
    keys = list(spec.key)
    if not all(k in frame or k in spec.nullable_key for k in keys):
        return []
    bad_lines = {p.line for p in problems if p.rank == rank}
    usable = ~lines.isin(bad_lines)
    for k in keys:
        if k not in spec.nullable_key:
            usable &= frame[k].notna()
    cols = {k: frame[k] if k in frame else pd.Series(None, index=frame.index, dtype=object)
            for k in keys}
    sub = pd.DataFrame({k: v[usable].astype(object).where(v[usable].notna(), "\0")
                        for k, v in cols.items()})
    dup = sub.duplicated(keep="first")
    if not dup.any():
        return []
    first_line = lines[usable].groupby([sub[k] for k in keys]).transform("first")
    names = ", ".join(keys)
    what = "appears again: same " + names + " as line "
    return [Problem(rank, int(lines[i]), 0,
                    f"{label}:{int(lines[i])} {names}: {what}{int(first_line[i])}", label)
            for i in dup[dup].index]
