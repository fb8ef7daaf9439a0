"""Request bodies and responses of the OpenAPI export: media types, schemas, examples.

An endpoint's body and each response become ``content`` keyed by media type
(the ``:content-type:`` list, ``application/json`` by default), each with
the body's schema (``$ref`` s to ``plan-schema`` objects kept, so they point
into ``components.schemas``) and its examples: one as ``example``, several as
``examples``. Examples are read as JSON (``//`` comments allowed) or YAML;
anything else is kept as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.codedata import JSON_LANGUAGES, YAML_LANGUAGES, DataError, load_data
from sphinxcontrib_plan.model.schema import DIALECT, meta_errors

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinxcontrib_plan.model.records import BodySchema, Example, ObjectRecord

NO_RESPONSE = {"default": {"description": "No response documented in the plan."}}
_JSON_MEDIA = "application/json"


def example_value(example: Example) -> Any:
    """The value of a code block as an example: parsed JSON or YAML, else the text.

    :param example: a code block of the body
    :return: data, or the code as a string
    """
    language = example.language.lower()
    if language in JSON_LANGUAGES | YAML_LANGUAGES or not language:
        try:
            return load_data(example.code, language or "json")
        except DataError:
            pass
    return example.code


def data_examples(examples: Iterable[Example]) -> list[Any]:
    """The examples written as data (``json``/``yaml`` blocks, or unmarked JSON), as values.

    A ``json`` block that does not parse is kept as its text: the reader of the
    document still sees it (the ``plan.schema`` check reports it, when a schema applies).

    :param examples: code blocks
    :return: their values, in order
    """
    found = []
    for example in examples:
        value = example_value(example)
        if (
            not isinstance(value, str)
            or example.language.lower() in JSON_LANGUAGES | YAML_LANGUAGES
        ):
            found.append(value)
    return found


def export_schema(schema: Any) -> Any:
    """A schema as OpenAPI 3.1 carries it: the default ``$schema`` marker left out.

    A schema that is not valid JSON Schema (the build warned with
    ``plan.schema``) is left out, so the document stays valid.

    :param schema: a plan schema
    :return: the schema for the document, ``None`` when it is invalid
    """
    if schema is None or meta_errors(schema):
        return None
    if isinstance(schema, dict) and schema.get("$schema") == DIALECT:
        return {k: v for k, v in schema.items() if k != "$schema"}
    return schema


def _media_object(schema: BodySchema | None, values: list[Any], names: list[str]) -> dict[str, Any]:
    media: dict[str, Any] = {}
    exported = export_schema(schema.schema) if schema is not None else None
    if exported is not None:
        media["schema"] = exported
    if len(values) == 1:
        media["example"] = values[0]
    elif values:
        media["examples"] = {name: {"value": v} for name, v in zip(names, values, strict=False)}
    return media


def content(
    schema: BodySchema | None,
    examples: Iterable[Example],
    *,
    default_media: str | None = _JSON_MEDIA,
) -> dict[str, Any]:
    """The ``content`` of a body.

    :param schema: its schema and media types
    :param examples: its code blocks
    :param default_media: the media type when none is declared
    :return: media type → Media Type Object (empty when there is nothing to say)
    """
    examples = list(examples)
    values = data_examples(examples)
    types = list(schema.media_types) if schema is not None and schema.media_types else []
    if not values and types and examples:
        values = [examples[0].code]  # a declared media type takes an example of any language
    if not types:
        if (schema is None or schema.schema is None) and not values:
            return {}
        types = [default_media or _JSON_MEDIA]
    names = [f"example-{i}" for i in range(1, len(values) + 1)]
    return {media: _media_object(schema, values, names) for media in types}


def _headers(headers: Iterable[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for header in headers:
        entry: dict[str, Any] = {"schema": header.get("schema") or {"type": "string"}}
        if header.get("description"):
            entry["description"] = header["description"]
        if header.get("required"):
            entry["required"] = True
        out[header["name"]] = entry
    return out


def _summary(response: ObjectRecord) -> str:
    # the first line of the description tells two examples of one code apart
    text = response.response.description.strip() if response.response else ""
    return text.splitlines()[0] if text else response.title


def responses(children: list[ObjectRecord]) -> dict[str, Any]:
    """The ``responses`` of an operation from its ``plan-response`` children.

    A code documented twice (two error cases) keeps both: descriptions joined,
    examples side by side under their response's id.

    :param children: the endpoint's responses, in document order
    :return: code → Response Object
    """
    by_code: dict[str, list[ObjectRecord]] = {}
    for response in children:
        code = response.response.code if response.response else "default"
        by_code.setdefault(code, []).append(response)
    out: dict[str, Any] = {}
    for code, group in by_code.items():
        entry: dict[str, Any] = {
            "description": "\n\n".join(
                (r.response and (r.response.description or r.response.reason)) or r.title
                for r in group
            )
        }
        media: dict[str, dict[str, Any]] = {}
        examples: dict[str, list[tuple[ObjectRecord, Any]]] = {}
        for response in group:
            data = response.response
            if data is None:
                continue
            found = content(data.body, data.examples)
            for mtype, value in found.items():
                media.setdefault(mtype, {}).update(
                    {k: v for k, v in value.items() if k == "schema"}
                )
                for example in (
                    (value.get("example"),)
                    if "example" in value
                    else [e["value"] for e in value.get("examples", {}).values()]
                ):
                    examples.setdefault(mtype, []).append((response, example))
            if data.headers:
                entry.setdefault("headers", {}).update(_headers(data.headers))
        for mtype, value in media.items():
            found_examples = examples.get(mtype, [])
            if len(found_examples) == 1:
                value["example"] = found_examples[0][1]
            elif found_examples:
                value["examples"] = {
                    f"{r.id}-{i}" if sum(x is r for x, _ in found_examples) > 1 else r.id: {
                        "summary": _summary(r),
                        "value": v,
                    }
                    for i, (r, v) in enumerate(found_examples, start=1)
                }
            entry.setdefault("content", {})[mtype] = value
        out[code] = entry
    return out
