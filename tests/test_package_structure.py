"""The package's shape: private names stay private and modules import without cycles.

Both checks read the source (``ast``), so they see imports inside functions too: a cycle
hidden behind a function-level import is still a cycle between the modules. Imports under
``if TYPE_CHECKING:`` are for annotations only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kotaku_gis

PACKAGE = Path(kotaku_gis.__file__).parent
ROOT = "kotaku_gis"

#: Private names still imported from public modules: each is to go (the test fails when one
#: no longer occurs, so that the list only shrinks). (importing module, source module, name)
PENDING_PRIVATE: set[tuple[str, str, str]] = set()
#: Imports that still close a cycle (importing module, imported module); likewise to go.
PENDING_EDGES: set[tuple[str, str]] = set()


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = [ROOT, *path.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


MODULES = _modules()


def _imports(name: str) -> list[tuple[str, str | None]]:
    """``(module, imported name or None)`` for every import of a kotaku_gis module in
    ``name``, outside ``if TYPE_CHECKING:`` blocks."""
    path, is_package = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source == ROOT or source.startswith(ROOT + "."):
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    found.append((sub, None) if sub in MODULES else (source, alias.name))
        elif isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if a.name.startswith(ROOT)]
    return found


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split(".")[1:])


def _private_imports() -> set[tuple[str, str, str]]:
    return {
        (name, source, imported)
        for name in MODULES
        for source, imported in _imports(name)
        if imported is not None
        and imported.startswith("_")
        and not imported.startswith("__")
        and not _is_private(source)
    }


def _graph() -> dict[str, set[str]]:
    # The package itself (kotaku_gis/__init__.py) gathers the public names from every
    # module; a module reading ``__version__`` from it is no dependency between modules.
    return {
        name: {s for s, _ in _imports(name) if s in MODULES and s not in (name, ROOT)}
        for name in MODULES
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each back edge of a depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_checks_see_what_they_look_for():
    # the engine's own modules are found, and so are imports inside functions
    assert "kotaku_gis._engine.claims" in MODULES
    assert ("kotaku_gis.distributed", None) in _imports("kotaku_gis.overlay")
    assert ("kotaku_gis._engine", "Works") in _imports("kotaku_gis.planning")
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _is_private("kotaku_gis._engine.claims") and not _is_private("kotaku_gis.overlay")


def test_no_module_imports_a_private_name_of_a_public_module():
    found = _private_imports()
    new = sorted(found - PENDING_PRIVATE)
    assert not new, (
        f"private names imported from public modules: {new}; give the name a public home "
        "(the engine's are in kotaku_gis._engine)"
    )
    gone = sorted(PENDING_PRIVATE - found)
    assert not gone, f"no longer imported, remove from PENDING_PRIVATE: {gone}"


def test_the_modules_import_one_another_without_a_cycle():
    graph = _graph()
    present = {(a, b) for a, targets in graph.items() for b in targets}
    gone = sorted(PENDING_EDGES - present)
    assert not gone, f"no longer imported, remove from PENDING_EDGES: {gone}"
    for a, b in PENDING_EDGES:
        graph[a].discard(b)
    cycles = _cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_engine_depends_on_no_public_module_that_uses_it():
    # overlay, distributed, allocation and planning build on the engine, never the reverse
    users = {f"kotaku_gis.{m}" for m in ("overlay", "distributed", "allocation", "planning")}
    graph = _graph()
    engine = {m for m in MODULES if m.startswith("kotaku_gis._engine")}
    reach = set()
    todo = list(engine)
    while todo:
        for nxt in graph[todo.pop()] - reach:
            reach.add(nxt)
            todo.append(nxt)
    assert not (reach & users)
    assert all(any(m.startswith("kotaku_gis._engine") for m in graph[u]) for u in users)
