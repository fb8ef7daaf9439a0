"""plan-schema, parameters and body schemas in real builds: warnings at their lines,
tables in every builder, valid OpenAPI and AsyncAPI exports, plan-openapi in place."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, plan_warnings
from sphinx.util.console import strip_colors

jsonschema = pytest.importorskip("jsonschema")
ASYNCAPI_SCHEMA = Path(__file__).parent / "fixtures" / "asyncapi" / "asyncapi-3.0.0.schema.json.gz"


def build(make_app, tmp_path: Path, buildername: str = "html", **conf):
    srcdir = tmp_path / f"api-{buildername}"
    shutil.copytree(ROOTS / "test-api-schemas", srcdir)
    app = make_app(buildername, srcdir=srcdir, freshenv=True, confoverrides=conf)
    app.build()
    return app


@pytest.fixture
def html(make_app, tmp_path):
    return build(make_app, tmp_path)


def test_warnings_name_the_line_and_the_path(html):
    src = Path(html.srcdir)
    assert sorted(strip_colors(w) for w in plan_warnings(html)) == sorted(
        f"{src / f}: WARNING: {m}"
        for f, m in [
            (
                "index.md:43",
                "endpoint 'POST /refunds/{refund_id}' (request body): the example does "
                "not match schema 'Refund': $.amount.amount: 'ten' is not of type 'integer' "
                "[plan.schema]",
            ),
            (
                "index.md:61",
                "plan-endpoint: path: the path parameters must be exactly the {name}s "
                "of '/refunds/{id}/{part}' (id, part); missing part; not in the path: extra "
                "[plan.field]",
            ),
            (
                "index.md:65",
                "response '200 OK' of 'GET /refunds/{id}/{part}': the schema is not "
                "valid JSON Schema 2020-12: $.properties.id.type: 'int' is not one of ['array', "
                "'boolean', 'integer', 'null', 'number', 'object', 'string'] [plan.schema]",
            ),
            (
                "index.md:65",
                "response '200 OK' of 'GET /refunds/{id}/{part}': the schema is not "
                "valid JSON Schema 2020-12: $: unknown keyword 'requried' (did you mean "
                "'required'?) [plan.schema]",
            ),
            (
                "index.md:88",
                "event 'refund.created': the example does not match schema 'Refund': "
                "$.payment_id: 'card_1' does not match '^pay_' [plan.schema]",
            ),
            (
                "rest.rst:18",
                "event 'note.added': the example does not match schema 'Note': "
                "$.text: 'far too long' is too long [plan.schema]",
            ),
            (
                "rest.rst:23",
                "plan-endpoint: query: 'bad item' is not 'name[*][:type][{...}][=default] "
                '["description"]\' [plan.field]',
            ),
            (
                "rest.rst:24",
                "plan-endpoint: schema: cannot read the schema file "
                "'schemas/missing.json' (No such file or directory) [plan.schema]",
            ),
        ]
    )


def test_html_shows_parameters_and_folded_properties(html):
    page = (Path(html.outdir) / "index.html").read_text(encoding="utf-8")
    assert '<span class="caption-text">Parameters</span>' in page
    assert "Idempotency-Key" in page and "Retries refund once" in page
    assert '<details class="plan-schema-nested plan-details">' in page
    assert "<summary>Properties › breakdown</summary>" in page
    # a named schema is a link to its plan-schema object
    assert 'href="#schema-r-refund"' in page or 'href="#R-refund"' in page.replace("schema-", "")


@pytest.mark.parametrize("buildername", ["latex", "text"])
def test_other_builders_show_plain_nested_tables(make_app, tmp_path, buildername):
    app = build(make_app, tmp_path, buildername)
    out = Path(app.outdir)
    text = (out / ("refunds.tex" if buildername == "latex" else "index.txt")).read_text(
        encoding="utf-8"
    )
    assert "Properties › breakdown" in text and "<details" not in text
    assert "Idempotency" in text and "Retries refund once" in text


def test_openapi_export_carries_parameters_bodies_schemas_and_servers(html):
    validator = pytest.importorskip("openapi_spec_validator")
    spec = json.loads((Path(html.outdir) / "openapi.json").read_text(encoding="utf-8"))
    validator.validate(spec)
    assert spec["servers"] == [
        {"url": "https://api.example.com/v1"},
        {"url": "https://sandbox.example.com/v1", "description": "Sandbox"},
    ]
    op = spec["paths"]["/refunds/{refund_id}"]["post"]
    assert op["operationId"] == "createRefund"
    assert [(p["name"], p["in"], p["required"]) for p in op["parameters"]] == [
        ("refund_id", "path", True),
        ("dry_run", "query", False),
        ("Idempotency-Key", "header", True),
    ]
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Refund"
    }
    created = op["responses"]["201"]
    assert created["headers"] == {
        "Location": {
            "schema": {"type": "string"},
            "required": True,
            "description": "The refund's URL",
        }
    }
    assert set(spec["components"]["schemas"]) == {"Money", "Note", "Pet", "Pets", "Refund"}
    assert spec["components"]["schemas"]["Refund"]["properties"]["amount"] == {
        "$ref": "#/components/schemas/Money"
    }
    assert set(spec["webhooks"]) == {"refund.created", "newPet"}
    # the invalid inline schema is left out (it was warned), so the document stays valid
    assert "schema" not in spec["paths"]["/refunds/{id}/{part}"]["get"]["responses"]["200"].get(
        "content", {}
    ).get("application/json", {})
    # a path parameter not in the path is left out; the undeclared one is added
    assert [p["name"] for p in spec["paths"]["/refunds/{id}/{part}"]["get"]["parameters"]] == [
        "part",
        "id",
    ]


def test_asyncapi_export_is_valid_against_the_official_schema(html):
    doc = json.loads((Path(html.outdir) / "asyncapi.json").read_text(encoding="utf-8"))
    schema = json.loads(gzip.decompress(ASYNCAPI_SCHEMA.read_bytes()))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(doc)) == []
    assert doc["info"] == {"title": "Refunds", "version": "1.2"}
    created = doc["channels"]["R-refund-created"]
    assert created["address"] == "refund.created"
    assert created["messages"]["refund.created"]["payload"] == {
        "$ref": "#/components/schemas/Refund"
    }
    assert sorted(doc["operations"]) == [
        "ledger.receive.R-refund-created",
        "payments.send.R-refund-created",
        "service.send.R-wss-refunds-stream",
    ]
    assert (
        doc["operations"]["payments.send.R-refund-created"]["summary"]
        == "Payments sends refund.created"
    )
    stream = doc["channels"]["R-wss-refunds-stream"]
    assert stream["bindings"]["ws"]["query"]["required"] == ["token"]
    assert "Refund" in doc["components"]["schemas"]


def test_plan_openapi_renders_objects_and_rebuilds_when_the_file_changes(make_app, tmp_path):
    app = build(make_app, tmp_path, "html")
    plan = json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
    from_file = [o for o in plan["objects"] if o["docname"] == "appendix"]
    assert sorted((o["type"], o["title"]) for o in from_file) == [
        ("api", "Webhook Example"),  # info: the title and version
        ("endpoint", "GET /pets"),
        ("endpoint", "POST /newPet"),
        ("response", "200 OK"),
        ("response", "200 OK"),
        ("schema", "Pet"),
        ("schema", "Pets"),
    ]
    assert {o["plan"] for o in from_file} == {"R"}
    spec = Path(app.srcdir) / "schemas" / "webhook-example.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("/pets:", "/animals:"), encoding="utf-8"
    )
    again = make_app("html", srcdir=Path(app.srcdir))
    again.build()
    assert "appendix" in again.env.found_docs
    openapi = json.loads((Path(again.outdir) / "openapi.json").read_text(encoding="utf-8"))
    assert "/animals" in openapi["paths"] and "/pets" not in openapi["paths"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"url": "https://x"}, "plan_openapi_servers = {'url': 'https://x'} is invalid"),
        ([{"url": ""}], "plan_openapi_servers = [{'url': ''}] is invalid"),
        (
            [{"url": "https://x", "desc": "typo"}],
            "plan_openapi_servers = [{'url': 'https://x', 'desc': 'typo'}] is invalid",
        ),
    ],
)
def test_bad_servers_setting_is_a_config_warning(make_app, tmp_path, value, message):
    app = build(make_app, tmp_path, "dummy", plan_openapi_servers=value)
    assert message in app.warning.getvalue() and "[plan.config]" in app.warning.getvalue()
