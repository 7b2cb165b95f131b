"""What an import did (ImportReport), or why it was refused (ImportRefused)."""
from __future__ import annotations

from pydantic import BaseModel

from ecomm.errors import EcommError

MAX_LISTED_PROBLEMS = 1000


class FileReport(BaseModel):
    file: str          # contacts.csv, or the sheet name in a workbook
    table: str
    rows: int          # data rows read (blank lines not counted)
    inserted: int
    updated: int
    unchanged: int


class ImportReport(BaseModel):
    source: str
    files: list[FileReport]

    @property
    def inserted(self) -> int:
        return sum(f.inserted for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    def file(self, name: str) -> FileReport:
        """The report of one file (``contacts.csv`` or ``contacts``)."""
        for f in self.files:
            if f.file == name or f.file.removesuffix(".csv") == name.removesuffix(".csv"):
                return f
        raise KeyError(name)

    def summary_lines(self) -> list[str]:
        """An aligned table for people: one line per file and a total."""
        head = ("file", "rows", "inserted", "updated", "unchanged")
        body = [(f.file, f.rows, f.inserted, f.updated, f.unchanged) for f in self.files]
        body.append(("total", self.rows, self.inserted, self.updated, self.unchanged))
        width = max(len(str(r[0])) for r in [head, *body])
        fmt = "{:<%d}  {:>8}  {:>8}  {:>8}  {:>9}" % width
        return [fmt.format(*head)] + [fmt.format(*r) for r in body]


def problems_heading(total: int, shown: int) -> str:
    """How many problems an import found and how many a list shows, in words, e.g.
    "50,000 problems found; the first 1,000 are shown"."""
    noun = "problem" if total == 1 else "problems"
    if shown >= total:
        return f"{total:,} {noun} found" + ("" if total == 1 else ", all shown")
    return f"{total:,} {noun} found; the first {shown:,} are shown"


class ImportRefused(EcommError):
    """An import with bad rows: nothing was written; ``problems`` lists every bad row
    as ``file:line column: what is wrong`` (past 1,000, the rest are counted);
    ``all_problems`` keeps every one of them and ``total`` their number."""

    def __init__(self, problems: list[str], files: list[str]):
        self.total = len(problems)
        self.all_problems = list(problems)
        listed = problems[:MAX_LISTED_PROBLEMS]
        if self.total > MAX_LISTED_PROBLEMS:
            listed.append(f"... and {self.total - MAX_LISTED_PROBLEMS:,} more problems not listed")
        noun = "problem" if self.total == 1 else "problems"
        super().__init__(
            f"The import was refused: {self.total:,} {noun} in {', '.join(files)}. "
            "Nothing was loaded; correct the rows below and import again.", listed)
