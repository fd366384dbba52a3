"""The import graph of the package: no cycles, stages import only stages below them, never the CLI.

Imports are read from the source with ``ast`` (top-level and inside functions; imports under
``if TYPE_CHECKING:`` are for type hints only and are not counted).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "corpusforge"

#: the layers, lowest first; a stage may import its own package and the stages below it. "base" and
#: "app" are not stages: anyone may import them (the cycle test keeps that honest); nobody imports "cli".
LAYERS = [
    "base",  # corpusforge/*.py except the application modules below: records, io, configbase, registry ...
    "store",
    "llm",
    "ingest",
    "corpus",
    "scale",  # engines running ingest and corpus (local, Ray)
    "quality",
    "generate",
    "review",
    "export",
    "kb",
    "train",
    "evaluate",
    "app",  # config.py, workspace.py, workspace_status.py: tie the stages together
    "cli",
]
APP_MODULES = {"config", "workspace", "workspace_status", "__main__"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modname: str, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for sub in node.body:
                for n in ast.walk(sub):
                    skip.add(id(n))
    out: set[str] = set()
    pkg = modname if path.name == "__init__.py" else modname.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("corpusforge")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("corpusforge"):
                # "from corpusforge.x import y" imports the submodule corpusforge.x.y when there is one
                subs = {f"{mod}.{a.name}" for a in node.names} & modules
                out |= subs if len(subs) == len(node.names) else subs | {mod}
    return out


def _graph() -> dict[str, set[str]]:
    mods = {_module_name(p): p for p in SRC.rglob("*.py")}
    names = set(mods)
    return {m: {i for i in _imports(p, m, names) if i in mods and i != m} for m, p in mods.items()}


def _layer(mod: str) -> str:
    parts = mod.split(".")
    if len(parts) == 1:
        return "base"
    if len(parts) == 2 and parts[1] in APP_MODULES:
        return "app"
    if len(parts) == 2 and not (SRC / parts[1]).is_dir():
        return "base"
    return parts[1]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_every_package_has_a_layer():
    for p in SRC.iterdir():
        if p.is_dir() and (p / "__init__.py").exists():
            assert p.name in LAYERS, f"package {p.name} is not in LAYERS"


def test_no_import_cycles():
    cycles = _cycles(_graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_stage_imports_a_stage_above_it_or_the_cli():
    rank = {name: i for i, name in enumerate(LAYERS)}
    bad = [
        f"{m} ({_layer(m)}) imports {i} ({_layer(i)})"
        for m, deps in _graph().items()
        for i in deps
        if rank[_layer(i)] > rank[_layer(m)]
        and (_layer(i) not in ("base", "app") or _layer(m) == "base")
        and not (m == "corpusforge.__main__" and i == "corpusforge.cli.app")
    ]
    assert not bad, "\n".join(sorted(bad))


def test_llm_is_below_the_stages_that_call_a_model():
    graph = _graph()
    users = {
        _layer(m) for m, deps in graph.items() for i in deps if _layer(i) == "llm" and _layer(m) != "llm"
    }
    assert {"generate", "quality", "kb", "evaluate"} <= users
    llm_deps = {_layer(i) for m, deps in graph.items() if _layer(m) == "llm" for i in deps}
    assert llm_deps <= {"base", "store", "llm"}, llm_deps


@pytest.mark.parametrize("needle", ["corpusforge.cli"])
def test_library_never_imports_the_cli(needle):
    bad = [
        m for m, deps in _graph().items() if _layer(m) != "cli" and any(d.startswith(needle) for d in deps)
    ]
    assert bad == ["corpusforge.__main__"], bad
