"""The compact parameter notation of ``plan-endpoint`` (``:query:``, ``:header:``...).

One option per location; its value lists parameters separated by commas or
new lines::

    :query: limit:integer=20 "Page size", cursor:string, status:open|closed
    :header: Idempotency-Key*:string(uuid) "Deduplicates retries"
    :path: id:integer "The payment method"

Each parameter is ``NAME[*][:TYPE][=DEFAULT]["DESCRIPTION"]``:

- ``NAME`` is letters, digits and ``_.-[]$``; any other name is double-quoted
  (``"start:gte":integer``);
- ``*`` marks it required (path parameters always are);
- ``TYPE`` is a JSON type (``string``, ``integer``, ``number``, ``boolean``,
  ``object``, ``array``), optionally with a format in parentheses
  (``string(date-time)``) and ``[]`` for an array of it (``string[]``);
  ``a|b|c`` is a string enum; any other word names a ``plan-schema``;
- after the type, a JSON object adds what the type cannot say:
  ``limit:integer{"minimum": 1, "maximum": 100}=20``. Its keys are JSON
  Schema keywords of the parameter's schema (``pattern``, ``enum``,
  ``minLength``...), except the Parameter Object's own ``style``, ``explode``,
  ``allowReserved``, ``allowEmptyValue``, ``deprecated``, ``example`` and
  ``examples`` (a mapping), which are the parameter's; with no type before
  it, the object is the whole schema;
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
_QUOTED = r'"(?:[^"\\]|\\.)+"'
_HEAD = re.compile(rf"(?P<name>{_NAME}|{_QUOTED})(?P<required>\*)?(?::(?P<type>[^=\"\s{{]*))?")
_TAIL = re.compile(
    r"(?:=(?P<default>\"(?:[^\"\\]|\\.)*\"|[^\s\"]+))?"
    r"(?:\s*\"(?P<description>(?:[^\"\\]|\\.)*)\")?"
)
#: Parameter Object fields a parameter's JSON object may give (the rest is its schema's)
PARAMETER_FIELDS = ("style", "explode", "allowReserved", "allowEmptyValue", "deprecated", "example")
#: those of them that are false unless given
_FALSE_DEFAULT = ("allowReserved", "allowEmptyValue", "deprecated")
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
        elif char in "([{":
            depth += 1
        elif char in ")]}":
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
        raise ParamError(
            f"{text!r} is not a type: use a JSON type ({', '.join(JSON_TYPES)}), "
            "'type(format)', 'type[]', 'a|b|c' or a plan-schema name"
        )
    base = match["base"]
    schema: dict[str, Any] = {"type": base} if base in JSON_TYPES else {"$ref": COMPONENTS + base}
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
    kinds = (
        (bool, "boolean"),
        (int, "integer"),
        (float, "number"),
        (str, "string"),
        (list, "array"),
        (dict, "object"),
    )
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
        head = _HEAD.match(item)
        extra: dict[str, Any] | None = None
        end = head.end() if head else 0
        if head and item[end : end + 1] == "{":
            try:
                extra, end = json.JSONDecoder().raw_decode(item, end)
            except ValueError:
                extra = None
            if not isinstance(extra, dict):
                raise ParamError(f"{item!r}: the JSON object after the type cannot be read")
        match = _TAIL.fullmatch(item, end) if head else None
        if not head or not match:
            raise ParamError(
                f"{item!r} is not 'name[*][:type][{{...}}][=default] [\"description\"]'"
            )
        schema = type_schema(head["type"]) if head["type"] else {}
        own = {
            k: v
            for k, v in (extra or {}).items()
            if k in PARAMETER_FIELDS or k == "examples" and isinstance(v, dict)
        }
        schema.update({k: v for k, v in (extra or {}).items() if k not in own})
        if match["default"] is not None:
            schema["default"] = _default(match["default"], schema)
        if not head["type"] and extra is None:  # ``page=1``: the default tells the type
            schema = {"type": _json_type(schema.get("default", "")), **schema}
        name = head["name"]
        param: dict[str, Any] = {
            "name": json.loads(name) if name.startswith('"') else name,
            "in": location,
            "required": location == "path" or bool(head["required"]),
            "schema": schema,
            **own,
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
        name = rest["$ref"][len(COMPONENTS) :]
        return name if _TYPE.fullmatch(name) and name not in JSON_TYPES else None
    if rest.get("type") == "array" and set(rest) <= {"type", "items"}:
        inner = type_text(rest.get("items", {"type": "string"}))
        return f"{inner}[]" if inner and "|" not in inner else None
    if (
        set(rest) == {"type", "enum"}
        and rest["type"] == "string"
        and len(rest["enum"]) > 1
        and all(isinstance(v, str) and re.fullmatch(r"[\w.\-]+", v) for v in rest["enum"])
    ):
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
    if not re.fullmatch(_NAME, text):  # ``start:gte``: quoted
        text = json.dumps(text, ensure_ascii=False)
    if param.get("required") and param.get("in") != "path":
        text += "*"
    kind, extra = _type_and_rest(schema)
    extra.update(
        {
            k: param[k]
            for k in (*PARAMETER_FIELDS, "examples")
            if k in param
            and param[k] is not None
            and not (param[k] is False and k in _FALSE_DEFAULT)
        }
    )
    if kind and (kind != "string" or extra):
        text += f":{kind}"
    if extra:
        text += (":" if not kind else "") + json.dumps(
            extra, ensure_ascii=False, separators=(", ", ": ")
        )
    if isinstance(schema, dict) and "default" in schema:
        default = schema["default"]
        bare = (
            isinstance(default, str)
            and re.fullmatch(r"[^\s\",]+", default)
            and not _looks_like_json(default)
        )
        text += "=" + (default if bare else json.dumps(default))
    description = " ".join(str(param.get("description") or "").split())
    if description:
        text += ' "' + description.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _type_and_rest(schema: Any) -> tuple[str | None, dict[str, Any]]:
    """The notation's type for *schema* and the keywords it leaves out (default aside)."""
    if not isinstance(schema, dict):
        return None, {}
    kind = type_text(schema)
    if kind is not None:
        return kind, ({"description": schema["description"]} if "description" in schema else {})
    rest = {k: v for k, v in schema.items() if k != "default"}
    if "example" in rest and "examples" not in rest:  # the parameter's own "example" is another
        rest["examples"] = [rest.pop("example")]
    core = {k: rest[k] for k in ("type", "format") if k in rest}
    kind = type_text(core) if isinstance(core.get("type"), str) else None
    if core.get("type") == "array":  # not ``string[]``: its items are in the rest
        kind = "array"
    if kind is None and "$ref" in rest:
        core = {"$ref": rest["$ref"]}
        kind = type_text(core)
    if kind is None:
        return None, rest
    return kind, {k: v for k, v in rest.items() if k not in core}


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
