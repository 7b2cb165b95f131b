"""Reading the two compliance files the System team imports (Q1 quiz passes, Q2 logins).

Same conventions as spec/import-format.md: UTF-8 (BOM allowed), header names matched ignoring
case, spaces and underscores, unknown columns refused, dates ``YYYY-MM-DD``, and every bad
row reported as ``file:line column: what is wrong``. Pure: the caller checks the rows against
the database (license exists, application held) with the same message format.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from ecomm import reference as ref
from ecomm.errors import EcommError

QUIZ_COLUMNS = ("license_number", "quiz_passed_on")
LOGIN_COLUMNS = ("license_number", "application", "last_login_on")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LICENSE = re.compile(r"^LN-\d+$")


class QuizPassRow(BaseModel):
    line: int
    license_number: str
    quiz_passed_on: date


class LoginRow(BaseModel):
    line: int
    license_number: str
    application: str
    last_login_on: date


def read_source(source: str | Path | bytes, filename: str | None = None) -> tuple[str, str]:
    """(file name for messages, text) from a path or uploaded bytes."""
    if isinstance(source, (bytes, bytearray)):
        raw, name = bytes(source), filename or "upload.csv"
    else:
        path = Path(source)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise EcommError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        name = filename or path.name
    try:
        return name, raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EcommError(f"{name} is not UTF-8 text: save it as 'CSV UTF-8' and try again.") from None


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\ufeff]+", "", text or "").lower()


def _rows(name: str, text: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise EcommError(f"{name} is empty.", [f"{name}:1: the header row is missing"]) from None
    wanted = {_header_key(c): c for c in columns}
    problems, index = [], {}
    for i, h in enumerate(header):
        h = h.replace("\ufeff", "").strip()
        col = wanted.get(_header_key(h))
        if col is None:
            if h:
                problems.append(f"{name}:1 {h}: unknown column (expected "
                                f"{', '.join(columns)})")
        elif col in index:
            problems.append(f"{name}:1 {col}: the column appears twice")
        else:
            index[col] = i
    for col in columns:
        if col not in index:
            problems.append(f"{name}:1 {col}: required column is missing")
    if problems:
        raise EcommError(f"{name} was not imported: its header has {len(problems)} problem(s).",
                         problems)
    out = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        out.append((reader.line_num, {c: (cells[i].strip() if i < len(cells) else "")
                                      for c, i in index.items()}))
    return out


def _date(value: str, where: str, problems: list[str]) -> date | None:
    if not value:
        problems.append(f"{where}: a date is required (YYYY-MM-DD)")
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (use YYYY-MM-DD)")
        return None


def _license(value: str, where: str, problems: list[str]) -> str | None:
    v = value.strip().upper()
    if not _LICENSE.match(v):
        problems.append(f"{where}: {value!r} is not a license number (like LN-0776)"
                        if value else f"{where}: a license number is required")
        return None
    return v


def parse_quiz_passes(name: str, text: str) -> list[QuizPassRow]:
    """Q1: rows of ``license_number,quiz_passed_on``; raises EcommError listing every bad row."""
    problems: list[str] = []
    out: list[QuizPassRow] = []
    seen: dict[str, tuple[int, date]] = {}
    for line, row in _rows(name, text, QUIZ_COLUMNS):
        ln = _license(row["license_number"], f"{name}:{line} license_number", problems)
        d = _date(row["quiz_passed_on"], f"{name}:{line} quiz_passed_on", problems)
        if ln is None or d is None:
            continue
        if ln in seen:
            if seen[ln][1] != d:
                problems.append(f"{name}:{line} quiz_passed_on: {ln} already has "
                                f"{seen[ln][1].isoformat()} on line {seen[ln][0]}")
            continue
        seen[ln] = (line, d)
        out.append(QuizPassRow(line=line, license_number=ln, quiz_passed_on=d))
    if problems:
        raise EcommError(f"{name} was not imported: {len(problems)} problem(s).", problems)
    return out


def parse_logins(name: str, text: str) -> list[LoginRow]:
    """Q2: rows of ``license_number,application,last_login_on``; every bad row is listed."""
    problems: list[str] = []
    out: list[LoginRow] = []
    seen: dict[tuple[str, str], tuple[int, date]] = {}
    for line, row in _rows(name, text, LOGIN_COLUMNS):
        ln = _license(row["license_number"], f"{name}:{line} license_number", problems)
        app = ref.canonical_choice(row["application"], ref.APPLICATIONS)
        if app is None:
            problems.append(f"{name}:{line} application: {row['application']!r} is not one of "
                            f"{', '.join(ref.APPLICATIONS)}")
        d = _date(row["last_login_on"], f"{name}:{line} last_login_on", problems)
        if ln is None or app is None or d is None:
            continue
        key = (ln, app)
        if key in seen:
            if seen[key][1] != d:
                problems.append(f"{name}:{line} last_login_on: {ln} {app} already has "
                                f"{seen[key][1].isoformat()} on line {seen[key][0]}")
            continue
        seen[key] = (line, d)
        out.append(LoginRow(line=line, license_number=ln, application=app, last_login_on=d))
    if problems:
        raise EcommError(f"{name} was not imported: {len(problems)} problem(s).", problems)
    return out
