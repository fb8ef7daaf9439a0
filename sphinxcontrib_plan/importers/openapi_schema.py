"""Schemas of an OpenAPI document, read into JSON Schema 2020-12.

References to a named schema (``#/components/schemas/Pet``) stay as written:
the name becomes a ``plan-schema``. Any other internal reference is replaced
by what it points to, so every schema stands on its own. OpenAPI 3.0's
differences from JSON Schema are rewritten: ``nullable: true`` adds
``"null"`` to the type, a boolean ``exclusiveMaximum``/``exclusiveMinimum``
becomes the number, and ``example`` becomes ``examples``.
"""

from __future__ import annotations

from typing import Any

from sphinxcontrib_plan.importers.openapi_model import OpenApiError
from sphinxcontrib_plan.model.limits import MAX_DEPTH, MAX_REF_VALUES
from sphinxcontrib_plan.model.references import References
from sphinxcontrib_plan.model.schema import (
    COMPONENTS,
    ONE_SCHEMA,
    SCHEMA_LISTS,
    SCHEMA_MAPS,
)


def pointer(path: tuple[Any, ...]) -> str:
    """The JSON pointer (RFC 6901) of a path, for messages.

    :param path: keys and indices
    :return: e.g. ``/paths/~1pets~1{id}/get``
    """
    return (
        "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path) if path else "/"
    )


class SchemaReader:
    """Reads the schemas of one document.

    :param data: the whole document (references resolve in it)
    :param legacy: whether it is OpenAPI 3.0 (its schemas are rewritten)
    :param problems: where ``/pointer: what`` problems are appended
    """

    def __init__(
        self,
        data: dict[str, Any],
        *,
        legacy: bool,
        problems: list[str],
        references: References | None = None,
    ) -> None:
        self.data = data
        self.references = references or References(data)
        self.legacy = legacy
        self.problems = problems
        self.named = (
            data.get("components", {}).get("schemas", {})
            if isinstance(data.get("components"), dict)
            else {}
        )
        self._expanding: list[str] = []
        self._depth = 0
        self._copied = 0

    def read(self, schema: Any, path: tuple[Any, ...]) -> Any:
        """One schema, as JSON Schema 2020-12.

        :param schema: the schema as written
        :param path: where it is, for problems
        :return: the schema (a new object; the input is not changed)
        """
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            self.problems.append(
                f"{pointer(path)}: a schema is a mapping, not {type(schema).__name__}"
            )
            return {}
        if isinstance(schema.get("$ref"), str):
            return self._reference(schema, path)
        self._depth += 1
        try:
            return self._read(schema, path)
        finally:
            self._depth -= 1

    def _read(self, schema: dict[str, Any], path: tuple[Any, ...]) -> Any:
        if self._depth > MAX_DEPTH:
            raise OpenApiError(
                f"{pointer(path)}: schemas nested more than {MAX_DEPTH} levels "
                "deep (with their $refs followed)"
            )
        if self._expanding:
            self._copied += 1
            if self._copied > MAX_REF_VALUES:
                raise OpenApiError(
                    f"{pointer(path)}: too large: its $refs (outside components.schemas) copy "
                    f"in more than {MAX_REF_VALUES:,} schemas (the limit); name the schema "
                    "they point to in components.schemas, which stays a reference"
                )
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in ONE_SCHEMA and isinstance(value, (dict, bool)):
                out[key] = self.read(value, (*path, key))
            elif key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.read(v, (*path, key, k)) for k, v in value.items()}
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.read(v, (*path, key, i)) for i, v in enumerate(value)]
            else:
                out[key] = value
        return self._modernise(out) if self.legacy else out

    def _reference(self, schema: dict[str, Any], path: tuple[Any, ...]) -> Any:
        ref = schema["$ref"]
        # 3.0 ignores the siblings of $ref (a nullable reference aside); 3.1 applies them
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        if self.legacy:
            nullable = siblings.pop("nullable", None) is True
            ignored = [k for k in siblings if k != "description"]
            if ignored:
                self.problems.append(
                    f"{pointer(path)}: beside $ref, not carried (OpenAPI 3.0 "
                    f"ignores it): {', '.join(ignored)}"
                )
            if nullable:
                return {"anyOf": [self._reference({"$ref": ref}, path), {"type": "null"}]}
            siblings = {}
        if ref.startswith(COMPONENTS) and "/" not in ref[len(COMPONENTS) :]:
            name = ref[len(COMPONENTS) :].replace("~1", "/").replace("~0", "~")
            if name not in self.named:
                self.problems.append(
                    f"{pointer(path)}: $ref {ref!r} names no schema of components.schemas"
                )
            return {"$ref": ref, **self.read(siblings, path)} if siblings else {"$ref": ref}
        if not ref.startswith("#"):
            self.problems.append(
                f"{pointer(path)}: $ref {ref!r} is outside the document and is not followed"
            )
            return dict(schema)
        found = self.references.lookup(ref)
        if found is None:
            self.problems.append(f"{pointer(path)}: $ref {ref!r} points nowhere in the document")
            return {}
        if ref in self._expanding:
            self.problems.append(
                f"{pointer(path)}: $ref {ref!r} refers to itself; it is kept as written"
            )
            return {"$ref": ref}
        self._expanding.append(ref)
        try:
            target = self.read(found[0], found[1])
        finally:
            self._expanding.pop()
        if siblings and isinstance(target, dict):
            return {"allOf": [target], **self.read(siblings, path)}
        return target

    @staticmethod
    def _modernise(schema: dict[str, Any]) -> dict[str, Any]:
        if "nullable" in schema:
            nullable = schema.pop("nullable") is True
            kind = schema.get("type")
            if nullable and isinstance(kind, str):
                schema["type"] = [kind, "null"]
            if nullable and isinstance(schema.get("enum"), list) and None not in schema["enum"]:
                schema["enum"] = [*schema["enum"], None]
        for bound in ("Maximum", "Minimum"):
            flag = schema.get(f"exclusive{bound}")
            if isinstance(flag, bool):
                del schema[f"exclusive{bound}"]
                if flag and f"{bound.lower()}" in schema:
                    schema[f"exclusive{bound}"] = schema.pop(bound.lower())
        if "example" in schema and "examples" not in schema:
            schema["examples"] = [schema.pop("example")]
        return schema
