"""A small FY2027 organisation for the billing workflow tests (B2-B8): licenses at Boulder,
Denver and UCCS with July-batch, net-new and transfer applications, and the year's rates.

Expected January true-up (as of 2027-01-15), rates SF 41.67, MC 23.50, Cvent 12.25:
- Boulder SF+MC: LN-0002 Marketing Cloud Sep..Jun = 10 x 23.50 = 235.00
  (LN-0003's Salesforce is a transfer, P10: not billed unless the review corrects it)
- Boulder Cvent: LN-0001 Cvent Oct..Jun = 9 x 12.25 = 110.25
- Denver SF+MC: LN-0004 Salesforce Aug..Dec (removed Dec 10, B5) = 5 x 41.67 = 208.35
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ecomm.identity import Identity

FY = 2027
JAN_AS_OF = date(2027, 1, 15)
JULY_AS_OF = date(2026, 7, 20)
NOW = None  # services default to the clock

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam Rivera", role="system")
OTHER_SYSTEM = Identity(email="sky.system@cu.edu", name="Sky Ode", role="system")
MANAGER = Identity(email="morgan.manager@cu.edu", name="Morgan Lee", role="manager")
BOULDER = Identity(email="ecomm.boulder@colorado.edu", name="Priya Natarajan",
                   role="specialist", campus="Boulder", quiz_passed_on=date(2026, 3, 2))
DENVER = Identity(email="ecomm.denver@ucdenver.edu", name="Marcus Bell", role="specialist",
                  campus="Denver", quiz_passed_on=date(2026, 4, 1))

RATES = {"Salesforce": Decimal("41.67"), "Marketing Cloud": Decimal("23.50"),
         "Cvent": Decimal("12.25"), "Apsona": Decimal("0"), "Geopointe": Decimal("0")}

CONTACTS = [("C1", "Ada", "Lovelace"), ("C2", "Grace", "Hopper"), ("C3", "Alan", "Turing"),
            ("C4", "Edsger", "Dijkstra"), ("C5", "Barbara", "Liskov"), ("C6", "Ken", "Thompson")]
LICENSES = [  # number, contact, campus, profile, campus speedtype, unit speedtypes, replaces
    ("LN-0001", "C1", "Boulder", "Standard", "61000342", "61000342:20;61000530:80", None),
    ("LN-0002", "C2", "Boulder", "Standard", "61000342", None, None),
    ("LN-0003", "C3", "Boulder", "Standard", "61000999", None, "LN-0099"),
    ("LN-0004", "C4", "Denver", "Standard", "51000001", None, None),
    ("LN-0005", "C5", "Denver", "Chatter Free User", "51000001", None, None),
    ("LN-0006", "C6", "UCCS", "Standard", "71000001", None, None),
]
APPS = [  # license, application, provisioned, deprovisioned, net new
    ("LN-0001", "Salesforce", date(2022, 3, 1), None, False),
    ("LN-0001", "Cvent", date(2026, 10, 14), None, True),
    ("LN-0002", "Marketing Cloud", date(2026, 9, 3), None, True),
    ("LN-0003", "Salesforce", date(2026, 11, 5), None, False),
    ("LN-0004", "Salesforce", date(2026, 8, 4), date(2026, 12, 10), True),
    ("LN-0005", "Salesforce", date(2026, 7, 6), None, True),
    ("LN-0005", "Cvent", date(2026, 7, 6), None, True),
    ("LN-0006", "Cvent", date(2026, 7, 6), None, True),
    ("LN-0006", "Salesforce", date(2027, 2, 1), None, True),
]


def seed(store, *, rates: bool = True) -> None:
    """The organisation above (and the FY2027 rates unless ``rates`` is False)."""
    def fill(cur):
        cur.executemany("INSERT INTO contacts (contact_id, first_name, last_name) VALUES (?, ?, ?)",
                        [list(c) for c in CONTACTS])
        cur.executemany(
            "INSERT INTO licenses (license_number, contact_id, affiliated_campus, "
            "salesforce_profile, campus_speedtype, unit_speedtypes, replaces_license) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [list(x) for x in LICENSES])
        cur.executemany(
            "INSERT INTO license_apps (license_number, application, provisioned_on, "
            "deprovisioned_on, net_new) VALUES (?, ?, ?, ?, ?)", [list(a) for a in APPS])
        if rates:
            cur.executemany("INSERT INTO rates (fiscal_year, application, monthly_rate, is_demo) "
                            "VALUES (?, ?, ?, FALSE)", [[FY, a, r] for a, r in RATES.items()])
    store.write(fill)


def add_users(store) -> None:
    """The identities above as app users (for the pages and the CLI)."""
    people = [SYSTEM, OTHER_SYSTEM, MANAGER, BOULDER, DENVER]
    store.write(lambda cur: cur.executemany(
        "INSERT INTO app_users (email, name, role, campus, quiz_passed_on, active) "
        "VALUES (?, ?, ?, ?, ?, TRUE)",
        [[p.email, p.name, p.role, p.campus, p.quiz_passed_on] for p in people]))


def totals(invoices) -> dict[tuple[str, str], Decimal]:
    return {(i.campus, i.group): i.total for i in invoices}


def read_workbook(source) -> dict:
    """A written invoice workbook read back: {"summary": {campus: (status, lines, total)},
    "lines": {campus: [(license number, line total)]}, "frozen": {sheet: cell},
    "filters": {sheet: range}}; money as Decimal."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    out = {"sheets": wb.sheetnames, "summary": {}, "lines": {}, "frozen": {}, "filters": {},
           "formats": {}}
    summary = wb["Summary"]
    heads = [c.value for c in summary[5]]
    assert heads[:7] == ["Campus", "Campus billing speedtype", "Status", "Revision", "As of",
                         "Licenses", "Total"], heads
    for row in summary.iter_rows(min_row=6, values_only=True):
        if not row[0] or row[0] == "Total" or row[6] is None:
            continue
        out["summary"][row[0]] = (row[2], row[5], Decimal(str(row[6])))
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        head = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "License number")
        cols = [c.value for c in ws[head]]
        total_col = cols.index("Line total") + 1
        rows = []
        r = head + 1
        while ws.cell(row=r, column=1).value:
            rows.append((ws.cell(row=r, column=1).value,
                         Decimal(str(ws.cell(row=r, column=total_col).value))))
            out["formats"].setdefault(name, ws.cell(row=r, column=total_col).number_format)
            r += 1
        campus = ws.cell(row=1, column=2).value
        out["lines"][campus] = rows
        out["frozen"][name] = ws.freeze_panes
        out["filters"][name] = ws.auto_filter.ref
    return out


def stored_view(invoices, group: str) -> tuple[dict, dict]:
    """The stored invoices of one group as read_workbook's summary and lines."""
    from ecomm.billing.records import STATUS_LABEL

    chosen = [i for i in invoices if i.group == group]
    return ({i.campus: (STATUS_LABEL[i.status], len(i.lines), i.total) for i in chosen},
            {i.campus: [(ln.license_number, ln.line_total) for ln in i.lines] for i in chosen})
