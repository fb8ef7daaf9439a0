"""AsyncAPI 3.0 export of example_project: valid against the official schema,
the same from serial and parallel builds, and the OpenAPI export beside it."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, plan_warnings

jsonschema = pytest.importorskip("jsonschema")
EXAMPLE = ROOTS.parent.parent / "example_project"
SCHEMA = Path(__file__).parent / "fixtures" / "asyncapi" / "asyncapi-3.0.0.schema.json.gz"


def build(make_app, tmp_path: Path, parallel: int = 0):
    srcdir = tmp_path / f"example-{parallel}"
    shutil.copytree(EXAMPLE, srcdir, ignore=shutil.ignore_patterns("_build"))
    app = make_app("html", srcdir=srcdir, freshenv=True, parallel=parallel)
    app.build()
    return app


def test_example_project_exports_validate(make_app, tmp_path):
    serial = build(make_app, tmp_path)
    assert plan_warnings(serial) == []
    out = Path(serial.outdir)
    doc = json.loads((out / "asyncapi.json").read_text(encoding="utf-8"))
    schema = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(doc)) == []
    created = doc["channels"]["001-payment-method-created"]
    assert created["messages"]["payment_method.created"]["payload"] == {
        "$ref": "#/components/schemas/PaymentMethodEvent"
    }
    assert "001-analytics-service.receive.001-payment-method-created" in doc["operations"]
    stream = doc["channels"]["001-wss-api-v1-transactions-stream"]
    assert stream["address"] == "/api/v1/transactions/stream"
    assert stream["bindings"]["ws"]["query"]["required"] == ["token"]

    validator = pytest.importorskip("openapi_spec_validator")
    openapi = json.loads((out / "openapi.json").read_text(encoding="utf-8"))
    validator.validate(openapi)
    assert openapi["servers"] == [{"url": "https://api.acme.example", "description": "Production"}]
    assert {"PaymentMethod", "PaymentMethodCreate", "Error"} <= set(
        openapi["components"]["schemas"]
    )
    create = openapi["paths"]["/api/v1/payment-methods"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaymentMethodCreate"
    }

    parallel = build(make_app, tmp_path, parallel=2)
    assert (out / "asyncapi.json").read_bytes() == (
        Path(parallel.outdir) / "asyncapi.json"
    ).read_bytes()
