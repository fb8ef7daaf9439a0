"""The package's layers: no module imports a module of a higher layer.

Data flows one way (model → parse → store → resolve → render/export, wired by
``_setup``); the imports follow: a layer may use the layers below it, never
one above. Type-only imports (under ``TYPE_CHECKING``) count too, and so do
imports inside functions, since both tie one module to another.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sphinxcontrib_plan"

#: bottom to top; a module matches the first pattern that prefixes its dotted name
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("errors", "warnings", "_version")),
    ("model", ("model", "query")),
    ("config", ("config",)),
    ("resolve and store", ("resolve", "domain", "build_state")),
    ("render", ("render",)),
    ("parse, import and export", ("directives", "importers", "export", "diff", "fetch",
                                    "baselines", "revisions")),
    ("cli", ("cli",)),
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


def _imports(path: Path) -> set[str]:
    """Package modules imported by *path*, relative to the package."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if base == "sphinxcontrib_plan":
                found.update(alias.name for alias in node.names)
            elif base.startswith("sphinxcontrib_plan."):
                found.add(base.removeprefix("sphinxcontrib_plan."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("sphinxcontrib_plan.") for a in node.names
                         if a.name.startswith("sphinxcontrib_plan."))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    assert MODULES
    for path in MODULES:
        _layer(_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _name(p))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    importer = _name(path)
    rank = _layer(importer)
    higher = sorted(f"{name} ({LAYERS[_layer(name)][0]})" for name in _imports(path)
                    if _layer(name) > rank)
    assert not higher, f"{importer} ({LAYERS[rank][0]}) imports {', '.join(higher)}"


def test_the_walk_sees_imports() -> None:
    # guard against a walk that finds nothing and so passes everything
    assert "resolve" in _imports(PACKAGE / "_setup.py")
    assert "model.types" in _imports(PACKAGE / "config.py")
    assert _layer("render.collectors.risks") > _layer("model.severity")
