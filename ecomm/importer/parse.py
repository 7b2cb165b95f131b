"""Checking the import format (spec/import-format.md): a file's text cells into canonical
values, keeping every problem, one per bad cell or row, as ``file:line column: what is wrong``.

Values are validated column by column over whole pandas Series (each distinct value is parsed
once), so a file of a few hundred thousand rows takes about a second.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable

import numpy as np
import pandas as pd

from ecomm import reference as ref
from ecomm.clock import parse_datetime
from ecomm.emails import check_email, simple_email_mask
from ecomm.importer.columns import Column, FileSpec, header_key
from ecomm.importer.plausible import first_error, implausible
from ecomm.importer.read import FILE_RANK, Problem, RawSheet, problem
from ecomm.rules.request import SPLIT_FORMAT, format_unit_speedtypes, parse_unit_speedtypes

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


# -- single values: each returns the canonical text or raises ValueError(what is wrong) ----
def _show(v: str) -> str:
    return repr(v if len(v) <= 60 else v[:57] + "...")


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY_RE = re.compile(r"\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?")
_LICENSE_RE = r"LN-\d+"
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


def parse_count(v: str) -> str:
    """A whole number, not negative (B10: seats purchased)."""
    t = v.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"\d{1,9}", t):
        raise ValueError(f"{_show(v)} is not a whole number of seats (e.g. 120)")
    return str(int(t))


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
    """An email address (ecomm.emails: no spaces or line breaks, one '@', a domain)."""
    return check_email(v)


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
        "count": parse_count,
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
        if col.kind == "license_number":
            ok = s.str.fullmatch(_LICENSE_RE, case=False).to_numpy(dtype=bool, na_value=False)
        else:
            ok = simple_email_mask(s).to_numpy(dtype=bool)
        out = (s.str.upper() if col.kind == "license_number" else s.str.lower()).mask(~ok | empty)
        for i in np.flatnonzero(~ok & ~empty):
            try:
                out.iloc[i] = fn(s.iloc[i])  # a rarer valid form (email-validator)
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
    err = first_error(err, implausible(s, col.name, col.kind))
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
        if col is None and len(raw.header) == 1 and (";" in head or "\t" in head):
            problems.append(problem(label, rank, 1, None, "the header is separated by "
                                    + ("';'" if ";" in head else "tabs")
                                    + "; the import format is comma-separated (save as 'CSV UTF-8')"))
        elif col is None:
            shown = head.strip() if head.strip().isprintable() else _show(head)
            problems.append(problem(label, rank, 1, shown,
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
    bad_key = pd.Series(False, index=lines.index)
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
        if name in spec.key:
            bad_key |= bad
        data[name] = out
    frame = pd.DataFrame(data, index=lines.index)
    problems += _row_checks(spec, label, rank, frame, lines, col_rank)
    problems += _duplicate_keys(spec, label, rank, frame, lines, bad_key)
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


def _duplicate_keys(spec, label, rank, frame, lines, bad_key: pd.Series) -> list[Problem]:
    """Each key appears once in a file (rows are upserted by their key); rows whose key has a
    bad cell are left out (that cell is reported already)."""
    keys = list(spec.key)
    if not all(k in frame or k in spec.nullable_key for k in keys):
        return []
    usable = ~bad_key
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
