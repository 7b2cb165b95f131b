"""Import in the import format (spec/import-format.md): a folder of CSV files or an XLSX
workbook, checked whole and loaded all or nothing.

    report = import_path(store, "data/in", actor="sys@cu.edu", progress=print_progress)
    report = import_files(store, {"contacts.csv": b"..."}, actor=email)

Bad rows raise ImportRefused (an EcommError) whose ``problems`` list every bad row as
``file:line column: what is wrong``; nothing is written.
"""
from ecomm.importer.load import import_files, import_path
from ecomm.importer.report import FileReport, ImportRefused, ImportReport

__all__ = ["import_path", "import_files", "ImportReport", "FileReport", "ImportRefused"]
