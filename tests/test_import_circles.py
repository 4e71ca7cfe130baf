"""No import circles among the project's own modules (sync/, reports/, main.py).

Every ``import``/``from ... import`` of a project module counts, wherever it stands: at the top,
inside a function, or under ``if TYPE_CHECKING:`` (a circle hidden from the interpreter is still
two modules that cannot be read or changed apart). Found by parsing (ast), not by importing.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sync", "reports")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = path
    if (root / "main.py").exists():
        found["main"] = root / "main.py"
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported dotted name lands in (``a.b.c`` -> ``a.b`` when ``c`` is a
    name inside module ``a.b``), or None when it is not the project's."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports the module pkg.mod when there is one
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            hit = _resolve(target, modules)
            if hit is not None and hit != name:
                found.add(hit)
    # a package's own __init__ is imported with any of its modules: not an edge worth a circle
    return {m for m in found if not name.startswith(m + ".")}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
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
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_circles() -> None:
    graph = import_graph()
    assert "sync.unattended.job" in graph and "reports" in {m.split(".")[0] for m in graph}
    found = circles(graph)
    assert not found, "import circles (each group imports itself through the others): " + \
        "; ".join(" <-> ".join(group) for group in found)


def test_finds_a_circle_even_under_type_checking(tmp_path: Path) -> None:
    """The detector itself: a circle through a TYPE_CHECKING import and a relative import."""
    pkg = tmp_path / "sync"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from sync.b import thing\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    from .c import other\nthing = 1\n")
    (pkg / "c.py").write_text("def f():\n    from sync import a\n")
    (pkg / "d.py").write_text("import sync.a\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "__init__.py").write_text("import sync.d\n")
    graph = import_graph(tmp_path)
    assert graph["sync.d"] == {"sync.a"}
    assert circles(graph) == [["sync.a", "sync.b", "sync.c"]]


def test_the_rules_import_neither_the_running_layer_nor_the_backends() -> None:
    """sync/rules/ are pure: they read what the unattended layer records (sync.rules.sent) but
    never import sync/unattended or sync/backends (docs/architecture.md)."""
    graph = import_graph()
    upward = sorted(f"{module} -> {target}" for module, targets in graph.items()
                    if module.startswith("sync.rules") for target in targets
                    if target.startswith(("sync.unattended", "sync.backends")))
    assert "sync.rules.views" in graph and "sync.rules.sent" in graph
    assert not upward, "rules importing the layers above them: " + "; ".join(upward)
