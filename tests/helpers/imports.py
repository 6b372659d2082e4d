"""Every import of every module under a source root, read with `ast` (nothing is imported).

Imports inside functions count; those under `if TYPE_CHECKING:` do not, because they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    """One imported module, and the names taken from it (empty for `import x.y`)."""

    module: str
    names: tuple[str, ...] = ()
    line: int = 0


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk`, skipping the bodies of `if TYPE_CHECKING:` (their `else:` still runs)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other
                yield from _walk(other)
            continue
        yield child
        yield from _walk(child)


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join([*base, *([target] if target else [])])


def imports_of(root: Path, path: Path) -> list[Import]:
    """The imports `path` (a module under `root`) makes, relative ones made absolute."""
    module = module_name(root, path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, is_package, node.level, node.module)
            if target != "__future__":
                found.append(Import(target, tuple(a.name for a in node.names), node.lineno))
    return found


def import_table(root: Path, packages: Iterable[str]) -> dict[str, list[Import]]:
    """Module name -> its imports, for every module of `packages` under `root`."""
    table: dict[str, list[Import]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            table[module_name(root, path)] = imports_of(root, path)
    return table


def module_graph(table: dict[str, list[Import]], within: str) -> dict[str, set[str]]:
    """Edges between the modules of `within`: `from pkg import sub` leads to `pkg.sub` when that
    is a module, else to `pkg`."""
    inside = {name for name in table if name == within or name.startswith(within + ".")}
    graph: dict[str, set[str]] = {name: set() for name in inside}
    for name in inside:
        for imp in table[name]:
            targets = [f"{imp.module}.{n}" for n in imp.names if f"{imp.module}.{n}" in inside]
            if not targets or len(targets) < len(imp.names):
                targets.append(imp.module)
            graph[name].update(t for t in targets if t in inside and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def package_graph(graph: dict[str, set[str]], depth: int = 2) -> dict[str, set[str]]:
    """`graph` with each module replaced by its package `depth` names deep (`bot.render.words`
    becomes `bot.render`): the arrows between a package's rooms."""
    def room(name: str) -> str:
        return ".".join(name.split(".")[:depth])

    rooms: dict[str, set[str]] = {}
    for name, targets in graph.items():
        rooms.setdefault(room(name), set()).update(
            room(target) for target in targets if room(target) != room(name))
    return rooms
