"""B4 spreadsheets: the fast path (the lines' rows written from columns on openpyxl's private row
writer, ecomm.billing.xlsx_rows) and openpyxl's public write-only API (``ws.append`` for every
row, ``PUBLIC_API_ONLY``) make the same workbooks, member by member of the xlsx file, as
canonical XML (openpyxl's own writer spells an empty cell ``<c ...></c>``, the fast path
``<c .../>``: the same element)."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from lxml import etree

from ecomm.billing import xlsx_rows
from ecomm.billing.invoice import build_invoices
from ecomm.billing.workbook import write_workbooks_bytes
from tests.unit.billing_factories import FY, POLICY, RATES, held, lic

AS_OF = date(2027, 1, 20)
NAMES = ["=HYPERLINK(\"http://x\",\"y\")", "-Minus Person", "@Sum Person", "  Leading space",
         "Trailing ", "Ünïcödé naïve café", "a & b <c> \"d\"", "#N/A", "Tab\tinside", "x\r\ny",
         "y" * 40_000, "]]>", "Ada Lovelace"]


def _invoices():
    licenses = []
    for n, name in enumerate(NAMES, start=1):
        apps = [held("Salesforce", date(2026, 9 + n % 4, 1 + n), net_new=True)]
        if n % 2:
            apps.append(held("Marketing Cloud", date(2026, 11, 1), date(2026, 12, n), net_new=True))
        if n % 3:
            apps.append(held("Cvent", date(2026, 8, 20), net_new=True))
        licenses.append(lic(f"LN-{n:04d}", *apps, name=name,
                            campus="Denver" if n % 4 == 0 else "Boulder",
                            speedtype=None if n == 5 else f"+6100{n:04d}",
                            units="61000342:20;61000530:80" if n % 5 == 0 else None))
    return build_invoices(licenses, RATES, POLICY, fiscal_year=FY, kind="january", as_of=AS_OF)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        out = {name: etree.tostring(etree.fromstring(z.read(name)), method="c14n")
               for name in z.namelist()}
    # the file's own creation time, written by openpyxl when it saves
    out["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"T",
                                      out["docProps/core.xml"])
    return out


@pytest.mark.parametrize("kind", ["january"])
def test_b4_fast_path_and_openpyxl_public_api_make_the_same_workbooks(monkeypatch, kind):
    invoices = _invoices()
    assert sum(len(i.lines) for i in invoices) == len(NAMES) + sum(
        1 for n in range(1, len(NAMES) + 1) if n % 3)   # each license on SF/MC, some on Cvent
    monkeypatch.setattr(xlsx_rows, "PUBLIC_API_ONLY", False)
    fast = write_workbooks_bytes(invoices, fiscal_year=FY, kind=kind)
    monkeypatch.setattr(xlsx_rows, "PUBLIC_API_ONLY", True)
    public = write_workbooks_bytes(invoices, fiscal_year=FY, kind=kind)
    assert list(fast) == list(public) and len(fast) == 2
    for name in fast:
        a, b = _members(fast[name]), _members(public[name])
        assert sorted(a) == sorted(b)
        for member in a:
            assert a[member] == b[member], (name, member)
        assert any(b"'=HYPERLINK" in v for v in a.values())   # neutralised in both


def test_b4_public_api_path_writes_no_private_writer(monkeypatch):
    """With PUBLIC_API_ONLY the sheet rows go through ``ws.append`` only: the private row writer
    is never touched (made to fail here)."""
    monkeypatch.setattr(xlsx_rows, "PUBLIC_API_ONLY", True)

    def refuse(*_a, **_k):
        raise AssertionError("private row writer used")

    monkeypatch.setattr(xlsx_rows._Rows, "__init__", refuse)
    books = write_workbooks_bytes(_invoices(), fiscal_year=FY, kind="january")
    assert len(books) == 2 and all(b[:2] == b"PK" for b in books.values())
