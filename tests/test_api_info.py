"""The API as a whole: plan-api, plan-server, plan-tag and plan-security.

Built from a test root (MyST and reST) into HTML, text and the OpenAPI export,
with every bad declaration a located warning; and imported from a Swagger 2.0
document through the CLI, built and exported again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, load_plan_json, plan_warnings

from sphinxcontrib_plan.cli import main

ROOT = "test-api-info"


def build(make_app, tmp_path: Path, buildername: str = "html"):
    srcdir = tmp_path / f"{ROOT}-{buildername}"
    shutil.copytree(ROOTS / ROOT, srcdir)
    app = make_app(buildername, srcdir=srcdir, freshenv=True)
    app.build()
    return app


@pytest.fixture
def html(make_app, tmp_path):
    return build(make_app, tmp_path)


def test_bad_declarations_are_located_warnings(html):
    lines = [line.split("test-api-info-html/", 1)[-1] for line in plan_warnings(html)]
    assert lines == [
        "bad.md:7: WARNING: plan-server: variables: 'version' needs a default "
        "(version=value): OpenAPI requires one [plan.field]",
        "bad.md:7: WARNING: plan-server: variables: they must be exactly the {name}s of "
        "the URL (tenant, version); missing tenant; not in the URL: extra [plan.field]",
        "bad.md:10: WARNING: plan-security: type http needs :scheme: [plan.field]",
        "bad.md:12: WARNING: plan-security: :in: has no meaning for type http; it is not "
        "exported [plan.field]",
        "bad.md:17: WARNING: plan-security: the implicit flow needs :authorization-url: "
        "[plan.field]",
        "bad.md:17: WARNING: plan-security: flows: 'device' is not a flow; flows: implicit, "
        "password, clientCredentials, authorizationCode [plan.field]",
        "bad.md:20: WARNING: plan-security: the option 'type' is required (one of http, "
        "api-key, oauth2, openid-connect, mutual-tls) [plan.field]",
    ]


def test_the_export_top_comes_from_the_objects(html):
    spec = json.loads((Path(html.outdir) / "openapi.json").read_text(encoding="utf-8"))
    assert spec["info"] == {
        "title": "Widget API",
        "version": "2.3.0",
        "description": "The public API of the widget catalogue.",
    }
    # plan_openapi_servers first, then the valid plan-server objects
    assert spec["servers"] == [
        {"url": "https://staging.example.com", "description": "Staging"},
        {
            "url": "https://{region}.api.example.com/v2",
            "description": "Production.",
            "variables": {
                "region": {"enum": ["eu", "us"], "default": "eu", "description": "Data region"}
            },
        },
    ]
    assert spec["tags"] == [
        {"name": "widgets", "description": "Create and read widgets."},
        {"name": "partners"},
    ]
    schemes = spec["components"]["securitySchemes"]
    # the invalid declarations are left out, so the document stays valid
    assert sorted(schemes) == ["api_key", "partner_jwt", "widget_oauth"]
    assert schemes["api_key"] == {"type": "apiKey", "name": "key", "in": "query"}
    assert schemes["partner_jwt"] == {
        "type": "http",
        "description": "Partners send a signed token.",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    scopes = {"read:widgets": "Read widgets", "write:widgets": "Change widgets"}
    assert schemes["widget_oauth"]["flows"] == {
        "authorizationCode": {
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": scopes,
        },
        "clientCredentials": {"tokenUrl": "https://auth.example.com/token", "scopes": scopes},
    }
    widgets = spec["paths"]["/widgets"]
    assert widgets["get"]["security"] == [
        {"widget_oauth": ["read:widgets"]},
        {"api_key": ["read:widgets"]},
    ]
    assert widgets["post"]["security"] == [{"partner_jwt": [], "api_key": []}]  # reST
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)


def test_plan_json_holds_the_typed_fields(html):
    objects = {o["title"]: o for o in load_plan_json(html)["objects"]}
    assert objects["widget_oauth"]["type"] == "security"
    assert objects["widget_oauth"]["fields"]["flows"] == ["authorizationCode", "clientCredentials"]
    assert objects["api_key"]["fields"]["type"] == "api-key"  # written apiKey
    assert objects["Widget API"]["fields"] == {"version": "2.3.0"}
    assert objects["widgets"]["type"] == "tag"


def test_text_builder_shows_them(make_app, tmp_path):
    app = build(make_app, tmp_path, "text")
    text = (Path(app.outdir) / "index.txt").read_text(encoding="utf-8")
    for fragment in ("Widget API", "2.3.0", "https://{region}.api.example.com/v2", "widget_oauth"):
        assert fragment in text


SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "Legacy", "version": "0.9"},
    "host": "legacy.example.com",
    "basePath": "/api",
    "schemes": ["https", "http"],
    "tags": [{"name": "items", "description": "The items"}],
    "securityDefinitions": {
        "legacy_key": {"type": "apiKey", "in": "header", "name": "X-Legacy-Key"},
        "legacy_oauth": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://legacy.example.com/oauth/authorize",
            "tokenUrl": "https://legacy.example.com/oauth/token",
            "scopes": {"items:read": "Read items"},
        },
    },
    "paths": {
        "/items": {
            "get": {
                "tags": ["items"],
                "security": [{"legacy_oauth": ["items:read"]}, {"legacy_key": []}],
                "responses": {"200": {"description": "The items"}},
            }
        }
    },
}


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_swagger2_import_carries_them_to_the_export(tmp_path, capsys, suffix):
    source = tmp_path / "legacy.json"
    source.write_text(json.dumps(SWAGGER), encoding="utf-8")
    project = tmp_path / "docs"
    assert (
        main(["import", str(source), "--id", "legacy", "-o", str(project / f"index.{suffix}")]) == 0
    )
    report = capsys.readouterr().out
    assert "not carried" not in report
    assert "plan-security       2  lines" in report
    (project / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\nplan_openapi = True\n',
        encoding="utf-8",
    )
    out = tmp_path / "openapi.json"
    assert main(["export", str(project), "--format", "openapi", "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote {out}\n"  # not one warning
    spec = json.loads(out.read_text(encoding="utf-8"))
    assert spec["info"]["version"] == "0.9"
    assert [s["url"] for s in spec["servers"]] == [
        "https://legacy.example.com/api",
        "http://legacy.example.com/api",
    ]
    assert spec["tags"][0] == {"name": "items", "description": "The items"}
    assert spec["components"]["securitySchemes"] == {
        "legacy_key": {"type": "apiKey", "in": "header", "name": "X-Legacy-Key"},
        "legacy_oauth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://legacy.example.com/oauth/authorize",
                    "tokenUrl": "https://legacy.example.com/oauth/token",
                    "scopes": {"items:read": "Read items"},
                }
            },
        },
    }
    security = spec["paths"]["/items"]["get"]["security"]
    assert [list(requirement) for requirement in security] == [["legacy_oauth"], ["legacy_key"]]
    assert security[0]["legacy_oauth"] == ["items:read"]
