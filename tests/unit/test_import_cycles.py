"""No import cycles between the packages of ecomm/: the import graph of its packages (a folder
such as ``ecomm.billing``, or a loose module such as ``ecomm.seats``) read with ``ast`` (every
import, those inside functions too; not those under ``if TYPE_CHECKING:``) has no cycle.

KNOWN lists the few package imports that still close a cycle, each with the move that would
remove it; the graph without them must have no cycle, and each must still exist (remove it
from KNOWN once its move is made). A new cycle fails with its packages and the files whose
imports make it."""
from __future__ import annotations

import ast
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ECOMM = ROOT / "ecomm"

# (importer, imported): why it is still there, and the move that removes it
KNOWN = {
    ("ecomm.storage", "ecomm.billing"):
        "storage's billing reads and writes (billing_reads, billing_writes, invoice_reads, "
        "b5_chain_sql, reports) build billing's models: move those queries into billing/ (and "
        "the reports into dashboard/), as issue 15 item 1 plans",
    ("ecomm.storage", "ecomm.notifications"):
        "storage/notifications.py renders notifications' templates into its models, "
        "storage/compliance.py queues the outbox, a migration seeds the templates: move the "
        "outbox's queries into notifications/",
    ("ecomm.notifications", "ecomm.mywork"):
        "notifications/work.py (the daily My work digest) reads ecomm.mywork, which reads "
        "billing, which queues notifications: move the digest up beside the jobs",
    ("ecomm.notifications", "ecomm.june_review"):
        "notifications/rev2.py composes the Q5 June review messages: move it up beside the jobs",
    ("ecomm.notifications", "ecomm.seats"):
        "notifications/rev2.py composes the B10 seat messages: move it up beside the jobs",
}


def _unit(module: str, root: Path) -> str | None:
    """The package of ``ecomm.x.y``: ``ecomm.x`` (a folder or a loose module), else None."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "ecomm":
        return None
    if (root / parts[1]).is_dir() or (root / f"{parts[1]}.py").exists():
        return f"ecomm.{parts[1]}"
    return None


def _imports(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    """The modules ``tree`` imports (``from a import b`` gives a and a.b), skipping
    ``if TYPE_CHECKING:`` blocks."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append(name)
            found.extend(f"{name}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@lru_cache(maxsize=4)
def package_imports(root: Path = ECOMM) -> dict[tuple[str, str], set[str]]:
    """{(importer package, imported package): the importer's files that import it}."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        source = _unit(module, root)
        if source is None:
            continue
        for name in _imports(ast.parse(path.read_text(encoding="utf-8")), module, is_package):
            target = _unit(name, root)
            if target is not None and target != source:
                edges[(source, target)].add(str(path.relative_to(root.parent)))
    return edges


def cycles(edges) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def test_cycles_finds_a_cycle_and_only_a_cycle():
    assert cycles({("a", "b"): set(), ("b", "c"): set(), ("c", "a"): set(), ("c", "d"): set()}) \
        == [["a", "b", "c"]]
    assert cycles({("a", "b"): set(), ("b", "c"): set(), ("a", "c"): set()}) == []


def test_package_imports_reads_relative_function_level_and_skips_type_checking(tmp_path):
    pkg = tmp_path / "ecomm"
    (pkg / "one").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "one" / "__init__.py").write_text("from . import a\n")
    (pkg / "one" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ecomm import three\n"
        "def f():\n    from ecomm.two import x\n")
    (pkg / "two.py").write_text("from ecomm.one.a import f\n")
    (pkg / "three.py").write_text("")
    edges = package_imports(pkg)
    assert set(edges) == {("ecomm.one", "ecomm.two"), ("ecomm.two", "ecomm.one")}
    assert cycles(edges) == [["ecomm.one", "ecomm.two"]]


def test_no_import_cycles_between_packages():
    edges = package_imports()
    assert ("ecomm.billing", "ecomm.storage") in edges   # the graph is read at all
    left = {e: files for e, files in edges.items() if e not in KNOWN}
    found = cycles(left)
    detail = [f"{a} -> {b}: {', '.join(sorted(files))}"
              for group in found for (a, b), files in sorted(left.items())
              if a in group and b in group]
    assert not found, ("import cycle between packages: " + "; ".join(" / ".join(g) for g in found)
                       + "\n" + "\n".join(detail))


def test_known_cycle_imports_still_exist():
    """A known import that is gone is removed from KNOWN, so that it cannot come back."""
    edges = package_imports()
    assert [e for e in KNOWN if e not in edges] == []
