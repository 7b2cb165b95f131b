"""Layers (docs/architecture.md): pages call services only, and storage is only SQL.

Read with ``ast`` (no page is imported): a page or app.py that imports ``ecomm.storage`` in any
form, or a storage module that imports streamlit, fails here with the file and line."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]
STORAGE = sorted((ROOT / "ecomm" / "storage").glob("*.py"))


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every module a file imports, anywhere in it (functions too);
    ``from a import b`` counts as both ``a`` and ``a.b``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def offending(paths: list[Path], package: str) -> list[str]:
    return [f"{p.name}:{line} imports {name}"
            for p in paths for line, name in imported_modules(p)
            if name == package or name.startswith(package + ".")]


def test_no_page_imports_storage():
    assert len(PAGES) > 10  # the glob found the pages
    assert offending(PAGES, "ecomm.storage") == [], "pages call services in ecomm/, not storage"


def test_storage_does_not_import_streamlit():
    assert len(STORAGE) > 10
    assert offending(STORAGE, "streamlit") == []


def test_the_check_sees_every_form_of_import(tmp_path):
    """The test above can fail: each way of importing storage is caught."""
    forms = ["import ecomm.storage", "import ecomm.storage.db as x", "from ecomm import storage",
             "from ecomm.storage import Store", "from ecomm.storage.settings import load_policy",
             "def f():\n    from ecomm.storage import compliance"]
    for i, form in enumerate(forms):
        page = tmp_path / f"page_{i}.py"
        page.write_text(form + "\n")
        assert offending([page], "ecomm.storage"), form
    fine = tmp_path / "fine.py"
    fine.write_text("from ecomm import ui\nimport ecomm.storage_notes\nfrom ecomm.policy import x\n")
    assert offending([fine], "ecomm.storage") == []
