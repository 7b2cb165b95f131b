"""Export: every table of the import format written to a folder as CSV files (spec/cli.md
`export`), a backup that `import` reads back. Importing the folder into an empty database and
exporting again gives byte-identical files."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecomm.clock import format_datetime
from ecomm.importer.columns import FILES, FileSpec
from ecomm.safe_export import interchange_csv_bytes
from ecomm.storage import imports as sql


def _format_datetimes(values: pd.Series) -> pd.Series:
    """Stored naive UTC as ISO 8601 America/Denver time with its offset."""
    present = values.dropna()
    if present.empty:
        return pd.Series("", index=values.index, dtype=object)
    texts = {v: format_datetime(pd.Timestamp(v).to_pydatetime()) for v in pd.unique(present)}
    return values.map(texts).fillna("")


def table_frame(store, spec: FileSpec) -> pd.DataFrame:
    """One file's rows as text cells in the import format, in key order."""
    columns = [(c.name, c.sql_type) for c in spec.columns]
    frame = sql.export_frame(store, spec.table, columns, list(spec.key))
    for c in spec.columns:
        if c.kind == "datetime":
            frame[c.name] = _format_datetimes(frame[c.name])
    return frame.astype(object).where(frame.notna(), "")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A file of the import format as written (``export`` and the backup): UTF-8, "\\n" line
    ends, no index column, cells as they are (ecomm.safe_export's interchange writer)."""
    return interchange_csv_bytes(frame)


def export_tables(store, folder: str | Path) -> list[tuple[Path, int]]:
    """Write every file of the format into ``folder`` (created if needed): (path, rows) each."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in FILES:
        frame = table_frame(store, spec)
        path = out / spec.file_name
        path.write_bytes(csv_bytes(frame))
        written.append((path, len(frame)))
    return written


def export_path(store, folder: str | Path) -> list[Path]:
    """Write every table of the import format into ``folder`` as CSV; returns the files written."""
    return [path for path, _ in export_tables(store, folder)]
