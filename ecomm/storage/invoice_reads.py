"""SQL reads of stored billing records (B6, B8): invoices with their lines and events, the
net-new candidates of a true-up with their reviews, and the captures. ``reader`` is the Store
or a ``CursorReader`` over a write transaction (so a run sees its own rows)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from ecomm import reference as ref
from ecomm.billing.models import Charge, InvoiceLine
from ecomm.billing.proration import true_up_window
from ecomm.billing.records import InvoiceEvent, NetNewCandidate, ReviewStatus, StoredInvoice
from ecomm.gc_pause import gc_paused
from ecomm.storage.billing_reads import INVOICE_CAMPUS_SQL

_INVOICE_COLS = ("invoice_id, fiscal_year, kind, campus, invoice_group, revision, "
                 "corrects_invoice_id, status, as_of, campus_speedtype, other_campus_speedtypes, "
                 "created_at, created_by, note")


def _lines(rows: list[tuple]) -> dict[str, list[InvoiceLine]]:
    """B4: the stored lines, by invoice. Each column's JSON is parsed in one ``json.loads``;
    the models are validated as before, with the garbage collector paused."""
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    if not rows:
        return lines
    held_all = json.loads("[" + ",".join(r[3] for r in rows) + "]")
    charges_all = json.loads("[" + ",".join(r[4] for r in rows) + "]")
    with gc_paused():
        for (iid, number, name, _, _, units, campus_st), held, charges in zip(rows, held_all,
                                                                               charges_all):
            built = [Charge(application=c["application"], monthly_rate=Decimal(c["monthly_rate"]),
                            months=c["months"],
                            provisioned_on=date.fromisoformat(c["provisioned_on"])
                            if c.get("provisioned_on") else None, note=c.get("note") or "")
                     for c in charges]
            lines[iid].append(InvoiceLine(license_number=number, user_name=name,
                                          licenses_held=held, charges=built,
                                          campus_speedtype=campus_st, unit_speedtypes=units))
    return lines


def _invoices(reader, where: str, params: list) -> list[StoredInvoice]:
    heads = reader.query_dicts(
        f"SELECT {_INVOICE_COLS} FROM invoices i WHERE {where} "
        "ORDER BY fiscal_year, kind, campus, invoice_group, revision", params)
    if not heads:
        return []
    ids = [h["invoice_id"] for h in heads]
    lines = _lines(reader.query(
        "SELECT invoice_id, license_number, user_name, licenses_held, charges, "
        "unit_speedtypes, campus_speedtype FROM invoice_lines "
        f"WHERE invoice_id IN ({', '.join('?' for _ in ids)}) ORDER BY invoice_id, line_no", ids))
    out = []
    for h in heads:
        h["group"] = h.pop("invoice_group")
        h["other_campus_speedtypes"] = list(h["other_campus_speedtypes"] or [])
        out.append(StoredInvoice(**h, lines=lines.get(h["invoice_id"], [])))
    groups = list(ref.INVOICE_GROUPS)  # Salesforce with Marketing Cloud first, as in B4
    return sorted(out, key=lambda i: (i.fiscal_year, i.kind, i.campus, groups.index(i.group),
                                      i.revision))


def load_invoices(reader, *, fiscal_year: int | None = None, kind: str | None = None,
                  campuses: list[str] | None = None, latest_only: bool = True) -> list[StoredInvoice]:
    """B8: stored invoices (with lines), by run and campus; ``latest_only``: the highest
    revision of each (fiscal year, kind, campus, group)."""
    where, params = ["TRUE"], []
    if fiscal_year is not None:
        where.append("fiscal_year = ?")
        params.append(fiscal_year)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if campuses is not None:
        if not campuses:
            return []
        where.append(f"campus IN ({', '.join('?' for _ in campuses)})")
        params += list(campuses)
    if latest_only:
        where.append("revision = (SELECT max(revision) FROM invoices j WHERE j.fiscal_year = "
                     "i.fiscal_year AND j.kind = i.kind AND j.campus = i.campus AND "
                     "j.invoice_group = i.invoice_group)")
    return _invoices(reader, " AND ".join(where), params)


def load_invoice(reader, invoice_id: str) -> StoredInvoice | None:
    """B8: one stored invoice with its lines, or None."""
    found = _invoices(reader, "invoice_id = ?", [invoice_id])
    return found[0] if found else None


def latest_revision(reader, fiscal_year: int, kind: str, campus: str, group: str) -> int:
    """B8: the highest revision stored for an invoice's identity (0 when none)."""
    return int(reader.query_value(
        "SELECT coalesce(max(revision), 0) FROM invoices WHERE fiscal_year = ? AND kind = ? "
        "AND campus = ? AND invoice_group = ?", [fiscal_year, kind, campus, group]))


def load_events(reader, invoice_id: str) -> list[InvoiceEvent]:
    """B8/A4: an invoice's workflow steps, oldest first."""
    return [InvoiceEvent(**r) for r in reader.query_dicts(
        "SELECT invoice_id, happened_at, status, actor, note FROM invoice_events "
        "WHERE invoice_id = ? ORDER BY happened_at, rowid", [invoice_id])]


def invoice_runs(reader) -> list[tuple[int, str]]:
    """B8: the (fiscal year, kind) runs that have stored invoices, newest first."""
    return [(int(fy), k) for fy, k in reader.query(
        "SELECT DISTINCT fiscal_year, kind FROM invoices ORDER BY fiscal_year DESC, kind")]


# -- net-new review (B6) ---------------------------------------------------------------------
def load_candidates(reader, fiscal_year: int, kind: str, *, campus: str | None = None,
                    license_number: str | None = None, application: str | None = None,
                    provisioned_on: date | None = None) -> list[NetNewCandidate]:
    """B6: applications provisioned in the true-up's window, by invoice campus, with their review."""
    start, end = true_up_window(fiscal_year, kind)
    where, params = "", [fiscal_year, kind, start, end]
    for col, val in ((INVOICE_CAMPUS_SQL, campus), ("a.license_number", license_number),
                     ("a.application", application), ("a.provisioned_on", provisioned_on)):
        if val is not None:
            where += f" AND {col} = ?"
            params.append(val)
    rows = reader.query_dicts(
        f"SELECT {INVOICE_CAMPUS_SQL} AS campus, a.license_number, a.application, "
        "a.provisioned_on, a.deprovisioned_on, a.net_new AS flagged_net_new, l.replaces_license, "
        "trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) AS user_name, "
        "r.decision, r.net_new AS reviewed_net_new, r.reason, r.reviewed_by, r.reviewed_at "
        "FROM license_apps a JOIN licenses l ON l.license_number = a.license_number "
        "LEFT JOIN contacts c ON c.contact_id = l.contact_id "
        "LEFT JOIN net_new_reviews r ON r.fiscal_year = ? AND r.kind = ? "
        "  AND r.license_number = a.license_number AND r.application = a.application "
        "  AND r.provisioned_on = a.provisioned_on "
        "WHERE a.provisioned_on BETWEEN ? AND ?" + where +
        " ORDER BY campus, a.provisioned_on, a.license_number, a.application", params)
    out = []
    for r in rows:
        reviewed = r.pop("reviewed_net_new")
        out.append(NetNewCandidate(
            fiscal_year=fiscal_year, kind=kind, **{**r, "user_name": r["user_name"] or ""},
            net_new=r["flagged_net_new"] if reviewed is None else reviewed))
    return out


def net_new_overrides(reader, fiscal_year: int, kind: str) -> dict[tuple[str, str, date], bool]:
    """B6: {(license, application, provisioned on): net new} as reviewed for the true-up."""
    return {(ln, app, on): bool(nn) for ln, app, on, nn in reader.query(
        "SELECT license_number, application, provisioned_on, net_new FROM net_new_reviews "
        "WHERE fiscal_year = ? AND kind = ?", [fiscal_year, kind])}


def load_captures(reader, fiscal_year: int, kind: str) -> dict[str, dict]:
    """B6: {campus: {captured_at, captured_by}} of the true-up's captured lists."""
    return {r.pop("campus"): r for r in reader.query_dicts(
        "SELECT campus, captured_at, captured_by FROM net_new_captures "
        "WHERE fiscal_year = ? AND kind = ?", [fiscal_year, kind])}


def review_statuses(reader, fiscal_year: int, kind: str,
                    campuses: list[str]) -> list[ReviewStatus]:
    """B6: per campus: candidates, reviewed, corrected and whether the list is captured."""
    by_campus = {c: ReviewStatus(campus=c) for c in campuses}
    for cand in load_candidates(reader, fiscal_year, kind):
        st = by_campus.get(cand.campus)
        if st is None:
            continue
        st.candidates += 1
        st.reviewed += cand.decision is not None
        st.corrected += cand.decision == "correct"
    for campus, cap in load_captures(reader, fiscal_year, kind).items():
        if campus in by_campus:
            by_campus[campus].captured_at = cap["captured_at"]
            by_campus[campus].captured_by = cap["captured_by"]
    return list(by_campus.values())


# -- the run's spreadsheets (B4): columns, not models ----------------------------------------
# The applications of the invoice groups, in the spreadsheets' order; the lines frame has
# three columns per application (see ``invoice_lines_frame``).
LINE_APPS: tuple[str, ...] = tuple(app for apps in ref.INVOICE_GROUPS.values() for app in apps)
LINE_FRAME_COLUMNS: tuple[str, ...] = (
    "invoice_id", "license_number", "user_name", "licenses_held",
    *(f"{what}:{app}" for app in LINE_APPS
      for what in ("rate", "months", "charged", "provisioned")),
    "line_total", "campus_speedtype", "unit_speedtypes", "notes")
_CHARGE_TYPE = ('[{"application": "VARCHAR", "monthly_rate": "VARCHAR", "months": "INTEGER", '
                '"provisioned_on": "VARCHAR", "note": "VARCHAR"}]')


def invoice_lines_frame(reader, invoice_ids: list[str]):
    """B4: the lines of these invoices as ONE pandas frame, in line order, for the spreadsheets.

    Columns (``LINE_FRAME_COLUMNS``): invoice_id, license_number, user_name, licenses_held ('; '-joined), then for each
    application of ``LINE_APPS``: ``rate:{app}`` (its first charge's monthly rate, as stored),
    ``months:{app}`` (months summed) and ``charged:{app}`` ('rate*months' of each of its charges,
    space-separated; the amount is their sum) and ``provisioned:{app}`` (the distinct days its
    charges were provisioned on, '2026-10-01', sorted and '; '-joined; null when none is
    recorded: the true-up sheets show it beside the prorated months), all null when the line
    has no such charge; then
    line_total (stored, as text), campus_speedtype ('' when none), unit_speedtypes (as stored)
    and notes ('{application}: {note}' of the charges with a note, first of each, '; '-joined).
    Text is as stored (not neutralised): the workbook makes the cells."""
    per_app, params = [], {}
    for i, app in enumerate(LINE_APPS):
        params[f"app{i}"] = app
        mine = f"list_filter(cs, lambda c: c.application = $app{i})"
        per_app.append(
            f"{mine}[1].monthly_rate AS rate{i}, "
            f"CAST(list_sum(list_transform({mine}, lambda c: c.months)) AS INTEGER) AS months{i}, "
            f"CASE WHEN len({mine}) > 0 THEN array_to_string(list_transform({mine}, "
            f"lambda c: c.monthly_rate || '*' || c.months), ' ') END AS charged{i}, "
            f"nullif(array_to_string(list_sort(list_distinct(list_filter(list_transform({mine}, "
            f"lambda c: c.provisioned_on), lambda d: d IS NOT NULL))), '; '), '') "
            f"AS provisioned{i}")
    names = list(LINE_FRAME_COLUMNS)
    if not invoice_ids:
        return pd.DataFrame({n: pd.Series([], dtype="Int32" if n.startswith("months:") else "str")
                             for n in names})
    ids = {f"id{i}": iid for i, iid in enumerate(invoice_ids)}
    # The charges' JSON repeats (a few thousand distinct values for 160,000 lines): it is
    # parsed once per distinct value, and so are the licenses held.
    sql = (
        "WITH l AS (SELECT * FROM invoice_lines "
        f"          WHERE invoice_id IN ({', '.join('$' + k for k in ids)})), "
        "held AS (SELECT licenses_held, "
        "         array_to_string(from_json(licenses_held, '[\"VARCHAR\"]'), '; ') AS held_text "
        "         FROM (SELECT DISTINCT licenses_held FROM l)), "
        "parsed AS (SELECT charges, json_transform(charges, "
        f"          '{_CHARGE_TYPE}') AS cs FROM (SELECT DISTINCT charges FROM l)), "
        "noted AS (SELECT *, list_transform(list_filter(cs, lambda c: coalesce(c.note, '') <> ''), "
        "                    lambda c: c.application || ': ' || c.note) AS notes FROM parsed), "
        f"charged AS (SELECT charges, {', '.join(per_app)}, "
        "            array_to_string(list_filter(notes, lambda n, i: list_position(notes, n) = i), "
        "                            '; ') AS notes_text FROM noted) "
        "SELECT l.invoice_id, l.license_number, l.user_name, held.held_text, "
        + ", ".join(f"charged.rate{i}, charged.months{i}, charged.charged{i}, "
                    f"charged.provisioned{i}"
                    for i in range(len(LINE_APPS))) +
        ", CAST(l.line_total AS VARCHAR), coalesce(l.campus_speedtype, ''), l.unit_speedtypes, "
        "charged.notes_text "
        "FROM l JOIN held USING (licenses_held) JOIN charged USING (charges) "
        "ORDER BY l.invoice_id, l.line_no")
    with reader.cursor() as cur:   # Arrow to pandas: the text columns are not copied
        table = cur.sql(sql, params={**params, **ids}).to_arrow_table()
    text = pd.StringDtype("pyarrow", na_value=float("nan"))
    frame = table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text,
                                          pa.string_view(): text, pa.int32(): pd.Int32Dtype()}.get)
    frame.columns = names
    return frame
