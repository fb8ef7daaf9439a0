"""The one JSON/YAML and OpenAPI reader, through the paths a user takes: builds,
``sphinx-plan import`` and ``sphinx-plan diff --openapi``.

YAML's own values (timestamps, dates, binary, integer keys) arrive as JSON
values everywhere; hostile inputs (alias bombs, ``$ref`` chains, deep
nesting, ``/dev/zero``) end in one clear message, fast and in little memory.
"""

from __future__ import annotations

import json
import os
import string
import time
from pathlib import Path

import pytest
from conftest import load_plan_json, plan_warnings
from sphinx.util.console import strip_colors

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.model.limits import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_REF_VALUES

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
    'myst_enable_extensions = ["colon_fence"]\nproject = "P"\nplan_openapi = True\n'
    "plan_asyncapi = True\n"
)

#: the plan of issue 22: an unquoted timestamp in a schema's example
INVOICE = """\
# Billing

:::{plan} Billing
:id: B
:::

::::{plan-schema} Invoice
```yaml
type: object
properties:
  issued: {type: string, format: date-time, example: 2024-03-20T09:12:28Z}
  due: {type: string, format: date, default: 2024-04-01}
```
::::
"""


def alias_bomb(levels: int) -> str:
    """A "billion laughs" OpenAPI document: each level nine aliases of the one before."""
    names = string.ascii_lowercase
    lines = [
        "openapi: 3.0.0",
        "info: {title: bomb, version: '1'}",
        "x-bomb:",
        f"  {names[0]}: &{names[0]} [lol,lol,lol,lol,lol,lol,lol,lol,lol]",
    ]
    lines += [
        f"  {names[i]}: &{names[i]} [{','.join([f'*{names[i - 1]}'] * 9)}]"
        for i in range(1, levels)
    ]
    lines += [
        "paths:",
        "  /x:",
        "    get:",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content:",
        "            application/json:",
        f"              example: *{names[levels - 1]}",
    ]
    return "\n".join(lines) + "\n"


def ref_chain(pairs: int, place: str = "x-defs") -> str:
    """A document whose schema is a chain of *pairs* schemas, each referring twice to the next."""
    prefix = "#/components/schemas/" if place == "components" else f"#/{place}/"
    lines = [
        "openapi: 3.0.0",
        "info: {title: chain, version: '1'}",
        "paths:",
        "  /x:",
        "    get:",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content:",
        "            application/json:",
        f"              schema: {{$ref: '{prefix}d0'}}",
    ]
    lines += ["components:", "  schemas:"] if place == "components" else [f"{place}:"]
    indent = "    " if place == "components" else "  "
    lines += [
        f"{indent}d{i}: {{type: object, properties: {{a: {{$ref: '{prefix}d{i + 1}'}}, "
        f"b: {{$ref: '{prefix}d{i + 1}'}}}}}}"
        for i in range(pairs)
    ]
    lines.append(f"{indent}d{pairs}: {{type: string}}")
    return "\n".join(lines) + "\n"


def project(tmp_path: Path, index: str, **files: str) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text(index, encoding="utf-8")
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def run_import(tmp_path: Path, capsys, text: str, name: str = "api.yaml") -> tuple[int, str, str]:
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    code = main(["import", str(spec), "-o", str(tmp_path / "out.md"), "-q"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_timestamp_in_a_schema_builds_and_exports(make_app, tmp_path):
    app = make_app("html", srcdir=project(tmp_path, INVOICE), freshenv=True)
    app.build()
    assert plan_warnings(app) == []
    schema = next(o for o in load_plan_json(app)["objects"] if o["type"] == "schema")
    issued = json.dumps(schema)
    assert '"2024-03-20T09:12:28Z"' in issued and '"2024-04-01"' in issued
    openapi = json.loads((Path(app.outdir) / "openapi.json").read_text(encoding="utf-8"))
    properties = openapi["components"]["schemas"]["Invoice"]["properties"]
    assert properties["issued"]["example"] == "2024-03-20T09:12:28Z"
    assert properties["due"]["default"] == "2024-04-01"


def test_import_carries_yaml_values_as_json(tmp_path, capsys):
    spec = """\
openapi: 3.0.3
info: {title: Dates, version: 2024-01-02}
paths:
  /events:
    get:
      parameters:
      - {name: since, in: query, schema: {type: string, format: date, default: 2024-01-01}}
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {at: {type: string, example: 2024-03-20T09:12:28Z}}}
              example: {at: 2024-03-20T09:12:28Z, flag: NO, raw: !!binary aGVsbG8=}
"""
    code, out, err = run_import(tmp_path, capsys, spec)
    assert (code, err) == (0, "")
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "plan-response} 200 OK" in text
    assert '"at": "2024-03-20T09:12:28Z"' in text and '"flag": false' in text
    assert '"raw": "aGVsbG8="' in text and "- '2024-03-20T09:12:28Z'" in text
    assert ":query: since:string(date)=2024-01-01" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\nx-n: .nan\n",
            "not JSON data: '.nan' has no JSON form (line 4, column 6)",
        ),
        (
            "openapi: 3.0.0\nx: &a [*a]\n",
            "not JSON data: the alias *a is inside the value it names (a cycle) (line 2, column 8)",
        ),
        (
            "openapi: 3.0.0\n" + "x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
            f"nested more than {MAX_DEPTH} levels deep (line 2, column {MAX_DEPTH + 3})",
        ),
    ],
)
def test_values_without_json_form_are_one_line_errors(tmp_path, capsys, text, message):
    code, _, err = run_import(tmp_path, capsys, text)
    assert code == 2
    assert err == f"sphinx-plan import: error: {str(tmp_path / 'api.yaml')!r}: {message}\n"


def test_alias_bomb_is_refused_fast(tmp_path, capsys):
    started = time.perf_counter()
    code, _, err = run_import(tmp_path, capsys, alias_bomb(9))
    assert code == 2 and time.perf_counter() - started < 5
    assert f"too large: its aliases expand to more than {MAX_ALIAS_VALUES:,} values" in err
    assert not (tmp_path / "out.md").exists()


def test_aliases_within_the_limit_are_read(tmp_path, capsys):
    code, _, err = run_import(tmp_path, capsys, alias_bomb(3))  # 729 values
    assert (code, err) == (0, "")
    assert (tmp_path / "out.md").read_text(encoding="utf-8").count('"lol"') == 729


def test_ref_chain_outside_components_is_refused_fast(tmp_path, capsys):
    started = time.perf_counter()
    code, _, err = run_import(tmp_path, capsys, ref_chain(26))
    assert code == 2 and time.perf_counter() - started < 5
    assert f"copy in more than {MAX_REF_VALUES:,} schemas (the limit)" in err


def test_ref_chain_in_components_stays_references(tmp_path, capsys):
    started = time.perf_counter()
    code, _, err = run_import(tmp_path, capsys, ref_chain(26, "components"))
    assert (code, err) == (0, "") and time.perf_counter() - started < 5
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert text.count("plan-schema}") == 27


def test_diff_openapi_reads_a_schema_chain_fast(tmp_path, capsys):
    """The diff's own resolver took 25 s on 21 chained schemas; the shared reader keeps them."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"objects": []}), encoding="utf-8")
    spec = tmp_path / "api.yaml"
    spec.write_text(ref_chain(21, "components"), encoding="utf-8")
    started = time.perf_counter()
    code = main(["diff", str(plan), "--openapi", str(spec), "--format", "json"])
    assert code == 0 and time.perf_counter() - started < 5
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["signature"] for f in found] == ["GET /x"]


@pytest.mark.parametrize("text", [alias_bomb(9), ref_chain(26)])
def test_diff_openapi_refuses_bombs(tmp_path, capsys, text):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"objects": []}), encoding="utf-8")
    spec = tmp_path / "api.yaml"
    spec.write_text(text, encoding="utf-8")
    assert main(["diff", str(plan), "--openapi", str(spec)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sphinx-plan diff: error: {str(spec)!r}") and "too large" in err
    assert err.count("\n") == 1


def test_swagger_2_is_read_by_import_and_diff(tmp_path, capsys):
    spec = {
        "swagger": "2.0",
        "info": {"title": "Old", "version": "1"},
        "basePath": "/v1",
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key", "in": "header"}},
        "definitions": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            }
        },
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "security": [{"key": []}],
                    "parameters": [
                        {
                            "name": "body",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Pet"},
                        },
                        {"name": "dry", "in": "query", "type": "boolean"},
                    ],
                    "responses": {
                        "201": {"description": "made", "schema": {"$ref": "#/definitions/Pet"}}
                    },
                }
            }
        },
    }
    code, _, err = run_import(tmp_path, capsys, json.dumps(spec), "old.json")
    assert (code, err) == (0, "")
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "::::{plan-endpoint} POST /pets\n:operation-id: addPet\n" in text
    assert ":schema: Pet\n" in text and ":query: dry:boolean" in text
    assert ":::{plan-schema} Pet" in text
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"objects": []}), encoding="utf-8")
    assert (
        main(["diff", str(plan), "--openapi", str(tmp_path / "old.json"), "--format", "json"]) == 0
    )
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["signature"] for f in found] == ["POST /pets"]


def test_schema_file_that_is_not_a_regular_file_is_a_located_warning(make_app, tmp_path):
    src = tmp_path / "src"
    zero = os.path.relpath("/dev/zero", src)  # "/dev/zero" would be read below the source dir
    index = f"# T\n\n:::{{plan}} T\n:id: T\n:::\n\n:::{{plan-schema}} Zero\n:file: {zero}\n:::\n"
    app = make_app("html", srcdir=project(tmp_path, index), freshenv=True)
    app.build()
    assert [strip_colors(w) for w in plan_warnings(app)] == [
        f"{Path(app.srcdir) / 'index.md'}:8: WARNING: plan-schema: file: cannot read the "
        f"schema file {zero!r} (not a regular file (a device, pipe or directory is not "
        "read)) [plan.schema]"
    ]


def test_plan_openapi_refuses_a_bomb_with_a_located_warning(make_app, tmp_path):
    index = "# T\n\n:::{plan} T\n:id: T\n:::\n\n:::{plan-openapi} bomb.yaml\n:::\n"
    app = make_app(
        "html", srcdir=project(tmp_path, index, **{"bomb.yaml": alias_bomb(9)}), freshenv=True
    )
    app.build()
    assert [strip_colors(w) for w in plan_warnings(app)] == [
        f"{Path(app.srcdir) / 'index.md'}:7: WARNING: plan-openapi: 'bomb.yaml': too large: "
        f"its aliases expand to more than {MAX_ALIAS_VALUES:,} values (the limit) (line 9, "
        "column 10) [plan.schema]"
    ]


def test_an_export_that_cannot_be_written_is_a_warning_not_a_crash(make_app, tmp_path):
    src = project(tmp_path, INVOICE)
    out = tmp_path / "build" / "html"
    (out / "openapi.json").mkdir(parents=True)  # a folder where the export goes
    app = make_app("html", srcdir=src, builddir=tmp_path / "build", freshenv=True)
    assert Path(app.outdir) == out
    app.build()
    assert [strip_colors(w) for w in plan_warnings(app)] == [
        "WARNING: the export openapi.json could not be written (Is a directory); the rest of "
        "the build is complete [plan.config]"
    ]
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["objects"]
    assert (out / "asyncapi.json").is_file() and (out / "index.html").is_file()


def test_import_recognises_openapi_from_the_whole_document(tmp_path, capsys):
    """Sorted keys put 'openapi' after 'components', past the first 4 KB: still OpenAPI."""
    schemas = "\n".join(
        f"    S{i}: {{type: object, description: '{'x' * 60}'}}" for i in range(100)
    )
    spec = (
        f"components:\n  schemas:\n{schemas}\ninfo: {{title: Sorted, version: '1'}}\n"
        "openapi: 3.1.0\npaths:\n  /ping:\n    get:\n      responses:\n"
        "        '204': {description: pong}\n"
    )
    assert spec.index("openapi:") > 4096
    code, _, err = run_import(tmp_path, capsys, spec, "sorted.txt")
    assert (code, err) == (0, "")
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "::::{plan-endpoint} GET /ping" in text and text.count("{plan-schema}") == 100


def test_import_reads_json_once_and_never_as_yaml(tmp_path, capsys, monkeypatch):
    import yaml.composer

    made = []
    compose = yaml.composer.Composer.get_single_node
    monkeypatch.setattr(
        yaml.composer.Composer, "get_single_node", lambda self: made.append(1) or compose(self)
    )
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "J", "version": "1"},
        "paths": {
            f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(50)
        },
    }
    spec_path = tmp_path / "api.json"
    spec_path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    assert main(["import", str(spec_path), "-o", str(tmp_path / "out.md")]) == 0
    report = capsys.readouterr().out
    assert made == []
    # the lines of the report come from the one reading: /p0's get is on line 9
    assert "plan-endpoint      50  lines 9, 18, 27" in report


def test_import_refuses_what_is_not_a_regular_file(tmp_path, capsys):
    assert main(["import", "/dev/zero", "-o", str(tmp_path / "out.md")]) == 2
    assert capsys.readouterr().err == (
        "sphinx-plan import: error: '/dev/zero' is not a regular "
        "file (a device, pipe or directory is not read)\n"
    )


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_import_indexes_the_lines_once(tmp_path, capsys, monkeypatch, suffix):
    """Each operation's line is looked up in one index of the document: linear, not n²."""
    import yaml

    from sphinxcontrib_plan.model import codedata

    scans = []
    for name in ("json_key_lines", "node_key_lines"):
        real = getattr(codedata, name)
        monkeypatch.setattr(codedata, name, lambda *a, real=real: scans.append(1) or real(*a))
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "J", "version": "1"},
        "paths": {
            f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(200)
        },
    }
    text = json.dumps(spec, indent=1) if suffix == "json" else yaml.safe_dump(spec)
    code, _, err = run_import(tmp_path, capsys, text, f"api.{suffix}")
    assert (code, err) == (0, "") and len(scans) <= 3  # one per depth looked up, not per path


def test_values_without_json_form_are_located_warnings_in_a_build(make_app, tmp_path):
    index = """\
# T

:::{plan} T
:id: T
:::

::::{plan-schema} Odd
```yaml
type: object
properties:
  n: {type: number, default: .nan}
```
::::

::::{plan-event} odd.event
:schema: Odd

```yaml
n: .inf
```
::::
"""
    app = make_app("html", srcdir=project(tmp_path, index), freshenv=True)
    app.build()
    doc = Path(app.srcdir) / "index.md"
    assert [strip_colors(w) for w in plan_warnings(app)] == [
        f"{doc}:11: WARNING: plan-schema: the schema is not JSON data: '.nan' has no JSON "
        "form [plan.schema]",
        f"{doc}:19: WARNING: event 'odd.event': the example is not JSON data: '.inf' has no "
        "JSON form; it cannot be checked against the schema [plan.schema]",
    ]
    assert json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
