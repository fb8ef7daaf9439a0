"""model.api_checks: schema problems and examples against schemas, with their lines."""

from __future__ import annotations

from sphinxcontrib_plan.model.api_checks import SchemaFinding, SchemaUse, Source, check_project
from sphinxcontrib_plan.model.records import Example

MONEY = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}}


def test_example_checked_against_a_named_schema_at_the_failing_line():
    example = Example("json", '{\n  "amount": "ten"\n}', 20)
    use = SchemaUse(
        "endpoint 'POST /pay' (request body)",
        Source("api", 10),
        {"$ref": "#/components/schemas/Money"},
        examples=(example,),
    )
    assert check_project({"Money": (MONEY, Source("schemas", 3))}, [use]) == [
        SchemaFinding(
            "endpoint 'POST /pay' (request body): the example does not match schema 'Money': "
            "$.amount: 'ten' is not of type 'integer'",
            Source("api", 21),
        )
    ]


def test_broken_schemas_are_reported_and_their_examples_not_checked():
    bad = {"type": "object", "properties": {"a": {"type": "int"}}, "requried": ["a"]}
    use = SchemaUse(
        "response '200 OK' of 'GET /x'",
        Source("api", 5),
        bad,
        Source("api", 7),
        (Example("json", "{}", 12),),
    )
    findings = check_project(
        {"Gone": ({"$ref": "#/components/schemas/Nope"}, Source("s", 1))}, [use]
    )
    assert [(f.message, f.where.line) for f in findings] == [
        ("schema 'Gone': $: $ref '#/components/schemas/Nope' names no schema; known: Gone", 1),
        (
            "response '200 OK' of 'GET /x': the schema is not valid JSON Schema 2020-12: "
            "$.properties.a.type: 'int' is not one of ['array', 'boolean', 'integer', 'null', "
            "'number', 'object', 'string']",
            7,
        ),
        (
            "response '200 OK' of 'GET /x': the schema is not valid JSON Schema 2020-12: "
            "$: unknown keyword 'requried' (did you mean 'required'?)",
            7,
        ),
    ]


def test_unreadable_example_and_yaml_example():
    use = SchemaUse(
        "event 'paid'",
        Source("ev", 1),
        MONEY,
        examples=(
            Example("json", '{\n  "amount": 1,,\n}', 4),
            Example("yaml", "amount: 3\n", 9),
            Example("yaml", "amount: x\n", 14),
        ),
    )
    assert [(f.message, f.where.line) for f in check_project({}, [use])] == [
        (
            "event 'paid': the example is not valid JSON: Expecting property name enclosed in "
            "double quotes (line 2, column 15); it cannot be checked against the schema",
            5,
        ),
        (
            "event 'paid': the example does not match its schema: $.amount: 'x' is not of type "
            "'integer'",
            14,
        ),
    ]


def test_uses_without_schema_are_not_checked():
    use = SchemaUse(
        "endpoint 'GET /x'", Source("a", 1), None, examples=(Example("json", "not json", 3),)
    )
    assert check_project({}, [use]) == []
