"""Bounds on what a zip file may expand to, checked BEFORE anything is decompressed: an XLSX
workbook (a zip of XML) on import and a backup zip on restore. A small file must not be able
to exhaust the memory (a "zip bomb": a few MB that expand to many GB).

Python's ``zipfile`` never returns more than a member's declared size (more is a CRC error), so
checking the declared sizes in the zip's directory bounds what is read.

The limits are far above real data: a backup of the 100x demo data set (250,000 contacts,
150,000 licenses) is a 39 MB zip that expands to 148 MB, its largest member 34 MB, no member
compressed more than 8 times; XML and CSV members of real files compress 5 to 15 times.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass

from ecomm.errors import EcommError

MiB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_member_bytes: int     # uncompressed size of any one member
    max_total_bytes: int      # uncompressed size of all members together
    max_ratio: int            # uncompressed / compressed size of a member ...
    ratio_free_bytes: int     # ... once it is larger than this (tiny members compress a lot)
    max_members: int


# An XLSX workbook of the import format: a few sheets of XML and shared strings.
XLSX_LIMITS = ZipLimits(max_member_bytes=512 * MiB, max_total_bytes=1024 * MiB, max_ratio=100,
                        ratio_free_bytes=1 * MiB, max_members=1_000)
# A backup zip: manifest, import-format CSVs, one parquet file per table, the uploaded files.
BACKUP_LIMITS = ZipLimits(max_member_bytes=2048 * MiB, max_total_bytes=8192 * MiB, max_ratio=100,
                          ratio_free_bytes=1 * MiB, max_members=200_000)


def _mb(n: int) -> str:
    return f"{n / MiB:,.1f} MB" if n >= MiB else f"{n:,} bytes"


def zip_problems(zf: zipfile.ZipFile, limits: ZipLimits) -> list[str]:
    """Every member that breaks a limit, as sentences (empty: the zip is within bounds)."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        return [f"it holds {len(infos):,} files; at most {limits.max_members:,} are read"]
    problems, total = [], 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > limits.ratio_free_bytes and size / packed > limits.max_ratio:
            problems.append(f"{info.filename}: expands {size / packed:,.0f} times (from "
                            f"{_mb(packed)} to {_mb(size)}); real data expands at most "
                            f"{limits.max_ratio} times, so this looks like a zip bomb")
        elif size > limits.max_member_bytes:
            problems.append(f"{info.filename}: expands to {_mb(size)}; at most "
                            f"{_mb(limits.max_member_bytes)} is read from one file")
    if total > limits.max_total_bytes:
        problems.append(f"its files expand to {_mb(total)} in all; at most "
                        f"{_mb(limits.max_total_bytes)} is read")
    return problems


def check_xlsx(label: str, data: bytes) -> None:
    """Refuse an XLSX whose members would expand beyond XLSX_LIMITS (before openpyxl)."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise EcommError(f"{label} cannot be read as an XLSX workbook (not a zip file: {exc}).") from exc
    with zf:
        problems = zip_problems(zf, XLSX_LIMITS)
    if problems:
        raise EcommError(f"{label} was not imported: it would expand far beyond what an "
                         "import-format workbook holds. Save the data as CSV files (or check "
                         "where the file came from) and import again.", problems)
