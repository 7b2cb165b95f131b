"""Data in and out (A2): an all-or-nothing import of the import format, and the whole database
exported in it, zipped."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.permissions import require_system


# -- data in and out (A2) --------------------------------------------------------------
def import_data(store, actor: Identity, files: dict[str, bytes],
                progress: Callable | None = None):
    """A2, A4: load uploaded CSV files or one XLSX workbook, all or nothing (import format).

    Raises ``ImportRefused`` listing every bad row; returns the importer's ImportReport."""
    require_system(actor, "import data")
    if not files:
        raise EcommError("Choose the CSV files or the XLSX workbook to import.")
    from ecomm import importer

    return importer.import_files(store, files, actor=actor.email, progress=progress)


def export_zip(store, actor: Identity) -> bytes:
    """A2: the whole database in the import format (a backup `import` reads back), zipped."""
    require_system(actor, "export the database")
    from ecomm import exporter

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        exporter.export_path(store, folder)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(folder).as_posix())
        return buf.getvalue()
