"""Loading checked files into the database: all or nothing, upserted by key, audited (A4)."""
from __future__ import annotations

import pandas as pd

import json
from pathlib import Path
from typing import Callable

import pandas as pd

from ecomm.errors import EcommError
from ecomm.importer.columns import FILES_BY_NAME, FileSpec
from ecomm.importer.parse import ParsedTable, parse_sheet
from ecomm.importer.read import FILE_RANK, Problem, RawSheet, read_path, read_uploads
from ecomm.importer.report import FileReport, ImportRefused, ImportReport
from ecomm.storage import audit, open_requests
from ecomm.storage import imports as sql
from ecomm.storage.settings import load_policy

Progress = Callable[[str, float], None]


def import_path(store, path: str | Path, *, actor: str, progress: Progress | None = None) -> ImportReport:
    """Import a folder of CSV files (or one CSV file, or an .xlsx workbook) in the import format."""
    note = progress or _quiet
    note(f"Reading {path}", 0.0)
    sheets, problems = read_path(path)
    return _import(store, str(path), sheets, problems, actor=actor, progress=note)


def import_files(store, files: dict[str, bytes], *, actor: str,
                 progress: Progress | None = None) -> ImportReport:
    """Import uploaded files: CSV files by file name, or a single .xlsx workbook."""
    note = progress or _quiet
    note("Reading the uploaded files", 0.0)
    sheets, problems = read_uploads(files)
    return _import(store, ", ".join(Path(n).name for n in files), sheets, problems,
                   actor=actor, progress=note)


def _quiet(message: str, fraction: float) -> None:
    pass


def _check_request_rules(cur, table: ParsedTable, actor: str,
                         before: dict[str, dict] | None = None) -> list[Problem]:
    """requests.csv: "each is checked by the same rules as one made in the form"
    (import-format.md): every open (pending/held) request is judged by the form's rules as of
    its submitted_at (``ecomm.requests.check_imported_requests``). Called inside the import's
    transaction AFTER every file's rows are written (so contacts, courses, licenses and users
    of the same import count); any Problem returned refuses the whole import, naming the row
    (line) and column. With none, the requests take the form's effects at submission (cycle,
    C4: ``ecomm.requests.imported.check_and_take_effect``)."""
    from ecomm.requests.imported import check_and_take_effect

    lines = _request_lines(table)
    columns = [c.name for c in table.spec.columns]
    out = []
    for p in check_and_take_effect(cur, lines, label=table.label, actor=actor, before=before):
        col_rank = columns.index(p.column) if p.column in columns else len(columns)
        out.append(Problem(FILE_RANK["requests"], p.line, col_rank, p.text, table.label))
    return out


def _request_lines(table: ParsedTable) -> dict[str, int]:
    return {str(rid): int(line) for rid, line in zip(table.frame["request_id"],
                                                     table.frame["_line"])}


def _import(store, source: str, sheets: list[RawSheet], problems: list[Problem], *,
            actor: str, progress: Progress) -> ImportReport:
    if not sheets and not problems:
        raise EcommError(f"Nothing to import in {source}.")
    split_total = load_policy(store).unit_speedtype_split_total
    tables: list[ParsedTable] = []
    for i, raw in enumerate(sorted(sheets, key=lambda s: FILE_RANK[s.spec.name])):
        progress(f"Checking {raw.label} ({len(raw.cells):,} rows)", 0.1 + 0.4 * i / max(len(sheets), 1))
        table = parse_sheet(raw, split_total=split_total)
        tables.append(table)
        problems = problems + table.problems
    by_name = {t.spec.name: t for t in tables}

    def run(cur) -> ImportReport:
        found = list(problems)
        if "licenses" in by_name:   # P12 (rev 2): every license has a campus billing speedtype
            found += _p12_license_speedtypes(cur, by_name["licenses"], by_name)
        progress("Staging the checked rows", 0.5)
        for t in tables:
            sql.stage(cur, t.spec.name, t.frame,
                      [(c, t.spec.column(c).sql_type) for c in t.present])
        progress("Checking references between files and the database", 0.6)
        for t in tables:
            found += _reference_problems(cur, t, by_name)
        if found:
            _refuse(found)
        reports = []
        before = None
        if "requests" in by_name:   # what a request was before this import (not judged again)
            from ecomm.requests.imported import requests_before
            before = requests_before(cur, _request_lines(by_name["requests"]))
        for i, t in enumerate(tables):
            progress(f"Writing {t.label} into {t.spec.table}", 0.65 + 0.35 * i / len(tables))
            counts = sql.upsert(cur, t.spec.name, t.spec.table, list(t.spec.key), t.present,
                                t.spec.nullable_key)
            reports.append(FileReport(file=t.label, table=t.spec.table, rows=t.rows, **counts))
            audit.record(cur, actor=actor, action="import", entity=t.spec.table,
                         entity_id=t.label,
                         detail=json.dumps({"file": t.label, "rows": t.rows, **counts}))
        if "requests" in by_name:
            progress("Checking the imported requests", 0.99)
            rule_problems = _check_request_rules(cur, by_name["requests"], actor, before)
            if rule_problems:
                _refuse(rule_problems)  # rolls back everything written above
            open_requests.fill_missing(cur)  # P7, C5: imported waiting requests join the index
        _license_life(cur, by_name, actor)
        for t in tables:
            sql.drop_stage(cur, t.spec.name)
        return ImportReport(source=source, files=reports)

    report = store.write(run)
    progress("Import finished", 1.0)
    return report


def _license_life(cur, by_name: dict[str, ParsedTable], actor: str) -> None:
    """Rules revision 2 after the rows are written: P17, open requests name the submitting
    specialist or the campus's primary one and every license its campus's primary specialist
    (audited; a campus with no specialist at all is left); C7, the imported open requests that
    need the System team's preparation open their task."""
    from ecomm import system_tasks
    from ecomm.storage import specialists as p17

    if "requests" in by_name:
        ids = list(_request_lines(by_name["requests"]))
        p17.fill_missing_request_specialists(cur, ids)
        system_tasks.open_for_imported(cur, ids, actor=actor)
    filled = p17.fill_missing_specialists(cur)
    if filled:
        audit.record(cur, actor=actor, action="fill_specialists", entity="license",
                     after={"licenses": len(filled)},
                     detail=f"P17: {len(filled)} license(s) named no eComm specialist: each now "
                            "names its campus's primary specialist")


def _p12_license_speedtypes(cur, t: ParsedTable, by_name: dict[str, ParsedTable]
                            ) -> list[Problem]:
    """P12 (rev 2): an imported license without a campus billing speedtype takes its billing
    campus's default (reference kind campus_billing_speedtype: this import's, else the
    database's); with neither, its row is refused and named. Filled in the rows before they
    are staged, so importing the same files twice changes nothing."""
    defaults = {c: v for c, v in cur.execute(
        "SELECT campus, min(value) FROM reference_values WHERE kind = "
        "'campus_billing_speedtype' AND active GROUP BY campus").fetchall()}
    refs = by_name.get("reference")
    if refs is not None:
        f = refs.frame
        active = (f["active"] if "active" in f else pd.Series([None] * len(f), index=f.index))
        mine: dict[str, str] = {}
        for kind, campus, value, on in zip(f["kind"], f["campus"], f["value"], active):
            if kind == "campus_billing_speedtype" and str(on).lower() not in ("false", "0", "no"):
                mine[campus] = min(value, mine.get(campus, value))
        defaults.update(mine)
    frame = t.frame
    if "campus_speedtype" not in frame:
        frame["campus_speedtype"] = None
        t.present = [c.name for c in t.spec.columns
                     if c.name in t.present or c.name == "campus_speedtype"]
    billing = frame["billing_campus"] if "billing_campus" in frame else frame["affiliated_campus"]
    problems, filled = [], []
    col = [c.name for c in t.spec.columns].index("campus_speedtype")
    for number, line, own, bill, home in zip(frame["license_number"], frame["_line"],
                                             frame["campus_speedtype"], billing,
                                             frame["affiliated_campus"]):
        campus = bill if isinstance(bill, str) and bill.strip() else home
        if isinstance(own, str) and own.strip():
            filled.append(own)
        elif campus in defaults:
            filled.append(defaults[campus])
        else:
            filled.append(None)
            problems.append(Problem(
                FILE_RANK[t.spec.name], int(line), col,
                f"{t.label}:{int(line)} campus_speedtype: P12: {number} has no campus billing "
                f"speedtype and {campus} has no default (reference.csv kind "
                "campus_billing_speedtype): give one", t.label))
    frame["campus_speedtype"] = filled
    return problems


def _refuse(problems: list[Problem]) -> None:
    problems = sorted(problems)
    raise ImportRefused([p.text for p in problems], list(dict.fromkeys(p.label for p in problems)))


def _reference_problems(cur, t: ParsedTable, by_name: dict[str, ParsedTable]) -> list[Problem]:
    """A license's contact, an application's license, ...: in this import or in the database."""
    out = []
    for r in t.spec.refs:
        if r.column not in t.present:
            continue
        target: FileSpec = FILES_BY_NAME[r.target]
        staged = r.target if r.target in by_name and r.target_column in by_name[r.target].present else None
        missing = sql.missing_references(cur, t.spec.name, r.column, target_stage=staged,
                                         target_table=target.table, target_column=r.target_column)
        rank = FILE_RANK[t.spec.name]
        col_rank = [c.name for c in t.spec.columns].index(r.column)
        for line, value in missing:
            out.append(Problem(rank, line, col_rank,
                               f"{t.label}:{line} {r.column}: no {r.what} {value!r} in "
                               f"{target.file_name} or in the database", t.label))
    return out

