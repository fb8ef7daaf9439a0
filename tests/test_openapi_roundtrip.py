"""OpenAPI in and out: import public documents, build with -W, export, compare.

Each public document of tests/fixtures/openapi is imported (MyST and reST),
built without a single warning, exported again; the export validates and has
the same operations, parameters, response codes and named schemas.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sphinxcontrib_plan.importers import IMPORTERS
from sphinxcontrib_plan.importers.emit import write_myst, write_rst
from sphinxcontrib_plan.importers.openapi import load_document

FIXTURES = Path(__file__).parent / "fixtures" / "openapi"
SPECS = sorted(p.name for p in FIXTURES.glob("*.yaml"))
CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
    'myst_enable_extensions = ["colon_fence"]\n'
    "plan_openapi = True\nplan_asyncapi = True\n"
)


def summary(doc: dict) -> dict:
    """What must survive the round trip, per operation."""
    out = {}
    for group in ("paths", "webhooks"):
        for path, item in (doc.get(group) or {}).items():
            for method, op in item.items():
                if method == "parameters":
                    continue
                params = {
                    (p["name"], p["in"], bool(p.get("required")))
                    for p in [*item.get("parameters", ()), *op.get("parameters", ())]
                }
                body = op.get("requestBody", {}).get("content", {})
                out[group, path, method] = {
                    "operationId": op.get("operationId"),
                    "parameters": params,
                    "responses": set(op["responses"]),
                    "media": set(body),
                }
    return out


def build_imported(make_app, tmp_path: Path, spec: str, fmt: str):
    text = (FIXTURES / spec).read_text(encoding="utf-8")
    result = IMPORTERS["openapi"].run(text, plan_id="api")
    srcdir = tmp_path / f"{spec}-{fmt}"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    writer, suffix = (write_myst, "md") if fmt == "myst" else (write_rst, "rst")
    (srcdir / f"index.{suffix}").write_text(writer(result.document), encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    return app, load_document(text)


@pytest.mark.parametrize("fmt", ["myst", "rst"])
@pytest.mark.parametrize("spec", SPECS)
def test_import_build_export_gives_back_the_same_api(make_app, tmp_path, spec, fmt):
    validator = pytest.importorskip("openapi_spec_validator")
    app, original = build_imported(make_app, tmp_path, spec, fmt)
    assert app.warning.getvalue() == ""  # as with -W: not a single warning
    exported = json.loads((Path(app.outdir) / "openapi.json").read_text(encoding="utf-8"))
    validator.validate(exported)
    expected, found = summary(original), summary(exported)
    for key, op in expected.items():
        if op["operationId"] is None and key in found:  # the export names every operation
            found[key]["operationId"] = None
    assert found == expected
    assert (
        exported["components"].get("schemas", {}).keys()
        == (original.get("components") or {}).get("schemas", {}).keys()
    )
    # an operation without tags is exported with its plan's id as tag, declared too
    named = {tag["name"] for tag in original.get("tags") or ()}
    exported["tags"] = [tag for tag in exported.get("tags") or () if tag["name"] in named]
    assert api_as_a_whole(exported) == api_as_a_whole(original)


def api_as_a_whole(doc: dict) -> dict:
    """``info`` (title, version, whether described), servers, tags and security schemes."""
    info = doc.get("info") or {}
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    return {
        "info": (
            " ".join(info["title"].split()),
            str(info["version"]),
            bool(info.get("description")),
        ),
        "servers": [
            (s["url"], bool(s.get("description")), s.get("variables", {}))
            for s in doc.get("servers") or ()
        ],
        "tags": [(t["name"], bool(t.get("description"))) for t in doc.get("tags") or ()],
        "schemes": {
            name: {k: v for k, v in scheme.items() if k != "description"}
            | {"described": bool(scheme.get("description"))}
            for name, scheme in schemes.items()
        },
    }


def test_schemas_survive_as_written(make_app, tmp_path):
    app, original = build_imported(make_app, tmp_path, "petstore-expanded.yaml", "myst")
    exported = json.loads((Path(app.outdir) / "openapi.json").read_text(encoding="utf-8"))
    assert exported["components"]["schemas"] == original["components"]["schemas"]
    find = exported["paths"]["/pets"]["get"]
    assert find["parameters"][0] == {
        "name": "tags",
        "in": "query",
        "required": False,
        "description": "tags to filter by",
        "style": "form",
        "schema": {"type": "array", "items": {"type": "string"}},
    }
    assert find["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Pet"},
    }
