"""The package's layers: no module imports a module of a higher layer, and no
module imports itself through others (an import loop, inside a layer or not).

Data flows one way (model → parse → store → resolve → render/export, wired by
``_setup``); the imports follow: a layer may use the layers below it, never
one above. Type-only imports (under ``TYPE_CHECKING``) count too, and so do
imports inside functions, since both tie one module to another.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sphinxcontrib_plan"

#: bottom to top; a module matches the first pattern that prefixes its dotted name
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("errors", "warnings", "_version")),
    ("model", ("model", "query")),
    ("config", ("config",)),
    (
        "resolve and store",
        ("resolve", "resolve_refs", "resolve_pages", "domain", "domain_refs", "build_state"),
    ),
    ("render", ("render",)),
    (
        "parse, import and export",
        ("directives", "importers", "export", "diff", "fetch", "baselines", "revisions"),
    ),
    ("cli and the language server", ("cli", "lsp")),
    ("setup", ("_setup", "workers", "__init__", "__main__")),
]


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _layer(name: str) -> int:
    for rank, (_label, prefixes) in enumerate(LAYERS):
        if any(name == p or name.startswith(f"{p}.") for p in prefixes):
            return rank
    raise AssertionError(f"module {name!r} is in no layer; add it to LAYERS")


def _imports(path: Path, *, typing: bool = True) -> set[str]:
    """Package modules imported by *path*, relative to the package.

    ``from sphinxcontrib_plan.pkg import name`` counts as an import of the
    module ``pkg.name`` when there is one, else of ``pkg``.

    :param typing: whether imports under ``TYPE_CHECKING`` count
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if not typing:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if base == "sphinxcontrib_plan":
                found.update(alias.name for alias in node.names)
            elif base.startswith("sphinxcontrib_plan."):
                package = base.removeprefix("sphinxcontrib_plan.")
                for alias in node.names:
                    sub = f"{package}.{alias.name}"
                    found.add(sub if sub in _MODULE_NAMES else package)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("sphinxcontrib_plan.")
                for a in node.names
                if a.name.startswith("sphinxcontrib_plan.")
            )
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))
_MODULE_NAMES = {_name(path) for path in MODULES}


def test_every_module_has_a_layer() -> None:
    assert MODULES
    for path in MODULES:
        _layer(_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _name(p))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    importer = _name(path)
    rank = _layer(importer)
    higher = sorted(
        f"{name} ({LAYERS[_layer(name)][0]})" for name in _imports(path) if _layer(name) > rank
    )
    assert not higher, f"{importer} ({LAYERS[rank][0]}) imports {', '.join(higher)}"


def _import_loop(graph: dict[str, set[str]]) -> str | None:
    """An import loop of *graph* (module to the modules it imports), as text, or ``None``."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as err:
        loop = list(reversed(err.args[1]))
        layers = sorted({LAYERS[_layer(name)][0] for name in loop})
        return f"import loop ({', '.join(layers)}): {' -> '.join(loop)}"
    return None


def test_no_import_loop() -> None:
    """No module imports itself through others, inside a layer or across layers.

    Imports run when a module loads (at its top or in a function) count;
    type-only ones (under ``TYPE_CHECKING``) do not, as they never run.
    """
    graph = {
        _name(path): {n for n in _imports(path, typing=False) if n in _MODULE_NAMES}
        for path in MODULES
    }
    loop = _import_loop(graph)
    assert loop is None, loop


def test_the_loop_check_sees_a_loop_inside_a_layer(tmp_path: Path) -> None:
    # guard against a check that finds nothing and so passes everything
    (tmp_path / "a.py").write_text(
        "from typing import TYPE_CHECKING\nfrom sphinxcontrib_plan.model import ids\n"
        "if TYPE_CHECKING:\n    from sphinxcontrib_plan.model.types import Kind\n",
        encoding="utf-8",
    )
    (tmp_path / "b.py").write_text(
        "def f():\n    import sphinxcontrib_plan.model.fields\n", encoding="utf-8"
    )
    a, b = _imports(tmp_path / "a.py", typing=False), _imports(tmp_path / "b.py", typing=False)
    assert (a, b) == ({"model.ids"}, {"model.fields"})
    assert "model.types" in _imports(tmp_path / "a.py")
    loop = _import_loop({"model.ids": {"model.fields"}, "model.fields": {"model.ids"}})
    assert loop in (
        "import loop (model): model.ids -> model.fields -> model.ids",
        "import loop (model): model.fields -> model.ids -> model.fields",
    )


def test_the_walk_sees_imports() -> None:
    # guard against a walk that finds nothing and so passes everything
    assert "resolve" in _imports(PACKAGE / "_setup.py")
    assert "model.types" in _imports(PACKAGE / "config.py")
    assert _layer("render.collectors.risks") > _layer("model.severity")
