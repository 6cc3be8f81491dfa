"""The package layout's rules, checked on the source (``ast``, nothing is imported).

- no import cycle between parallax's modules;
- no private name (``_name``) imported from another package;
- no function or method over ``MAX_FUNCTION_LINES`` lines;
- imports only point down the layers (``LAYERS``, low to high): a module imports its own package and lower layers.

Every import counts, those inside functions too; only imports under ``if TYPE_CHECKING:`` are left out (they never
run). An edge goes from the importing module to the imported one: ``from pkg import name`` points at the submodule
``pkg.name`` when there is one, else at ``pkg`` itself (its ``__init__``). Each test lists every violation it finds.
"""

from __future__ import annotations

import ast
import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
TOP = "parallax"
MAX_FUNCTION_LINES = 80

# The base modules: the data model and what every stage shares. They form the lowest layer.
BASE = ("version", "errors", "extras", "days", "models", "codec", "resources", "settings", "tables", "processes")
# The packages, low to high; a tuple is one layer of sibling packages.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("sources",),
    ("extract",),
    ("annotate",),
    ("embed",),
    ("group",),
    ("compare",),
    ("report",),
    ("store",),
    ("engine",),
    ("web", "cli", "evaluation"),
)
# Imports between siblings of the top layer that are refused: (importer, imported).
FORBIDDEN_SIBLINGS = frozenset({("web", "cli")})
# The one module of the face (``parallax/__init__.py``) that others may import: the version.
FACE_ALLOWED = frozenset({f"{TOP}.version"})


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement's effect: ``importer`` depends on ``target`` (a parallax module) at ``line``.

    ``names`` are the names taken from ``source`` (the module a ``from ... import`` reads); empty for ``import``.
    """

    importer: str
    target: str
    source: str
    names: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module

    @property
    def package(self) -> str:
        """The package the module belongs to: itself for a package's ``__init__``, else its parent."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


@functools.cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted((ROOT / TOP).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, is_package, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under ``node``, at any depth, except the bodies of ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                if isinstance(other, (ast.Import, ast.ImportFrom)):
                    yield other
                else:
                    yield from _import_nodes(other)
        else:
            yield from _import_nodes(child)


def _known(name: str) -> str:
    """The longest prefix of the dotted ``name`` that is a parallax module."""
    parts = name.split(".")
    while parts and ".".join(parts) not in modules():
        parts.pop()
    return ".".join(parts)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.package.split(".")
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(module: Module) -> list[Import]:
    out = []
    for node in _import_nodes(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == TOP or alias.name.startswith(f"{TOP}."):
                    out.append(Import(module.name, _known(alias.name), alias.name, (), node.lineno))
            continue
        source = _absolute(module, node)
        if source != TOP and not source.startswith(f"{TOP}."):
            continue
        for alias in node.names:
            sub = f"{source}.{alias.name}"
            target = sub if sub in modules() else _known(source)
            out.append(Import(module.name, target, source, (alias.name,), node.lineno))
    return out


def _where(module: str, line: int) -> str:
    path = modules()[module].path.relative_to(ROOT.parent)
    return f"{path}:{line}"


# --- import cycles ------------------------------------------------------------------------------------------------


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for module in modules().values():
        for imp in imports(module):
            graph[module.name].add(imp.target)
    return graph


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components (Tarjan's algorithm, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(sorted(component))
    return out


def _cycle_through(start: str, members: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle from ``start`` back to itself inside ``members`` (breadth first)."""
    parent: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    return [start]


def cycle_violations() -> list[str]:
    graph = _graph()
    lines = {(i.importer, i.target): i.line for m in modules().values() for i in imports(m)}
    out = []
    for component in _components(graph):
        if len(component) == 1 and component[0] not in graph[component[0]]:
            continue
        cycle = _cycle_through(component[0], set(component), graph)
        steps = ", ".join(f"{a} -> {b} ({_where(a, lines[(a, b)])})" for a, b in itertools.pairwise(cycle))
        message = f"cycle {' -> '.join(cycle)}: {steps}"
        if len(component) > len(cycle) - 1:  # the knot is larger than this one cycle: name every edge inside it
            inside = [(a, b) for a in component for b in sorted(graph[a]) if b in component]
            message += "; every import inside this knot: " + ", ".join(
                f"{a} -> {b} ({_where(a, lines[(a, b)])})" for a, b in inside
            )
        out.append(message)
    return out


# --- private names ------------------------------------------------------------------------------------------------


def private_violations() -> list[str]:
    out = []
    for module in modules().values():
        for imp in imports(module):
            private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
            if not private:
                continue
            source = modules().get(imp.source)
            source_package = source.package if source is not None else imp.source.rpartition(".")[0]
            if source_package != module.package:
                out.append(
                    f"{module.name} imports private {', '.join(private)} from {imp.source} (another package) "
                    f"at {_where(module.name, imp.line)}"
                )
    return out


# --- long functions -------------------------------------------------------------------------------------------------


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{child.name}", child
            yield from _functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def long_function_violations() -> list[str]:
    out = []
    for module in modules().values():
        for name, func in _functions(module.tree):
            length = (func.end_lineno or func.lineno) - func.lineno + 1
            if length > MAX_FUNCTION_LINES:
                out.append(
                    f"{module.name}.{name} is {length} lines (over {MAX_FUNCTION_LINES}) "
                    f"at {_where(module.name, func.lineno)}"
                )
    return out


# --- layers ---------------------------------------------------------------------------------------------------------


def layer_of(module: str) -> tuple[int, str] | None:
    """``(rank, package)`` of a module: rank 0 for the base modules, then LAYERS' order; None when unplaced."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    if parts[1] in BASE:
        return 0, "base"
    for rank, layer in enumerate(LAYERS, 1):
        if parts[1] in layer:
            return rank, parts[1]
    return None


def _refused(importer: str, target: str) -> str | None:
    """Why ``importer`` may not import ``target``, or None when it may."""
    if importer == TOP:
        return None  # the package face gathers the public API from everywhere
    if target == TOP:
        return f"imports the package face {TOP} (take __version__ from {TOP}.version)"
    low, high = layer_of(importer), layer_of(target)
    if low is None:
        return f"{importer} is in no layer (add its package to LAYERS or BASE)"
    if high is None:
        return f"imports {target}, which is in no layer"
    if low[1] == high[1]:
        return None
    if (low[1], high[1]) in FORBIDDEN_SIBLINGS:
        return f"imports {target} ({low[1]} must not import {high[1]})"
    if high[0] > low[0] or (high[0] == low[0] and low[0] != len(LAYERS)):
        return f"imports {target}, a higher layer ({high[1]} is above {low[1]})"
    return None


def layer_violations() -> list[str]:
    out = []
    for module in modules().values():
        if layer_of(module.name) is None and module.name != TOP:
            out.append(f"{module.name} is in no layer (add its package to LAYERS or BASE)")
            continue
        for imp in imports(module):
            why = _refused(module.name, imp.target)
            if why is not None:
                out.append(f"{module.name} {why} at {_where(module.name, imp.line)}")
    return out


# --- the tests ------------------------------------------------------------------------------------------------------


def _report(title: str, violations: list[str]) -> str:
    return f"{len(violations)} {title}:\n" + "\n".join(f"  - {v}" for v in sorted(violations))


def test_the_sources_are_found() -> None:
    assert f"{TOP}.models" in modules()
    assert f"{TOP}.report.output" in modules()
    assert any(imports(m) for m in modules().values())


def test_no_import_cycles() -> None:
    violations = cycle_violations()
    assert not violations, _report("import cycles", violations)


def test_no_private_names_from_other_packages() -> None:
    violations = private_violations()
    assert not violations, _report("private names imported from another package", violations)


def test_no_long_functions() -> None:
    violations = long_function_violations()
    assert not violations, _report(f"functions over {MAX_FUNCTION_LINES} lines", violations)


def test_imports_follow_the_layers() -> None:
    violations = layer_violations()
    assert not violations, _report("imports against the layers", violations)


def test_imports_are_resolved() -> None:
    """Relative imports, submodules against objects, imports inside functions, TYPE_CHECKING left out."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ..models import Report\n"
        "from . import html, _private_helper\n"
        "from .json_form import to_dict\n"
        "import parallax.store.sql\n"
        "if TYPE_CHECKING:\n"
        "    from ..web import app\n"
        "else:\n"
        "    from ..store import open_store\n"
        "def f():\n"
        "    from .. import errors, __version__\n"
    )
    module = Module(f"{TOP}.report.fake", ROOT / TOP / "report" / "fake.py", False, ast.parse(source))
    found = [(i.target, i.names) for i in imports(module)]
    assert found == [
        (f"{TOP}.models", ("Report",)),
        (f"{TOP}.report.html", ("html",)),
        (f"{TOP}.report", ("_private_helper",)),
        (f"{TOP}.report.json_form", ("to_dict",)),
        (f"{TOP}.store.sql", ()),
        (f"{TOP}.store", ("open_store",)),
        (f"{TOP}.errors", ("errors",)),
        (TOP, ("__version__",)),
    ]
    package = Module(f"{TOP}.report", ROOT / TOP / "report" / "__init__.py", True, ast.parse("from .output import x"))
    assert [i.target for i in imports(package)] == [f"{TOP}.report.output"]


def test_the_checks_catch_what_they_should() -> None:
    """The rules themselves, on made-up cases: a rule that can never fire would pass forever."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    knots = [c for c in _components(graph) if len(c) > 1 or c[0] in graph[c[0]]]
    assert sorted(knots) == [["a", "b", "c"], ["d"]]
    assert _cycle_through("a", {"a", "b", "c"}, graph) == ["a", "b", "c", "a"]
    assert _cycle_through("d", {"d"}, graph) == ["d", "d"]
    assert _refused(f"{TOP}.report.html", f"{TOP}.store.sql") is not None
    assert _refused(f"{TOP}.web.pages", f"{TOP}.cli.main") is not None
    assert _refused(f"{TOP}.cli.main", f"{TOP}.web.app") is None
    assert _refused(f"{TOP}.sources.urls", f"{TOP}.sources.fetch") is None
    assert _refused(f"{TOP}.models", f"{TOP}.errors") is None
    assert _refused(f"{TOP}.models", f"{TOP}.sources.urls") is not None
    assert _refused(f"{TOP}.store.sql", TOP) is not None
    assert _refused(TOP, f"{TOP}.web.app") is None
