"""model.params: the compact parameter notation, read and written back."""

from __future__ import annotations

import pytest

from sphinxcontrib_plan.model.params import (
    ParamError,
    format_parameters,
    parse_parameters,
    path_names,
    type_text,
)


def test_the_documented_example():
    params = parse_parameters(
        'limit:integer=20 "Page size", cursor:string, status:open|closed\n'
        'since:string(date-time) "Only newer, \\"strictly\\""',
        "query",
    )
    assert params == [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "default": 20},
            "description": "Page size",
        },
        {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
        {
            "name": "status",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["open", "closed"]},
        },
        {
            "name": "since",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "format": "date-time"},
            "description": 'Only newer, "strictly"',
        },
    ]


def test_required_arrays_schema_names_and_defaults():
    params = parse_parameters(
        "Idempotency-Key*:string(uuid), ids:integer[], "
        "filter:Filter, code:string=0123, on:boolean=true, page=1",
        "header",
    )
    assert [(p["name"], p["required"], p["schema"]) for p in params] == [
        ("Idempotency-Key", True, {"type": "string", "format": "uuid"}),
        ("ids", False, {"type": "array", "items": {"type": "integer"}}),
        ("filter", False, {"$ref": "#/components/schemas/Filter"}),
        ("code", False, {"type": "string", "default": "0123"}),
        ("on", False, {"type": "boolean", "default": True}),
        ("page", False, {"type": "integer", "default": 1}),
    ]


def test_path_parameters_are_always_required():
    assert parse_parameters("id:integer", "path")[0]["required"] is True
    assert path_names("/items/{id}/parts/{part}/{id}") == ["id", "part"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "limit:integer 20",
            "'limit:integer 20' is not 'name[*][:type][{...}][=default] [\"description\"]'",
        ),
        ('limit "Page size', "a description's closing quote '\"' is missing"),
        (
            "a:str(ing",
            "'str(ing' is not a type: use a JSON type (string, integer, number, "
            "boolean, object, array, null), 'type(format)', 'type[]', 'a|b|c' or a "
            "plan-schema name",
        ),
        ("a:|x", "'|x' is not an enum 'a|b|c'"),
        (
            "a:1x",
            "'1x' is not a type: use a JSON type (string, integer, number, boolean, object, "
            "array, null), 'type(format)', 'type[]', 'a|b|c' or a plan-schema name",
        ),
        ("a, b, a", "'a' is given twice"),
    ],
)
def test_bad_notation_says_what_is_allowed(text, message):
    with pytest.raises(ParamError) as info:
        parse_parameters(text, "query")
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text",
    [
        'limit:integer=20 "Page size", cursor, status:open|closed',
        'X-Trace*:string(uuid) "Trace id, \\"quoted\\"", tags:string[], when=now',
        'filter:Filter, n:number=1.5, s="a, b", e="20"',
    ],
)
def test_written_back_as_read(text):
    params = parse_parameters(text, "query")
    assert format_parameters(params) == text
    assert parse_parameters(format_parameters(params), "query") == params


def test_type_text_only_when_the_notation_can_say_it():
    assert type_text({"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}) == "Tag[]"
    assert type_text({"type": "object", "properties": {"a": {}}}) is None
    assert type_text({"oneOf": [{"type": "string"}]}) is None
    assert type_text({"type": "string", "enum": ["has space", "b"]}) is None


#: parameters the short form cannot hold, and how they are written (22.3)
RICH = [
    (
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Page, size",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        },
        'limit:integer{"minimum": 1, "maximum": 100}=20 "Page, size"',
    ),
    (
        {
            "name": "status",
            "in": "query",
            "required": True,
            "style": "form",
            "explode": False,
            "deprecated": True,
            "schema": {"type": "string", "enum": ["a b", "c"]},
        },
        'status*:string{"enum": ["a b", "c"], "style": "form", "explode": false, '
        '"deprecated": true}',
    ),
    (
        {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": "^[a-z]{2,}$"},
        },
        'id:string{"pattern": "^[a-z]{2,}$"}',
    ),
    (
        {
            "name": "x",
            "in": "header",
            "required": False,
            "example": False,
            "schema": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        },
        'x:{"oneOf": [{"type": "string"}, {"type": "integer"}], "example": false}',
    ),
    (
        {
            "name": "since",
            "in": "query",
            "required": False,
            "schema": {"type": ["string", "null"], "format": "date-time"},
        },
        'since:{"type": ["string", "null"], "format": "date-time"}',
    ),
    (
        {"name": "start:gte", "in": "query", "required": False, "schema": {"type": "integer"}},
        '"start:gte":integer',
    ),
]


@pytest.mark.parametrize(("param", "text"), RICH)
def test_every_keyword_is_written_and_read_back(param, text):
    assert format_parameters([param]) == text
    assert parse_parameters(text, param["in"]) == [param]
