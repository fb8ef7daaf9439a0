"""importers.openapi: OpenAPI 3.0/3.1 documents read into the neutral model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sphinxcontrib_plan.importers.openapi import (
    OpenApiError,
    is_openapi,
    load_document,
    read_openapi,
)
from sphinxcontrib_plan.importers.openapi_model import Media, Parameter
from sphinxcontrib_plan.model.schema import check_schema

FIXTURES = Path(__file__).parent.parent / "fixtures" / "openapi"


def _read(name: str):
    return read_openapi(load_document((FIXTURES / name).read_text(encoding="utf-8")))


def test_petstore_expanded_operations_parameters_and_all_of():
    doc = _read("petstore-expanded.yaml")
    assert (doc.openapi, doc.title, doc.version) == ("3.0.0", "Swagger Petstore", "1.0.0")
    assert [o.signature for o in doc.operations] == [
        "GET /pets",
        "POST /pets",
        "GET /pets/{id}",
        "DELETE /pets/{id}",
    ]
    find = doc.operations[0]
    assert find.parameters == (
        Parameter(
            "tags",
            "query",
            False,
            "tags to filter by",
            {"type": "array", "items": {"type": "string"}},
            extra={"style": "form"},
        ),
        Parameter(
            "limit",
            "query",
            False,
            "maximum number of results to return",
            {"type": "integer", "format": "int32"},
        ),
    )
    assert [r.code for r in find.responses] == ["200", "default"]
    assert find.responses[0].content == (
        Media("application/json", {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}),
    )
    assert doc.schemas["Pet"]["allOf"][0] == {"$ref": "#/components/schemas/NewPet"}
    assert doc.operations[2].parameters[0].required is True
    assert doc.servers[0].url == "http://petstore.swagger.io/api"
    assert doc.problems == ()
    assert all(check_schema(s) == [] for s in doc.schemas.values())


def test_petstore3_security_forms_headers_and_tags():
    doc = _read("petstore3.yaml")
    ops = {o.operation_id: o for o in doc.operations}
    assert [o.signature for o in doc.operations][:2] == ["POST /pet", "PUT /pet"]
    assert ops["getPetById"].security == (
        {"api_key": ()},
        {"petstore_auth": ("write:pets", "read:pets")},
    )
    assert ops["placeOrder"].security is None
    assert [m.media_type for m in ops["addPet"].request_body.content] == [
        "application/json",
        "application/xml",
        "application/x-www-form-urlencoded",
    ]
    assert ops["addPet"].request_body.required is True
    assert [(p.name, p.location) for p in ops["deletePet"].parameters] == [
        ("api_key", "header"),
        ("petId", "path"),
    ]
    login = ops["loginUser"].responses[0]
    assert [(h.name, h.schema) for h in login.headers] == [
        ("X-Rate-Limit", {"type": "integer", "format": "int32"}),
        ("X-Expires-After", {"type": "string", "format": "date-time"}),
    ]
    assert doc.tags[0] == ("pet", "Everything about your Pets")
    assert set(doc.security_schemes) == {"petstore_auth", "api_key"}
    # 3.0 "example" is 3.1 "examples"
    assert doc.schemas["Order"]["properties"]["id"] == {
        "type": "integer",
        "format": "int64",
        "examples": [10],
    }


def test_uspto_form_body_and_server_variables():
    doc = _read("uspto.yaml")
    search = doc.operations[2]
    assert [p.name for p in search.parameters] == ["version", "dataset"]
    form = search.request_body.content[0]
    assert form.media_type == "application/x-www-form-urlencoded"
    assert form.schema["required"] == ["criteria"]
    assert doc.operations[0].path == "/"
    assert doc.servers[0].variables["scheme"]["default"] == "https"


def test_webhooks_are_operations_named_by_the_webhook():
    doc = _read("webhook-example.yaml")
    hook = doc.operations[-1]
    assert (hook.method, hook.path, hook.webhook) == ("POST", "newPet", "newPet")
    assert hook.request_body.content[0].schema == {"$ref": "#/components/schemas/Pet"}


COMPONENTS_DOC = {
    "openapi": "3.0.3",
    "info": {"title": "T", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/items/{itemId}": {
            "parameters": [
                {"$ref": "#/components/parameters/ItemId"},
                {"name": "trace", "in": "header", "schema": {"type": "string"}},
            ],
            "get": {
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {
                        "name": "trace",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {"$ref": "#/components/responses/Item"},
                    "404": {"$ref": "#/components/responses/Missing"},
                },
            },
            "put": {
                "security": [],
                "requestBody": {"$ref": "#/components/requestBodies/Item"},
                "responses": {"204": {"description": "saved"}},
            },
        },
    },
    "components": {
        "parameters": {
            "ItemId": {
                "name": "itemId",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            },
            "Limit": {
                "name": "limit",
                "in": "query",
                "schema": {
                    "type": "integer",
                    "nullable": True,
                    "minimum": 0,
                    "exclusiveMinimum": True,
                    "enum": [1, 2],
                },
            },
        },
        "responses": {
            "Item": {
                "description": "the item",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Item"},
                        "examples": {"one": {"$ref": "#/components/examples/One"}},
                    }
                },
            }
        },
        "requestBodies": {
            "Item": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Item/properties/name"}
                    }
                },
            }
        },
        "examples": {"One": {"value": {"name": "x"}}},
        "schemas": {"Item": {"type": "object", "properties": {"name": {"type": "string"}}}},
    },
}


def test_component_references_are_resolved_schema_references_kept():
    doc = read_openapi(COMPONENTS_DOC)
    get, put = doc.operations
    assert [(p.name, p.location, p.required) for p in get.parameters] == [
        ("itemId", "path", True),
        ("limit", "query", False),
        ("trace", "header", True),
    ]
    # 3.0 nullable and boolean exclusiveMinimum in 3.1's words
    assert get.parameters[1].schema == {
        "type": ["integer", "null"],
        "exclusiveMinimum": 0,
        "enum": [1, 2, None],
    }
    assert [r.code for r in get.responses] == ["200", "404"]
    assert get.responses[0].content[0].examples == (("one", {"name": "x"}),)
    assert get.responses[0].content[0].schema == {"$ref": "#/components/schemas/Item"}
    # a reference into a schema (not to a whole named one) is inlined
    assert put.request_body.content[0].schema == {"type": "string"}
    assert get.security == ({"bearer": ()},) and put.security == ()
    assert doc.problems == (
        "/paths/~1items~1{itemId}/get/responses/404: $ref '#/components/responses/Missing' "
        "points nowhere in the document",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "an OpenAPI document is a mapping with an 'openapi' version"),
        (
            '{"swagger": "1.2"}',
            "/swagger: '1.2' is not Swagger 2.0; 2.0, OpenAPI 3.0 and 3.1 are read",
        ),
        ("openapi: 2.5\n", "/openapi: '2.5' is not an OpenAPI 3.0 or 3.1 version"),
        ("info: {title: x}\n", "/openapi: 'nothing' is not an OpenAPI 3.0 or 3.1 version"),
    ],
)
def test_not_openapi_is_one_clear_error(text, message):
    with pytest.raises(
        OpenApiError,
        match="^" + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.") + "$",
    ):
        read_openapi(load_document(text))


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "openapi: 3.0.0\npaths: [\n",
            re.escape(
                "not valid YAML: expected the node content, but "
                "found '<stream end>' (line 3, column 1)"
            ),
        ),
        # the JSON parser's own words differ between Python versions; the position is the point
        ('{"openapi": "3.1.0",}', r"not valid JSON: .+ \(line 1, column 2[01]\)"),
    ],
)
def test_unparseable_document(text, pattern):
    with pytest.raises(OpenApiError) as info:
        load_document(text)
    assert re.fullmatch(pattern, str(info.value)), str(info.value)


def test_malformed_parts_are_skipped_and_named_with_their_pointer():
    doc = read_openapi(
        {
            "openapi": "3.1.0",
            "info": "nope",
            "servers": [{"description": "no url"}],
            "paths": {
                "/a": {
                    "get": {
                        "parameters": [{"in": "query"}, "x", {"$ref": "other.yaml#/p"}],
                        "requestBody": {"content": {"application/json": {"schema": [1]}}},
                        "responses": {"200": {"$ref": "#/components/responses/A"}},
                    }
                },
                "/b": "not a path item",
                "/c": {"post": {"responses": [], "security": {"a": []}}},
            },
            "components": {"responses": {"A": {"$ref": "#/components/responses/A"}}},
        }
    )
    assert [o.signature for o in doc.operations] == ["GET /a", "POST /c"]
    assert doc.problems == (
        "/info: expected a mapping, found str",
        "/servers/0: a server needs a 'url'",
        "/paths/~1a/get/parameters/0: a parameter needs a 'name' and 'in' "
        "(path, query, header, cookie)",
        "/paths/~1a/get/parameters/1: a parameter needs a 'name' and 'in' "
        "(path, query, header, cookie)",
        "/paths/~1a/get/parameters/2: $ref 'other.yaml#/p' is outside the document and is "
        "not followed",
        "/paths/~1a/get/requestBody/content/application~1json/schema: a schema is a mapping, "
        "not list",
        "/components/responses/A: $ref '#/components/responses/A' refers to itself",
        "/paths/~1b: expected a mapping, found str",
        "/paths/~1c/post/security: security is a list of requirements",
        "/paths/~1c/post/responses: expected a mapping, found list",
    )


def test_recursive_schema_is_kept_not_expanded_forever():
    doc = read_openapi(
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "Node": {
                        "type": "object",
                        "properties": {
                            "children": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Node"},
                            }
                        },
                    }
                }
            },
        }
    )
    assert doc.schemas["Node"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/Node"
    }


def test_kind_recognition():
    assert is_openapi(load_document(json.dumps(COMPONENTS_DOC)))
    assert is_openapi({"swagger": "2.0"})
    assert not is_openapi(load_document("# A plan\n\nSome text\n"))
