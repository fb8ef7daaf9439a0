"""The compact parameter notation of ``plan-endpoint`` (``:query:``, ``:header:``...).

One option per location; its value lists parameters separated by commas or
new lines::

    :query: limit:integer=20 "Page size", cursor:string, status:open|closed
    :header: Idempotency-Key*:string(uuid) "Deduplicates retries"
    :path: id:integer "The payment method"

Each parameter is ``NAME[*][:TYPE][=DEFAULT]["DESCRIPTION"]``:

- ``*`` marks it required (path parameters always are);
- ``TYPE`` is a JSON type (``string``, ``integer``, ``number``, ``boolean``,
  ``object``, ``array``), optionally with a format in parentheses
  (``string(date-time)``) and ``[]`` for an array of it (``string[]``);
  ``a|b|c`` is a string enum; any other word names a ``plan-schema``;
- ``DEFAULT`` is a JSON value or a bare word (read as the type says; with
  no type, the default's JSON type is the parameter's: ``page=1`` is an integer);
- the description is double-quoted; ``\\"`` is a quote inside it.

Pure: no Sphinx. :func:`format_parameters` writes the notation back, so an
imported OpenAPI parameter comes back as it was read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sphinxcontrib_plan.model.schema import COMPONENTS

#: the JSON types the notation names directly
JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")
#: the options of ``plan-endpoint`` holding parameters, by OpenAPI location
OPTIONS = {"path": "path", "query": "query", "header": "header", "cookie": "cookie"}

_NAME = r"[A-Za-z0-9_.\-\[\]$]+"
_PARAM = re.compile(
    rf"(?P<name>{_NAME})(?P<required>\*)?"
    r"(?::(?P<type>[^=\"\s]+))?"
    r"(?:=(?P<default>\"(?:[^\"\\]|\\.)*\"|[^\s\"]+))?"
    r"(?:\s*\"(?P<description>(?:[^\"\\]|\\.)*)\")?")
_TYPE = re.compile(r"(?P<base>[A-Za-z_][\w.\-]*)(?:\((?P<format>[^()]+)\))?(?P<array>(?:\[\])*)")
_PATH_NAMES = re.compile(r"\{([^{}/]+)\}")


class ParamError(ValueError):
    """A parameter list does not follow the notation; the message says where."""


def path_names(path: str) -> list[str]:
    """The ``{name}`` s of a path, in order.

    :param path: e.g. ``/items/{id}/parts/{part}``
    :return: e.g. ``["id", "part"]``
    """
    return list(dict.fromkeys(_PATH_NAMES.findall(path)))


def _split(text: str) -> list[str]:
    """Top-level items of a list: commas and new lines outside quotes and parentheses."""
    items: list[str] = []
    current: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in text:
        if quoted:
            quoted = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            quoted = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char in ",\n" and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    if quoted:
        raise ParamError("a description's closing quote '\"' is missing")
    items.append("".join(current).strip())
    return [i for i in items if i]


def type_schema(text: str) -> dict[str, Any]:
    """The JSON Schema of a type in the notation.

    :param text: e.g. ``integer``, ``string(date-time)``, ``string[]``, ``a|b``, ``Money``
    :return: the schema
    :raises ParamError: when the text is not a type
    """
    if "|" in text:
        values = [v for v in text.split("|") if v]
        if len(values) < 2:
            raise ParamError(f"{text!r} is not an enum 'a|b|c'")
        return {"type": "string", "enum": values}
    match = _TYPE.fullmatch(text)
    if not match:
        raise ParamError(f"{text!r} is not a type: use a JSON type ({', '.join(JSON_TYPES)}), "
                         "'type(format)', 'type[]', 'a|b|c' or a plan-schema name")
    base = match["base"]
    schema: dict[str, Any] = ({"type": base} if base in JSON_TYPES
                              else {"$ref": COMPONENTS + base})
    if match["format"]:
        schema["format"] = match["format"].strip()
    for _ in range(match["array"].count("[]")):
        schema = {"type": "array", "items": schema}
    return schema


def _default(text: str, schema: dict[str, Any]) -> Any:
    try:
        value = json.loads(text)
    except ValueError:
        return text  # a bare word: a string
    if schema.get("type") == "string" and not isinstance(value, str):
        return text  # ``=0123`` for a string keeps its zero
    return value


def _json_type(value: Any) -> str:
    kinds = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
             (list, "array"), (dict, "object"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")


def parse_parameters(text: str, location: str) -> list[dict[str, Any]]:
    """Read one option's parameter list.

    :param text: the option's value
    :param location: ``path``, ``query``, ``header`` or ``cookie``
    :return: OpenAPI Parameter Objects (``name``, ``in``, ``required``,
        ``schema``, and ``description`` when given)
    :raises ParamError: naming the first item that cannot be read
    """
    params: list[dict[str, Any]] = []
    for item in _split(text):
        match = _PARAM.fullmatch(item)
        if not match:
            raise ParamError(f"{item!r} is not 'name[*][:type][=default] [\"description\"]'")
        schema = type_schema(match["type"]) if match["type"] else {}
        if match["default"] is not None:
            schema["default"] = _default(match["default"], schema)
        if not match["type"]:  # ``page=1``: the default tells the type, else a string
            schema = {"type": _json_type(schema.get("default", "")), **schema}
        param: dict[str, Any] = {
            "name": match["name"], "in": location,
            "required": location == "path" or bool(match["required"]),
            "schema": schema,
        }
        if match["description"]:
            param["description"] = re.sub(r"\\(.)", r"\1", match["description"])
        if any(p["name"] == param["name"] for p in params):
            raise ParamError(f"{param['name']!r} is given twice")
        params.append(param)
    return params


def type_text(schema: Any) -> str | None:
    """The notation of a schema's type, when the notation can say it.

    :param schema: a JSON Schema
    :return: e.g. ``string(date-time)``, ``integer[]``, ``a|b``, ``Money``;
        ``None`` for a schema richer than a type (``oneOf``, an object's properties...)
    """
    if not isinstance(schema, dict):
        return None
    rest = {k: v for k, v in schema.items() if k not in ("default", "description")}
    if set(rest) == {"$ref"} and str(rest["$ref"]).startswith(COMPONENTS):
        name = rest["$ref"][len(COMPONENTS):]
        return name if _TYPE.fullmatch(name) and name not in JSON_TYPES else None
    if rest.get("type") == "array" and set(rest) <= {"type", "items"}:
        inner = type_text(rest.get("items", {"type": "string"}))
        return f"{inner}[]" if inner and "|" not in inner else None
    if set(rest) == {"type", "enum"} and rest["type"] == "string" and len(rest["enum"]) > 1 \
            and all(isinstance(v, str) and re.fullmatch(r"[\w.\-]+", v) for v in rest["enum"]):
        return "|".join(rest["enum"])
    if set(rest) <= {"type", "format"} and rest.get("type") in JSON_TYPES:
        return f"{rest['type']}({rest['format']})" if rest.get("format") else rest["type"]
    return None


def format_parameter(param: dict[str, Any]) -> str:
    """One parameter in the notation (the inverse of :func:`parse_parameters`).

    :param param: an OpenAPI Parameter Object
    :return: e.g. ``limit:integer=20 "Page size"``
    """
    schema = param.get("schema") or {}
    text = str(param["name"])
    if param.get("required") and param.get("in") != "path":
        text += "*"
    kind = type_text(schema)
    if kind and kind != "string":
        text += f":{kind}"
    elif kind is None and isinstance(schema, dict) and schema.get("type") in JSON_TYPES:
        text += f":{schema['type']}"
    if isinstance(schema, dict) and "default" in schema:
        default = schema["default"]
        bare = isinstance(default, str) and re.fullmatch(r"[^\s\",]+", default) \
            and not _looks_like_json(default)
        text += "=" + (default if bare else json.dumps(default))
    description = " ".join(str(param.get("description") or "").split())
    if description:
        text += ' "' + description.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _looks_like_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def format_parameters(params: list[dict[str, Any]]) -> str:
    """A parameter list in the notation.

    :param params: OpenAPI Parameter Objects of one location
    :return: the option value
    """
    return ", ".join(format_parameter(p) for p in params)
