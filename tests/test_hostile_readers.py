"""Generated hostile JSON and YAML fed to every reader, under a time and memory budget.

Alias bombs, ``$ref`` chains, deep nesting, huge and odd scalars go to the
code-block reader (examples, schemas, ``:file:``), the OpenAPI reader and
``sphinx-plan import`` (the same reader serves ``plan-openapi``), ``diff
--openapi`` and the example checks. Each input ends, within the budget, in
JSON data (``json.dumps`` with ``allow_nan=False`` takes it) or in the
reader's one error class; never in another exception.

``PLAN_FUZZ_EXAMPLES`` sets the number of generated inputs per test (default 25).
"""

from __future__ import annotations

import json
import os
import string
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.importers.base import ImporterError
from sphinxcontrib_plan.importers.openapi import OpenApiError, load_document, read_openapi
from sphinxcontrib_plan.importers.openapi_plan import import_openapi
from sphinxcontrib_plan.model.api_checks import SchemaUse, Source, check_project
from sphinxcontrib_plan.model.codedata import DataError, load_data
from sphinxcontrib_plan.model.records import Example

if TYPE_CHECKING:
    from collections.abc import Iterator

HOSTILE = settings(
    max_examples=int(os.environ.get("PLAN_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
#: each reading's budget: CPU seconds (not wall time: the machine may be busy; memory
#: tracing slows the reading several times) and peak traced memory
SECONDS = 10.0
MEGABYTES = 100

#: YAML scalars that are not plain JSON: YAML 1.1's types, tags, oddities
ODD_SCALARS = [
    "2024-03-20T09:12:28Z",
    "2001-12-14 21:59:43.10 -5",
    "2024-01-01",
    "!!timestamp 2024-01-01",
    "!!binary aGVsbG8=",
    "!!binary '!!!'",
    "NO",
    "yes",
    "on",
    "Off",
    "~",
    "null",
    "0o17",
    "0x1F",
    "1_000",
    "1:20",
    "-.inf",
    ".NaN",
    ".inf",
    "!!float nan",
    "!!int x",
    "!!str 1",
    "1" * 5000,
    "-" + "9" * 4400,
    "1e999",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1, a: 2]",
    "!!python/object/apply:os.system ['true']",
    "!custom x",
    "'quoted'",
    '"\\u0000\\ud800"',
    "|\n  block",
    ">-\n  folded",
    "&anchor x",
    "*undefined",
    "{? [a, b]: c}",
    "{<<: {a: 1}, b: 2}",
    "[[[[[[[[[[",
    "{a: 1, a: 2}",
    "\t",
    "!!null ''",
]
#: JSON texts that are not plain data
ODD_JSON = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1" * 5000,
    '"\\ud800"',
    "1e999",
    "[1,]",
    "{}{}",
    '{"a": 1, "a": 2}',
    "\ufeff{}",
    "[" * 5000,
    "{" * 3000,
    "",
    "null",
]


def alias_bomb(levels: int, fan: int) -> str:
    names = string.ascii_lowercase
    lines = [f"{names[0]}: &{names[0]} [{', '.join(['lol'] * fan)}]"]
    lines += [
        f"{names[i]}: &{names[i]} [{', '.join([f'*{names[i - 1]}'] * fan)}]"
        for i in range(1, levels)
    ]
    return "\n".join(lines) + "\n"


def nested(depth: int, flow: str) -> str:
    if flow == "list":
        return "[" * depth + "]" * depth
    if flow == "map":
        return '{"a": ' * depth + "1" + "}" * depth
    return "".join(f"{'  ' * i}a:\n" for i in range(depth)) + "  " * depth + "1\n"


def ref_graph(count: int, fan: int, place: str) -> dict[str, object]:
    prefix = "#/components/schemas/" if place == "components" else f"#/{place}/"
    return {
        f"d{i}": {
            "type": "object",
            "properties": {f"p{j}": {"$ref": f"{prefix}d{min(i + 1, count)}"} for j in range(fan)},
        }
        for i in range(count)
    } | {f"d{count}": {"type": "string"}}


yaml_texts = st.one_of(
    st.builds(alias_bomb, st.integers(1, 12), st.integers(2, 12)),
    st.builds(nested, st.integers(1, 300), st.sampled_from(["list", "map", "block"])),
    st.lists(st.sampled_from(ODD_SCALARS), min_size=1, max_size=6).map(
        lambda values: "\n".join(f"k{i}: {v}" for i, v in enumerate(values)) + "\n"
    ),
    st.lists(st.sampled_from(ODD_SCALARS), min_size=1, max_size=6).map(
        lambda values: "\n".join(f"{v}: {i}" for i, v in enumerate(values)) + "\n"
    ),
    st.builds(
        lambda n, s: f"x: '{s * n}'\n", st.integers(0, 20_000), st.sampled_from("a\u00e9\U0001f600")
    ),
    st.text(max_size=200),
)
json_texts = st.one_of(
    st.sampled_from(ODD_JSON),
    st.builds(nested, st.integers(1, 3000), st.sampled_from(["list", "map"])),
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=30,
    ).map(json.dumps),
)


@contextmanager
def budget() -> Iterator[None]:
    tracemalloc.start()
    started = time.process_time()
    try:
        yield
    finally:
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert elapsed < SECONDS, f"took {elapsed:.1f} s of CPU"
        assert peak < MEGABYTES * 1024 * 1024, f"peaked at {peak / 1e6:.0f} MB"


def assert_json(data: object) -> None:
    json.dumps(data, allow_nan=False)  # raises on anything JSON cannot hold


def openapi_text(value_yaml: str) -> str:
    """An OpenAPI document whose schema, example and extension hold *value_yaml*."""
    body = "\n".join("      " + line for line in value_yaml.splitlines())
    return (
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\nx-value:\n" + body + "\n"
        "paths:\n  /x:\n    get:\n      responses:\n        '200':\n"
        "          description: ok\n          content:\n            application/json:\n"
        "              schema: {$ref: '#/x-value'}\n              example: {$ref: '#/x-value'}\n"
    )


@HOSTILE
@given(case=st.tuples(yaml_texts, st.just("yaml")) | st.tuples(json_texts, st.just("json")))
def test_code_block_reader(case):
    text, language = case
    note(text[:300])
    with budget():
        try:
            assert_json(load_data(text, language))
        except DataError:
            pass


@HOSTILE
@given(text=yaml_texts)
def test_openapi_reader_and_import(text):
    document = openapi_text(text)
    note(document[:300])
    with budget():
        try:
            doc = read_openapi(load_document(document))
        except OpenApiError:
            return
        assert_json([op.responses[0].content[0].schema for op in doc.operations])
        try:
            import_openapi(document, plan_id="p")
        except ImporterError:
            pass


@HOSTILE
@given(
    count=st.integers(1, 40),
    fan=st.integers(1, 4),
    place=st.sampled_from(["x-defs", "components", "paths"]),
)
def test_openapi_reader_ref_graphs(count, fan, place):
    defs = ref_graph(count, fan, place)
    prefix = "#/components/schemas/" if place == "components" else f"#/{place}/"
    data = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": f"{prefix}d0"}}},
                        }
                    }
                }
            }
        },
    }
    if place == "components":
        data["components"] = {"schemas": defs}
    elif place == "paths":
        data["paths"].update(defs)
    else:
        data[place] = defs
    with budget():
        try:
            doc = read_openapi(data)
            import_openapi(json.dumps(data), plan_id="p")
        except (OpenApiError, ImporterError):
            return
        assert_json(doc.schemas)


@HOSTILE
@given(text=yaml_texts | json_texts)
def test_example_checks(text):
    note(text[:300])
    schema = {"type": "object", "properties": {"a": {"type": "string", "format": "date-time"}}}
    use = SchemaUse(
        "event 'e'",
        Source("doc", 1),
        schema,
        examples=(Example("yaml", text, 3), Example("json", text, 9)),
    )
    with budget():
        for finding in check_project({}, [use]):
            assert finding.where.docname == "doc" and finding.where.line >= 3


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@HOSTILE
@given(text=yaml_texts)
def test_cli_import_and_diff_openapi(files, text, capsys):
    spec = files / "api.yaml"
    spec.write_text(openapi_text(text), encoding="utf-8")
    plan = files / "plan.json"
    plan.write_text('{"objects": []}', encoding="utf-8")
    out = files / "out.md"
    out.unlink(missing_ok=True)
    with budget():
        assert main(["import", str(spec), "-o", str(out), "-q"]) in (0, 2)
        assert main(["diff", str(plan), "--openapi", str(spec)]) in (0, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(
        line.startswith("sphinx-plan ") for line in err.splitlines()
    )
