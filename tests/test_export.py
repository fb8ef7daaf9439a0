"""plan.json and OpenAPI: real build output, validated against the published schemas."""

from __future__ import annotations

import copy
import json
import shutil
import stat
from pathlib import Path

import pytest
from conftest import ROOTS, load_plan_json, plan_warnings

from sphinxcontrib_plan.export.json import SCHEMA_ID, SCHEMA_PATH, dumps
from sphinxcontrib_plan.export.openapi import auth_schemes, example_value
from sphinxcontrib_plan.export.plan_schema import build_schema
from sphinxcontrib_plan.export.writer import write_text
from sphinxcontrib_plan.model.records import Example

jsonschema = pytest.importorskip("jsonschema")

EXAMPLE = ROOTS.parent.parent / "example_project"


def build(
    make_app, tmp_path: Path, root: Path | str, buildername: str = "html", parallel: int = 0, **conf
):
    """Build a copy of *root* (a test root name or a directory) in *tmp_path*."""
    source = root if isinstance(root, Path) else ROOTS / root
    srcdir = tmp_path / f"{source.name}-{buildername}-{parallel}"
    shutil.copytree(source, srcdir, ignore=shutil.ignore_patterns("_build"))
    app = make_app(buildername, srcdir=srcdir, freshenv=True, parallel=parallel, confoverrides=conf)
    app.build()
    return app


def schema_errors(data: dict) -> list[str]:
    """Messages of every error of *data* against the published schema."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def validate_openapi(data: dict) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(data)


# -- the schema itself ---------------------------------------------------------


def test_schema_is_valid_and_in_step_with_the_registry():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # regenerate with: python -m sphinxcontrib_plan.export.plan_schema
    assert SCHEMA_PATH.read_text(encoding="utf-8") == dumps(build_schema())


# -- plan.json of the basic roots ----------------------------------------------


def test_plan_json_of_basic_root(make_app, tmp_path):
    app = build(make_app, tmp_path, "test-basic")
    data = load_plan_json(app)
    assert schema_errors(data) == []
    assert data["$schema"] == SCHEMA_ID and data["schema_version"] == 1
    assert data["project"] == "Basic"
    [plan] = data["plans"]
    assert plan["id"] == "001" and plan["fields"]["status"] == "in-review"
    assert plan["derived"]["endpoints"] == 2 and plan["derived"]["progress"] == 60
    assert (plan["source"], plan["docname"], plan["url"]) == (
        "index.md",
        "index",
        "index.html#plan-001",
    )
    by_id = {o["id"]: o for o in data["objects"]}
    risk = by_id["R-DB"]
    assert risk["type"] == "risk" and risk["plan"] == "001"
    assert risk["fields"]["impact"] == "high" and "id" not in risk["fields"]
    assert risk["derived"]["severity"] == 6
    assert risk["line"] > 0 and risk["anchor"] == "risk-r-db"
    assert by_id["001-core"]["checks"] == {"done": 1, "total": 3}
    assert by_id["001-core"]["fields"]["weeks"] == [3, 4]
    endpoint = by_id["001-post-api-v1-payment-methods"]
    assert endpoint["data"]["method"] == "POST"
    assert "ENDPOINT-BODY-MARKER" in endpoint["data"]["description"]
    assert endpoint["url"] == "api.html#endpoint-001-post-api-v1-payment-methods"
    response = by_id["001-post-api-v1-payment-methods-201"]
    assert response["parent"] == endpoint["id"] and response["data"]["code"] == "201"
    # objects come in document order: documents by name, then position
    order = [(o["docname"], o["line"]) for o in data["objects"]]
    assert [d for d, _ in order] == sorted(d for d, _ in order)
    assert not any(o["type"] == "plan" for o in data["objects"])


def test_plan_json_of_basic_rst_root(make_app, tmp_path):
    app = build(make_app, tmp_path, "test-basic-rst", "text")
    data = load_plan_json(app)
    assert schema_errors(data) == []
    assert {o["source"] for o in data["objects"]} <= {
        "index.rst",
        "api.rst",
        "guide.rst",
        "registers.rst",
    }
    assert all(o["url"] is None for o in [*data["plans"], *data["objects"]])


def test_schema_rejects_what_is_wrong(make_app, tmp_path):
    data = load_plan_json(build(make_app, tmp_path, "test-basic", "dummy"))
    risk = next(o for o in data["objects"] if o["type"] == "risk")

    def errors_after(change) -> list[str]:
        broken = copy.deepcopy(data)
        change(broken, next(o for o in broken["objects"] if o["id"] == risk["id"]))
        return schema_errors(broken)

    assert errors_after(lambda d, r: r["fields"].update(impact="huge"))
    assert errors_after(lambda d, r: r["fields"].update(unknown="x"))
    assert errors_after(lambda d, r: r.pop("anchor"))
    assert errors_after(lambda d, r: r.update(type="plan"))
    assert errors_after(lambda d, r: r.update(type="no such-type"))
    assert errors_after(lambda d, r: d.update(extra=1))
    # a type of plan_types is accepted with any fields
    assert not errors_after(lambda d, r: r.update(type="decision", fields={"any": [1]}))


# -- URLs per builder ------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "index_url", "api_url", "api_page"),
    [
        ("html", "index.html", "api.html", "api.html"),
        ("dirhtml", "", "api/", "api/index.html"),
        ("singlehtml", "index.html", "index.html", "index.html"),
        ("text", None, None, None),
    ],
)
def test_urls_per_builder(make_app, tmp_path, builder, index_url, api_url, api_page):
    app = build(make_app, tmp_path, "test-basic", builder)
    data = load_plan_json(app)
    plan = data["plans"][0]
    endpoint = next(o for o in data["objects"] if o["id"] == "001-post-api-v1-payment-methods")
    if index_url is None:
        assert plan["url"] is None and endpoint["url"] is None
        return
    assert plan["url"] == f"{index_url}#plan-001"
    assert endpoint["url"] == f"{api_url}#{endpoint['anchor']}"
    page = (Path(app.outdir) / api_page).read_text(encoding="utf-8")
    assert f'id="{endpoint["anchor"]}"' in page


# -- determinism -----------------------------------------------------------------


def test_serial_and_parallel_builds_are_byte_identical(make_app, tmp_path):
    serial = build(make_app, tmp_path / "serial", "test-export-api")
    parallel = build(make_app, tmp_path / "parallel", "test-export-api", parallel=2)
    for name in ("plan.json", "spec.json"):
        one = (Path(serial.outdir) / name).read_bytes()
        two = (Path(parallel.outdir) / name).read_bytes()
        assert one == two, name
    assert b"test-export-api" not in one  # no absolute paths


@pytest.mark.skipif(not (EXAMPLE / "conf.py").exists(), reason="no example_project")
def test_example_project(make_app, tmp_path):
    serial = build(make_app, tmp_path / "serial", EXAMPLE, plan_openapi=True)
    parallel = build(make_app, tmp_path / "parallel", EXAMPLE, plan_openapi=True, parallel=2)
    data = load_plan_json(serial)
    assert schema_errors(data) == []
    assert len(data["plans"]) >= 1 and len(data["objects"]) > 10
    validate_openapi(json.loads((Path(serial.outdir) / "openapi.json").read_text("utf-8")))
    for name in ("plan.json", "openapi.json"):
        assert (Path(serial.outdir) / name).read_bytes() == (
            Path(parallel.outdir) / name
        ).read_bytes(), name


# -- OpenAPI ---------------------------------------------------------------------


@pytest.fixture
def spec(make_app, tmp_path) -> dict:
    app = build(make_app, tmp_path, "test-export-api")
    # an example that is no JSON (kept as a string) is one Pygments cannot read either
    assert (
        plan_warnings(app, expected=("""Lexing literal_block '{"error": "not_found", oops""",))
        == []
    )
    assert not (Path(app.outdir) / "openapi.json").exists()  # plan_openapi names the file
    data = json.loads((Path(app.outdir) / "spec.json").read_text(encoding="utf-8"))
    assert schema_errors(load_plan_json(app)) == []
    return data


def test_openapi_is_valid(spec):
    validate_openapi(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["info"] == {"title": "Export API", "version": "2.1.0"}


def test_openapi_operation(spec):
    post = spec["paths"]["/orders"]["post"]
    assert post["operationId"] == "900-post-orders"
    assert post["summary"] == "Create an order"
    assert post["description"].startswith("Creates an order for the caller.")
    assert "- the cart must not be empty" in post["description"]
    assert post["tags"] == ["900"]
    assert post["security"] == [{"bearerAuth": ["write:orders"]}]
    assert post["x-permissions"] == ["write:orders"]
    assert post["x-rate-limit"] == "10/minute per user"
    assert post["x-plan"] == "900" and post["x-phase"] == "900-build"
    assert post["requestBody"]["content"]["application/json"]["example"] == {
        "cart": "c_1",
        "note": "leave at the door",
    }
    assert "deprecated" not in post


def test_openapi_responses(spec):
    responses = spec["paths"]["/orders"]["post"]["responses"]
    assert set(responses) == {"201", "400", "5XX"}
    assert responses["201"] == {
        "description": "The order was created.",
        "content": {"application/json": {"example": {"id": "o_1", "status": "new"}}},
    }
    # one code documented twice keeps both descriptions and both examples
    assert responses["400"]["description"] == "The cart is empty.\n\nThe currency is not supported."
    named = responses["400"]["content"]["application/json"]["examples"]
    assert [v["value"] for v in named.values()] == [
        {"error": "empty_cart"},
        {"error": "bad_currency"},
    ]
    assert responses["5XX"] == {"description": "Something failed on our side."}
    item = spec["paths"]["/orders/{order_id}/items/{item_id}"]["get"]["responses"]
    assert item["200"]["content"] == {"text/plain": {"example": "1 x Widget\n"}}
    # invalid JSON is kept as a string example
    assert item["404"]["content"]["application/json"]["example"].startswith('{"error"')


def test_openapi_parameters_tags_and_deprecation(spec):
    item = spec["paths"]["/orders/{order_id}/items/{item_id}"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in item["parameters"]] == [
        ("order_id", "path", True),
        ("item_id", "path", True),
        ("expand", "query", False),
        ("lang", "query", False),
    ]
    assert all(p["schema"] == {"type": "string"} for p in item["parameters"])
    assert item["tags"] == ["items", "read"]
    put = spec["paths"]["/orders/{order_id}"]["put"]
    assert put["deprecated"] is True
    assert put["requestBody"]["content"]["application/json"]["example"] == '{"cart": "c_2",\n'
    assert {t["name"]: t.get("description") for t in spec["tags"]} == {
        "900": "Plan 900: Orders",
        "901": "Plan 901: Billing",
        "items": None,
        "read": None,
    }


def test_openapi_security(spec):
    paths = spec["paths"]
    assert paths["/health"]["get"]["security"] == []
    assert paths["/orders/{order_id}"]["delete"]["security"] == [{"basicAuth": []}]
    assert paths["/orders/{order_id}/items/{item_id}"]["get"]["security"] == [
        {"apiKeyAuth": []},
        {"bearerAuth": []},
    ]
    assert paths["/orders/{order_id}"]["put"]["security"] == [
        {"oauth2": ["admin:orders", "write:orders"]}
    ]
    note = paths["/orders/{order_id}/note"]["patch"]
    assert "security" not in note and note["x-auth"] == "magic link"
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    assert set(schemes["oauth2"]["flows"]["authorizationCode"]["scopes"]) == {
        "admin:orders",
        "write:orders",
    }


def test_openapi_websockets(spec):
    assert not any("events" in path for path in spec["paths"])
    stream = spec["x-websockets"]["/orders/{order_id}/events"]["wss"]
    assert stream["operationId"] == "900-wss-orders-order-id-events"
    assert stream["security"] == [{"bearerAuth": ["read:orders"]}]
    assert stream["messages"] == [
        {"language": "json", "example": {"order": "o_1", "status": "shipped"}}
    ]
    assert stream["responses"]["101"]["description"] == "The stream is open."


def test_exports_follow_the_configuration(make_app, tmp_path):
    app = build(make_app, tmp_path / "a", "test-basic", "dummy")
    assert (Path(app.outdir) / "plan.json").exists()
    assert not (Path(app.outdir) / "openapi.json").exists()
    app = build(make_app, tmp_path / "b", "test-basic", "dummy", plan_openapi=True, plan_json=False)
    assert not (Path(app.outdir) / "plan.json").exists()
    spec = json.loads((Path(app.outdir) / "openapi.json").read_text(encoding="utf-8"))
    validate_openapi(spec)
    assert spec["info"] == {"title": "Basic", "version": "0.0.0"}
    get = spec["paths"]["/api/v1/payment-methods/{id}"]["get"]
    assert get["parameters"][0] == {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    assert "requestBody" not in get


# -- pure helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ("bearer", [["bearer"]]),
        ("Bearer JWT", [["bearer"]]),
        ("API_KEY", [["api-key"]]),
        ("api-key or bearer", [["api-key"], ["bearer"]]),
        ("bearer + api-key", [["bearer", "api-key"]]),
        ("OAuth2", [["oauth2"]]),
        ("none", [["none"]]),
        ("public", [["none"]]),
        ("bearer, none", [["bearer"], ["none"]]),
        ("magic link", None),
        ("", None),
    ],
)
def test_auth_schemes(auth, expected):
    assert auth_schemes(auth) == expected


def test_example_value():
    assert example_value(Example("json", '{"a": 1}')) == {"a": 1}
    assert example_value(Example("json", "{bad")) == "{bad"
    assert example_value(Example("", "[1, 2]")) == [1, 2]
    assert example_value(Example("python", "[1, 2]")) == "[1, 2]"


def test_write_text_is_atomic_and_public(tmp_path):
    target = tmp_path / "out" / "plan.json"
    write_text(target, "one\n")
    write_text(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["plan.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_openapi_file_name_is_a_valid_setting(make_app, tmp_path):
    app = build(make_app, tmp_path, "test-basic", "dummy", plan_openapi="api/spec.json")
    assert (Path(app.outdir) / "api" / "spec.json").exists()
    assert "plan_openapi" not in app.warning.getvalue()
