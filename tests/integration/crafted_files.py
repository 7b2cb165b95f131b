"""Crafted XLSX workbooks and zips for the import/restore hardening tests (issue 14)."""
from __future__ import annotations

import io
import re
import zipfile

import openpyxl

CONTACT_HEADER = ["contact_id", "last_name", "first_name", "employee_id", "ucb_email"]
CONTACT_ROWS = [["C-1", "Lopez", "Ana", "100001", "ana.lopez@colorado.edu"],
                ["C-2", "Nguyen", "Bao", "100002", "bao.nguyen@colorado.edu"]]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """An XLSX with these sheets (rows of values; a str starting with '=' is a formula)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def contacts_workbook() -> bytes:
    return workbook({"contacts": [CONTACT_HEADER, *CONTACT_ROWS]})


def rewrite(data: bytes, member: str, change) -> bytes:
    """The zip with ``member``'s text replaced by ``change(text)``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, content)
    return out.getvalue()


SHEET1 = "xl/worksheets/sheet1.xml"


def bad_shared_string(data: bytes) -> bytes:
    """The first shared-string cell points at string 999, which does not exist."""
    return rewrite(data, SHEET1, lambda x: re.sub(r'<c r="B2"[^>]*>.*?</c>',
                                                  '<c r="B2" t="s"><v>999</v></c>', x, count=1))


def bad_cell_reference(data: bytes) -> bytes:
    """Cell B2's reference is not a cell reference."""
    return rewrite(data, SHEET1, lambda x: x.replace('r="B2"', 'r="2B!"', 1))
