"""The JSON Schema of ``plan.json``, derived from the type registry.

``schema/plan.schema.json`` is this module's output, committed and shipped
with the package; a test keeps the two in step. After changing a built-in
type, regenerate it with ``python -m sphinxcontrib_plan.export.plan_schema``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.export.json import SCHEMA_PATH, dumps
from sphinxcontrib_plan.model.derived import derived_for
from sphinxcontrib_plan.model.ids import METHODS
from sphinxcontrib_plan.model.planjson import SCHEMA_ID, SCHEMA_VERSION
from sphinxcontrib_plan.model.types import BUILTIN
from sphinxcontrib_plan.model.typespec import Kind

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.typespec import FieldSpec, ObjectType, Registry

DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: JSON Schema of a field value, by kind (enums get their choices on top)
KIND_SCHEMAS: dict[Kind, dict[str, Any]] = {
    Kind.TEXT: {"type": "string"},
    Kind.ENUM: {"type": "string"},
    Kind.DATE: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    Kind.WEEKS: {
        "type": "array",
        "items": {"type": "integer", "minimum": 0},
        "minItems": 2,
        "maxItems": 2,
        "description": "First and last week (equal for a single week).",
    },
    Kind.LIST: {"type": "array", "items": {"type": "string"}},
    Kind.REF: {"type": "string", "description": "Id of an object."},
    Kind.REFS: {"type": "array", "items": {"type": "string"}, "description": "Ids of objects."},
    Kind.FLAG: {"type": "boolean"},
    Kind.PERCENT: {"type": "number", "minimum": 0, "maximum": 100},
    Kind.NUMBER: {"type": "number"},
    Kind.DOC: {"type": "string", "description": "Document path (like {doc}) or URL."},
}

_EXAMPLE = {
    "type": "object",
    "required": ["language", "code"],
    "additionalProperties": False,
    "properties": {"language": {"type": "string"}, "code": {"type": "string"}},
}

_EXTERNAL = {
    "type": "object",
    "required": ["name", "project", "version", "sha256", "plans", "objects"],
    "additionalProperties": False,
    "properties": {
        "name": {
            "type": "string",
            "description": "The project's name in plan_external, the prefix of its ids.",
        },
        "project": {"type": "string", "description": "The project name its plan.json gives."},
        "version": {"type": ["string", "null"]},
        "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "SHA-256 of the plan.json read.",
        },
        "plans": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Its plans' ids, with the prefix.",
        },
        "objects": {"type": "integer", "minimum": 0, "description": "How many objects it has."},
    },
}
_PARAMETER = {
    "type": "object",
    "required": ["name", "in", "required", "schema"],
    "properties": {
        "name": {"type": "string"},
        "in": {"enum": ["path", "query", "header", "cookie"]},
        "required": {"type": "boolean"},
        "schema": {},
        "description": {"type": "string"},
    },
    "description": "An OpenAPI Parameter Object, from the compact notation.",
}
_BODY = {
    "type": "object",
    "required": ["schema", "media_types"],
    "properties": {
        "schema": {"description": "A JSON Schema (2020-12)."},
        "media_types": {"type": "array", "items": {"type": "string"}},
    },
}

_COVERAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rule", "help", "objects", "checked", "covered", "percent", "gaps"],
    "properties": {
        "rule": {"type": "string", "description": "The rule's name."},
        "help": {"type": "string", "description": "What the rule asks."},
        "objects": {"type": "string", "description": "Type of the objects it checks."},
        "checked": {"type": "integer", "minimum": 0},
        "covered": {"type": "integer", "minimum": 0},
        "percent": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 100,
            "description": "Covered in percent, rounded down; null when none is checked.",
        },
        "gaps": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Ids of the objects not covered, in document order.",
        },
    },
}

#: the type-specific ``data`` of the types whose reading fills it
DATA_SCHEMAS: dict[str, dict[str, Any]] = {
    "endpoint": {
        "type": "object",
        "required": ["method", "path", "params", "examples"],
        "properties": {
            "method": {"enum": list(METHODS)},
            "path": {"type": "string"},
            "params": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Names of the path parameters, e.g. id in /items/{id}.",
            },
            "examples": {"type": "array", "items": {"$ref": "#/$defs/example"}},
            "description": {"type": "string", "description": "Prose of the endpoint's body."},
            "parameters": {"type": "array", "items": _PARAMETER},
            "body": {**_BODY, "description": "The request body's schema."},
        },
    },
    "response": {
        "type": "object",
        "required": ["code", "reason", "examples"],
        "properties": {
            "code": {"type": "string", "pattern": "^([1-5][0-9]{2}|[1-5]XX|default)$"},
            "reason": {"type": "string"},
            "description": {"type": "string"},
            "examples": {"type": "array", "items": {"$ref": "#/$defs/example"}},
            "headers": {"type": "array", "items": _PARAMETER},
            "body": {**_BODY, "description": "The response body's schema."},
        },
    },
    "event": {
        "type": "object",
        "properties": {
            "examples": {"type": "array", "items": {"$ref": "#/$defs/example"}},
            "body": {**_BODY, "description": "The payload's schema."},
        },
    },
    "schema": {
        "type": "object",
        "properties": {"schema": {"description": "The JSON Schema (2020-12) it holds."}},
    },
    "table": {
        "type": "object",
        "properties": {
            "schema": {
                "type": "array",
                "items": {"type": "object"},
                "description": "Tables read from the CREATE TABLE SQL.",
            }
        },
    },
}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one field's canonical value.

    :param spec: the field
    :return: a JSON Schema
    """
    schema = dict(KIND_SCHEMAS[spec.kind])
    if spec.kind is Kind.ENUM and spec.choices:
        schema = {"enum": list(spec.choices)}
    if spec.help:
        schema["description"] = spec.help
    return schema


def fields_schema(otype: ObjectType) -> dict[str, Any]:
    """The schema of the ``fields`` object of one type (``id``, ``plan`` are top-level).

    :param otype: the type
    :return: a JSON Schema
    """
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            f.name: field_schema(f) for f in otype.all_fields if f.name not in ("id", "plan")
        },
    }


def _record(registry: Registry) -> dict[str, Any]:
    types = [t.name for t in registry]
    nullable_string = {"type": ["string", "null"]}
    return {
        "type": "object",
        "required": [
            "type",
            "id",
            "title",
            "plan",
            "fields",
            "derived",
            "checks",
            "parent",
            "data",
            "body",
            "docname",
            "source",
            "line",
            "anchor",
            "url",
        ],
        "additionalProperties": False,
        "properties": {
            "type": {
                "anyOf": [{"enum": types}, {"$ref": "#/$defs/userType"}],
                "description": "Object type: a built-in type or one of plan_types.",
            },
            "id": {"type": "string", "minLength": 1},
            "title": {"type": "string", "description": "Title; the signature of an endpoint."},
            "plan": {**nullable_string, "description": "Plan id; null for an orphan."},
            "fields": {"type": "object", "description": "Typed option values, canonical."},
            "derived": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": ["string", "number", "boolean", "null"]},
                        {"type": "array", "items": {"type": "string"}},
                    ]
                },
                "description": "Values computed from the index, e.g. a risk's severity.",
            },
            "checks": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["done", "total"],
                        "additionalProperties": False,
                        "properties": {
                            "done": {"type": "integer", "minimum": 0},
                            "total": {"type": "integer", "minimum": 0},
                        },
                    },
                ],
                "description": "Counted [x] / [ ] items of a checklist type.",
            },
            "parent": {**nullable_string, "description": "Id of the enclosing endpoint."},
            "data": {"type": "object", "description": "Type-specific data read from the body."},
            "body": {
                "type": "string",
                "description": "Text of the body, nested objects left out, whitespace "
                "folded within paragraphs (what diffs and approval "
                "fingerprints compare).",
            },
            "docname": {"type": "string"},
            "source": {
                **nullable_string,
                "description": "Source file, relative to the source directory.",
            },
            "line": {"type": "integer", "minimum": 0},
            "anchor": {"type": "string", "minLength": 1},
            "url": {
                **nullable_string,
                "description": "Page and anchor relative to the output directory "
                "(HTML builders); null otherwise.",
            },
        },
        "allOf": [_per_type(t) for t in registry],
    }


def _per_type(otype: ObjectType) -> dict[str, Any]:
    then: dict[str, Any] = {"properties": {"fields": fields_schema(otype)}}
    derived = {
        d.name: {"type": [d.json_type, "null"], "description": d.help}
        for d in derived_for(otype)
        if not d.top_level
    }
    if derived:
        then["properties"]["derived"] = {"type": "object", "properties": derived}
    if otype.name in DATA_SCHEMAS:
        then["properties"]["data"] = DATA_SCHEMAS[otype.name]
    if otype.checklist:
        then["properties"]["checks"] = {"not": {"type": "null"}}
    if otype.parent:
        then["properties"]["parent"] = {"type": "string"}
    return {"if": {"properties": {"type": {"const": otype.name}}}, "then": then}


def build_schema(registry: Registry = BUILTIN) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``plan.json``.

    :param registry: the types whose fields are described (the built-ins)
    :return: the schema
    """
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "plan.json of sphinxcontrib-plan",
        "description": "Every plan and plan object of a Sphinx project, as written to the "
        "output directory by each build. Plans are sorted by id, objects "
        "are in document order (documents sorted by name).",
        "type": "object",
        "required": [
            "$schema",
            "schema_version",
            "generator",
            "project",
            "version",
            "plans",
            "objects",
        ],
        "additionalProperties": False,
        "properties": {
            "$schema": {"const": SCHEMA_ID},
            "schema_version": {"const": SCHEMA_VERSION},
            "generator": {
                "type": "object",
                "required": ["name", "version"],
                "properties": {
                    "name": {"const": "sphinxcontrib-plan"},
                    "version": {"type": "string"},
                },
            },
            "project": {"type": "string"},
            "version": {"type": ["string", "null"]},
            "plans": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/$defs/record"},
                        {"properties": {"type": {"const": "plan"}, "plan": {"type": "string"}}},
                    ]
                },
            },
            "objects": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/$defs/record"},
                        {"properties": {"type": {"not": {"const": "plan"}}}},
                    ]
                },
            },
            "external": {
                "type": "array",
                "items": {"$ref": "#/$defs/external"},
                "description": "The other projects (plan_external) this build read, "
                "by name. Their objects are not in plans or objects.",
            },
            "coverage": {
                "type": "array",
                "items": _COVERAGE,
                "description": "Each coverage rule of plan_coverage_rules (in its "
                "order) with its counts; empty without rules.",
            },
        },
        "$defs": {
            "record": _record(registry),
            "example": _EXAMPLE,
            "external": _EXTERNAL,
            "userType": {
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                "not": {"enum": [t.name for t in registry]},
                "description": "A type declared in plan_types: its fields are not described.",
            },
        },
    }


def write_schema() -> None:
    """Regenerate the committed ``schema/plan.schema.json``."""
    SCHEMA_PATH.write_text(dumps(build_schema()), encoding="utf-8")


if __name__ == "__main__":
    write_schema()
