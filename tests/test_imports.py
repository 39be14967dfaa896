"""No import circles: between modules (imports inside functions too), and between packages; and no upward import.

Imports under ``if TYPE_CHECKING:`` are for the type checker only and are
not counted (the model's mechanisms name ``DingxiModel`` so). A package is a
sub-package of qdsim (``qdsim.scenario``) or a top-level module (``qdsim.api``).
Every package sits in one of the layers of docs/architecture.md (:data:`LAYERS`)
and imports only from its own layer and the layers below.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def modules() -> dict[str, Path]:
    out = {}
    for p in (SRC / "qdsim").rglob("*.py"):
        parts = p.relative_to(SRC).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The qdsim modules ``name`` imports, anywhere in the file (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for b in node.body for n in ast.walk(b)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            out |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
    return {m for m in out if m in known and m != name}


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_no_module_imports_itself_through_others():
    assert circles(graph()) == []


def package(m: str) -> str:
    return ".".join(m.split(".")[:2])


def package_graph() -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for m, deps in graph().items():
        packages.setdefault(package(m), set()).update(package(d) for d in deps if package(d) != package(m))
    return packages


def test_no_package_circle():
    assert circles(package_graph()) == []


#: the layers of docs/architecture.md, from the bottom: a package imports only from its own layer and those below
LAYERS: list[tuple[str, set[str]]] = [
    # what the rest is about, as data: the catalogue, the metrics, the number formatter, the scenario files and the levers;
    # and the package's root (InputError, __version__, the shortcuts qdsim.load and qdsim.parameters)
    ("foundation", {"qdsim.foundation", "qdsim.scenario", "qdsim"}),
    ("model", {"qdsim.model"}),
    ("results", {"qdsim.results"}),  # a year book → metrics → summary, cost, attribution; a run's folder and identity
    ("run", {"qdsim.simulation", "qdsim.pipeline", "qdsim.registry", "qdsim.batch", "qdsim.calibration"}),
    ("presentation", {"qdsim.presentation"}),
    ("entry points", {"qdsim.api", "qdsim.validate", "qdsim.cli", "qdsim.commands", "qdsim.app", "qdsim.brief",
                      "qdsim.ema", "qdsim.sensitivity", "qdsim.docs"}),
]


def upward(packages: dict[str, set[str]], layers: list[tuple[str, set[str]]]) -> list[str]:
    """Every import of a package from a higher layer, as ``importer -> imported``."""
    level = {p: i for i, (_, members) in enumerate(layers) for p in members}
    return sorted(f"{p} -> {d}" for p, deps in packages.items() for d in deps if level[d] > level[p])


def test_every_package_has_a_layer():
    placed = [p for _, members in LAYERS for p in members]
    assert len(placed) == len(set(placed))
    assert set(package_graph()) == set(placed), "a new package: put it in its layer here and in docs/architecture.md"


def test_no_package_imports_from_a_layer_above_it():
    assert upward(package_graph(), LAYERS) == []


def test_the_foundation_imports_nothing_else_of_qdsim():
    """Every layer may use it, so it uses none: the catalogue, the metrics, the formatter, the units, the errors."""
    assert package_graph()["qdsim.foundation"] == set()


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for m in graph.get(todo.pop(), ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def test_the_api_and_the_pipeline_do_not_import_the_registry():
    """The run registry is a sink handed in by the command line, the app or the batch engine (issue 22 §3)."""
    g = graph()
    assert "qdsim.registry.store" in g
    starts = [m for m in g if m == "qdsim.api" or m.split(".")[:2] == ["qdsim", "pipeline"]]
    assert len(starts) >= 4
    for name in starts:
        assert not {m for m in reachable(g, name) if m.split(".")[:2] == ["qdsim", "registry"]}, name


def test_the_check_finds_a_circle():
    assert upward({"a": {"b"}, "b": {"c"}, "c": set()}, [("low", {"a"}), ("mid", {"b"}), ("high", {"c"})]) == ["a -> b", "b -> c"]
    assert upward({"a": set(), "b": {"a"}, "c": {"a", "b"}}, [("low", {"a", "b"}), ("high", {"c"})]) == []
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert circles({"a": {"b"}, "b": set()}) == []
    assert reachable({"a": {"b"}, "b": {"c"}, "d": {"a"}}, "a") == {"b", "c"}
