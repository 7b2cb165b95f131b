"""The one door to openpyxl's private row writer: the invoice lines' rows of a B4 workbook,
written from columns (the fast path), or through openpyxl's public write-only API.

Why a fast path: openpyxl's public write-only mode (``Workbook(write_only=True)``,
``WriteOnlyCell``, ``ws.append``) spends tens of microseconds per cell, and the 100x July
invoice has ~3 million cells: measured at 100x in benchmarks/notes.md ("B4 workbooks through
openpyxl's public API"), far over the 20 s target. So the lines are one frame of columns (read
from SQL: ecomm.storage.invoice_reads.invoice_lines_frame; or made from models) and each
column's cells are made at once: text by Arrow's string kernels, numbers (few distinct values)
once per distinct value. The rows' XML text goes into the sheet's file as it is (lxml parses it
only when some text is not XML at all, to refuse it as before): the same elements openpyxl
writes for these values (inline strings, numbers, style ids taken from openpyxl).

What is private here, and nothing else in ecomm/ touches it: ``ws._get_writer``,
``ws._writer`` (its ``xf`` generator, ``write_row``, ``out``), ``ws._values_to_row`` and
``ws._rows`` (openpyxl 3.1's ``WriteOnlyWorksheet``; openpyxl is pinned in requirements.txt
for them). ``PUBLIC_API_ONLY = True`` writes every row with ``ws.append`` instead:
tests/unit/test_workbook_public_api.py checks both paths make byte-identical workbooks, and
tests/unit/test_workbook_bulk.py checks the bulk rows equal openpyxl's own cell-by-cell XML.
"""
from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import LXML
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter

if LXML:
    from lxml import etree

# True: no private API at all, every row through ``ws.append`` (slow at scale: see above)
PUBLIC_API_ONLY = False

_CHUNK = 5000
_TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
_SIMPLE = "(?s)^[A-Za-z0-9](?:.*[A-Za-z0-9])?$"   # no edge spaces, no error code (RE2)
_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"   # openpyxl's ILLEGAL_CHARACTERS_RE (RE2)
_NOT_XML = "[\ufffe\uffff]"   # characters XML 1.0 cannot hold at all


def _xml_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _inner_xml(value: Any, style: str, checker: WriteOnlyCell) -> str | None:
    """A cell's XML after ``<c r="A1"``, as openpyxl writes it (None: no cell at all)."""
    if value is None:
        return f'{style} t="n"/>' if style else None
    if isinstance(value, str):
        value = checker.check_string(value)   # openpyxl's own check: length, illegal characters
        if value == "":
            return f'{style} t="inlineStr"/>'
        if value in ERROR_CODES:
            return f'{style} t="e"><v>{_xml_text(value)}</v></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{style} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'{style} t="b"><v>{safe_string(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'{style} t="n"><v>{safe_string(value)}</v></c>'
    raise TypeError(f"an invoice line holds a {type(value).__name__}, which the workbook cannot write")


def _value_width(value: Any) -> int:
    """``_Widths``' measure of one value."""
    if isinstance(value, str):
        return len(value) + 2
    text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
    return len(text) + (6 if isinstance(value, (int, float, Decimal)) else 2)


def _arrow(values: pd.Series | pa.Array | list) -> pa.Array:
    """Text as one Arrow string array (pandas' Arrow-backed text is not copied)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    if isinstance(values, pd.Series):
        values = values.array
    out = pa.array(values, type=pa.string(), from_pandas=True)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _series(values: pa.Array) -> pd.Series:
    return _arrow(values).to_pandas(types_mapper={pa.string(): _TEXT}.get)


def _per_distinct(values: pd.Series | pa.Array, make: Callable[[Any], str | None]) -> pa.Array:
    """``make`` of each value, called once per distinct value (missing values stay missing)."""
    if isinstance(values, pd.Series) and not (isinstance(values.dtype, pd.StringDtype)
                                              or values.dtype == object):
        array = pa.array(values.astype(object).where(values.notna(), None))  # integers
    else:
        array = pa.array(values, from_pandas=True) if isinstance(values, pd.Series) else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.dictionary_encode()
    made = _arrow([None if v is None else make(v) for v in encoded.dictionary.to_pylist()])
    return made.take(encoded.indices)



def append_rows(append, columns: list, n: int, styles: dict) -> None:
    """``n`` rows through openpyxl's public ``append``: column i's cells from ``columns[i]``,
    styled as ``styles[i]`` (a WriteOnlyCell reused for every row) where given."""
    values = [c.values() for c in columns]
    for r in range(n):
        row: list[Any] = []
        for i, col in enumerate(values):
            if i in styles:
                styles[i].value = col[r]
                row.append(styles[i])
            else:
                row.append(col[r])
        append(row)

class _Column:
    """One column of the lines: its cells' XML after ``<c r="A1"`` (null: no cell), its width
    (``_Widths``' measure, 0 when empty) and, for writers without lxml, its values."""

    def __init__(self, inner: pa.Array, width: int, values: Callable[[], list[Any]]) -> None:
        self.inner, self.width, self.values = inner, width, values

    @classmethod
    def text(cls, values: pd.Series | pa.Array, style: str, checker: WriteOnlyCell) -> "_Column":
        """Text (missing values: no cell), already neutralised. The usual text (starting and
        ending with a letter or digit, not too long) is escaped in bulk; any other value goes
        through ``_inner_xml`` once per distinct value."""
        text = _arrow(values)
        lengths = pc.utf8_length(text)
        longest = pc.max(lengths).as_py()
        simple = pc.fill_null(pc.and_(pc.match_substring_regex(text, _SIMPLE),
                                      pc.less_equal(lengths, 32767)), False)
        escaped = text
        for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
            escaped = pc.replace_substring(escaped, old, new)
        inner = pc.binary_join_element_wise(f'{style} t="inlineStr"><is><t>', escaped,
                                            "</t></is></c>", "")
        if pc.all(simple).as_py() is False:
            others = _per_distinct(pc.if_else(simple, pa.scalar(None, pa.string()), text),
                                   lambda v: _inner_xml(v, style, checker))
            inner = pc.if_else(simple, inner, others)
        return cls(inner, 0 if longest is None else longest + 2, text.to_pylist)

    @classmethod
    def numbers(cls, values: pd.Series | pa.Array, convert: Callable[[Any], Any], style: str,
                checker: WriteOnlyCell) -> "_Column":
        """Numbers (missing values: an empty styled cell), as ``convert`` makes them from the
        frame's values (e.g. Decimal from text), once per distinct value."""
        made: dict[Any, Any] = {}

        def cell(value: Any) -> str | None:
            made[value] = convert(value)
            return _inner_xml(made[value], style, checker)

        inner = _per_distinct(values, cell)
        if inner.null_count:
            inner = inner.fill_null(_inner_xml(None, style, checker))
        width = max((_value_width(v) for v in made.values()), default=0)
        plain = values.to_pylist() if isinstance(values, pa.Array) else [
            None if pd.isna(v) else v for v in values]
        return cls(inner, width, lambda: [None if v is None else made[v] for v in plain])


def _refuse_illegal(texts: list[pd.Series | pa.Array], checker: WriteOnlyCell) -> None:
    """openpyxl refuses characters a workbook cannot hold: so do we, naming the first such value
    (rows in order, columns left to right)."""
    texts = [_arrow(t) for t in texts]
    found = [pc.index(pc.fill_null(pc.match_substring_regex(t, _ILLEGAL), False), True).as_py()
             for t in texts]
    rows = [r for r in found if r >= 0]
    if rows:
        first = min(rows)
        for t in texts:
            v = t[first].as_py()
            if isinstance(v, str):
                checker.check_string(v)


def _xml_safe(texts: list[pd.Series | pa.Array]) -> bool:
    """No text XML 1.0 cannot hold at all (U+FFFE, U+FFFF): the rows may be
    written as text; otherwise lxml parses them (and refuses them, as before)."""
    return not any(pc.any(pc.match_substring_regex(_arrow(t), _NOT_XML)).as_py() for t in texts)


class _Rows:
    """The rows of a write-only sheet, written in order: ``append`` a row of values or cells
    (openpyxl's own row writer), ``bulk`` the lines' rows from their columns.

    openpyxl's ``WriteOnlyWorksheet.append`` sends each row through a generator to the same
    ``write_row``; this does what that generator does (``_write_rows``, openpyxl 3.1) so that
    bulk rows can go into the same ``sheetData`` element. Bulk rows are made as XML text; with
    ``as_text`` they go into the sheet's file as they are (a marker comment is written in their
    place and replaced when the sheet is closed: ``_rows_of``), else lxml parses them."""

    def __init__(self, ws: Any, xf: Any) -> None:
        self.ws, self.xf, self.row = ws, xf, 1
        self.pending: dict[bytes, list[str]] = {}

    def append(self, values: list[Any]) -> None:
        self.ws._writer.write_row(self.xf, self.ws._values_to_row(values, self.row), self.row)
        self.row += 1

    def bulk(self, columns: list[_Column], n: int, styles: dict[int, WriteOnlyCell], *,
             as_text: bool = True) -> None:
        """``n`` rows, column i's cells from ``columns[i]`` (styled as ``styles[i]``)."""
        if n == 0:
            return
        if not LXML:   # openpyxl writes with et_xmlfile: row by row
            append_rows(self.append, columns, n, styles)
            return
        numbers = pa.array(np.arange(self.row, self.row + n).astype(str), type=pa.string())
        parts: list[Any] = ['<row r="', numbers, '">']
        for i, col in enumerate(columns):
            cell = pc.binary_join_element_wise('<c r="', get_column_letter(i + 1), numbers, '"',
                                               col.inner, "")
            parts.append(pc.fill_null(cell, ""))
        parts.append("</row>")
        rows = pc.binary_join_element_wise(*parts, "").to_pylist()
        self.row += n
        if as_text:
            marker = f"ecomm-bulk-rows-{len(self.pending)}-{id(self)}"
            self.xf.write(etree.Comment(marker))
            self.pending[f"<!--{marker}-->".encode()] = rows
            return
        for at in range(0, n, _CHUNK):
            xml = f"<sheetData>{''.join(rows[at:at + _CHUNK])}</sheetData>".encode()
            for el in etree.fromstring(xml):
                self.xf.write(el)

    def splice(self, path: str) -> None:
        """Put the bulk rows written as text in place of their markers in the sheet's file."""
        if not self.pending:
            return
        with open(path, "rb") as f:
            xml = f.read()
        with open(path, "wb") as f:
            for marker, rows in self.pending.items():
                before, xml = xml.split(marker, 1)
                f.write(before)
                for at in range(0, len(rows), _CHUNK):
                    f.write("".join(rows[at:at + _CHUNK]).encode())
            f.write(xml)
        self.pending.clear()



class _PublicRows:
    """``_Rows``' interface on openpyxl's public write-only API: every row through ``ws.append``
    (the lines' rows from their columns' values, styled cells reused per column)."""

    def __init__(self, ws: Any) -> None:
        self.ws, self.row = ws, 1

    def append(self, values: list[Any]) -> None:
        self.ws.append(values)
        self.row += 1

    def bulk(self, columns: list[_Column], n: int, styles: dict[int, WriteOnlyCell], *,
             as_text: bool = True) -> None:
        append_rows(self.append, columns, n, styles)


@contextmanager
def _rows_of(ws: Any) -> Iterator[_Rows | _PublicRows]:
    """Write a write-only sheet's rows (set widths, frozen panes and the filter before): the
    sheet is closed after them (``save`` then only zips it)."""
    if PUBLIC_API_ONLY:
        yield _PublicRows(ws)
        return
    ws._get_writer()
    xf = ws._writer.xf.send(True)
    with xf.element("sheetData"):
        rows = _Rows(ws, xf)
        yield rows
    ws._writer.xf.send(None)
    ws._rows = (row for row in ())   # rows written: ``close`` only writes the tail
    ws.close()
    rows.splice(ws._writer.out)

