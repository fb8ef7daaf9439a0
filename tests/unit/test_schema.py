"""model.schema: schemas against 2020-12, examples against schemas, paths and lines."""

from __future__ import annotations

import pytest

from sphinxcontrib_plan.model.codedata import DataError, load_data, locate, strip_comments
from sphinxcontrib_plan.model.schema import (
    Problem,
    SchemaSet,
    check_schema,
    json_path,
    references,
    with_lines,
)

PAYMENT = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {
        "amount": {"type": "integer", "minimum": 0},
        "currency": {"type": "string", "minLength": 3, "maxLength": 3},
        "created_at": {"type": "string", "format": "date-time"},
        "card": {"$ref": "#/components/schemas/Card"},
    },
}
CARD = {
    "type": "object",
    "required": ["last_four"],
    "properties": {"last_four": {"type": "string", "pattern": "^[0-9]{4}$"}},
}


def test_valid_schema_has_no_problems():
    assert check_schema(PAYMENT) == []
    assert check_schema(True) == []


def test_meta_schema_errors_name_path_and_allowed_values():
    problems = check_schema({"type": "int", "properties": {"a": {"minimum": "x"}}})
    assert [str(p) for p in problems] == [
        "$.properties.a.minimum: 'x' is not of type 'number'",
        "$.type: 'int' is not one of ['array', 'boolean', 'integer', 'null', 'number', "
        "'object', 'string']",
    ]


def test_misspelt_keyword_is_reported_with_the_keyword_meant():
    problems = check_schema(
        {
            "type": "object",
            "requried": ["a"],
            "properties": {
                "a": {"type": "string", "minLenght": 1},
                "b": {"x-internal": True, "title": "B"},
            },
        }
    )
    assert [str(p) for p in problems] == [
        "$: unknown keyword 'requried' (did you mean 'required'?)",
        "$.properties.a: unknown keyword 'minLenght' (did you mean 'minLength'?)",
    ]


@pytest.mark.parametrize(
    ("schema", "kind"), [([1], "an array"), ("s", "a string"), (3, "a number"), (None, "null")]
)
def test_a_schema_is_an_object_or_boolean(schema, kind):
    assert check_schema(schema) == [Problem("$", f"a schema is an object or a boolean, not {kind}")]


def test_every_error_of_an_example_in_path_order_with_its_line():
    text = """{
  "amount": "ten",   // comment
  "created_at": "2024-01-15 10:30",
  "card": {"last_four": 4242}
}"""
    problems = with_lines(
        SchemaSet({"Card": CARD}).validate(load_data(text), PAYMENT), text, "json"
    )
    assert [(str(p), p.line) for p in problems] == [
        ("$: 'currency' is a required property", 0),
        ("$.amount: 'ten' is not of type 'integer'", 1),
        ("$.card.last_four: 4242 is not of type 'string'", 3),
        ("$.created_at: '2024-01-15 10:30' is not a 'date-time'", 2),
    ]


def test_valid_example_and_yaml_example():
    schemas = SchemaSet({"Card": CARD})
    example = {
        "amount": 10,
        "currency": "EUR",
        "created_at": "2024-01-15T10:30:00Z",
        "card": {"last_four": "4242"},
    }
    assert schemas.validate(example, PAYMENT) == []
    text = "amount: -1\ncurrency: EURO\n"
    problems = with_lines(schemas.validate(load_data(text, "yaml"), PAYMENT), text, "yaml")
    assert [(str(p), p.line) for p in problems] == [
        ("$.amount: -1 is less than the minimum of 0", 0),
        ("$.currency: 'EURO' is too long", 1),
    ]


def test_named_schemas_refer_to_each_other():
    schemas = SchemaSet({"Payment": PAYMENT, "Card": CARD})
    wrapper = {"type": "array", "items": {"$ref": "#/components/schemas/Payment"}}
    problems = schemas.validate([{"amount": 1, "currency": "EUR", "card": {}}], wrapper)
    assert [str(p) for p in problems] == ["$[0].card: 'last_four' is a required property"]


def test_unknown_reference_is_a_problem_never_a_download():
    schemas = SchemaSet({"Crad": CARD})
    assert [str(p) for p in schemas.unknown_references(PAYMENT)] == [
        "$.properties.card: $ref '#/components/schemas/Card' names no schema; did you mean Crad?"
    ]
    assert [str(p) for p in SchemaSet().validate({}, {"$ref": "https://example.com/s.json"})] == [
        "$: the schema's reference 'https://example.com/s.json' cannot be resolved; references "
        "name a plan-schema as '#/components/schemas/NAME' or a place in the schema itself"
    ]
    assert "no plan-schema is defined" in str(SchemaSet().unknown_references(PAYMENT)[0])


def test_one_of_reports_the_nearest_alternative():
    schema = {
        "type": "array",
        "items": {"oneOf": [{"type": "integer"}, {"type": "object", "required": ["id"]}]},
    }
    assert [str(p) for p in SchemaSet().validate([1, {"name": "x"}], schema)] == [
        "$[1]: 'id' is a required property"
    ]


def test_formats_are_the_same_everywhere():
    schema = {
        "type": "object",
        "properties": {
            "d": {"format": "date"},
            "e": {"format": "email"},
            "u": {"format": "uuid"},
            "t": {"format": "date-time"},
            "uri": {"format": "uri"},
        },
    }
    good = {
        "d": "2024-01-31",
        "e": "a@b.io",
        "u": "12345678-1234-1234-1234-123456789012",
        "t": "2024-01-15T10:30:00+02:00",
        "uri": "not checked",
    }
    assert SchemaSet().validate(good, schema) == []
    bad = {"d": "2024-02-31", "e": "nobody", "u": "xyz", "t": "2024-13-15T10:30:00Z"}
    assert [p.path for p in SchemaSet().validate(bad, schema)] == ["$.d", "$.e", "$.t", "$.u"]


def test_long_values_are_shortened_in_messages():
    problems = SchemaSet().validate({"a": "x" * 500}, {"properties": {"a": {"type": "integer"}}})
    assert len(problems[0].message) == 200 and problems[0].message.endswith("…")


def test_comments_are_blanked_outside_strings_only():
    text = '{"url": "http://x//y", /* block\n comment */ "a": 1} // end'
    stripped = strip_comments(text)
    assert stripped.count("\n") == 1 and load_data(text) == {"url": "http://x//y", "a": 1}
    assert load_data('{"s": "a \\" // b"}') == {"s": 'a " // b'}


@pytest.mark.parametrize(
    ("text", "language", "message", "line"),
    [
        (
            '{\n  "a": 1,,\n}',
            "json",
            "not valid JSON: Expecting property name enclosed in double quotes (line 2, column 10)",
            1,
        ),
        (
            '{\n  "data": { ... }\n}',
            "json",
            "not valid JSON: Expecting property name enclosed in double quotes (line 2, column 13)",
            1,
        ),
        ("a: [1\nb: 2", "yaml", "not valid YAML: expected ',' or ']', but got ':'", 1),
        ("[" * 100_000, "json", "nested more than 100 levels deep", None),
    ],
)
def test_unreadable_data_says_where(text, language, message, line):
    with pytest.raises(DataError) as info:
        load_data(text, language)
    assert (info.value.message, info.value.line) == (message, line)


def test_yaml_is_read_safely():
    with pytest.raises(DataError):
        load_data("!!python/object/apply:os.system ['true']", "yaml")


def test_locate_and_paths():
    text = '{\n  "a": [\n    1,\n    {"b c": 2}\n  ]\n}'
    assert locate(text, "json", ["a", 1, "b c"]) == 3
    assert locate(text, "json", ["missing"]) is None
    assert locate("{ not json", "json", ["a"]) is None
    assert json_path(["data", "items", 0, "unit price"]) == "$.data.items[0]['unit price']"
    assert references(
        {"items": {"$ref": "#/$defs/x"}, "$defs": {"x": {"$ref": "#/components/schemas/Y"}}}
    ) == [(("items", "$ref"), "#/$defs/x"), (("$defs", "x", "$ref"), "#/components/schemas/Y")]
