"""What the corpus test compares: a real OpenAPI document against the export of its import.

Pure functions over JSON data, written independently of the importer (the
test must not trust the code it checks): local ``$ref`` resolution, a summary
of each operation (parameters, response codes, media types, request body),
and every constraint keyword of every schema with its JSON pointer, looked up
again in the export at the place the import puts it.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).parent / "corpus" / "openapi"
#: one row per document: file, repository, path, commit, licence, version, bytes
SOURCES: list[dict[str, Any]] = json.loads((CORPUS / "SOURCES.json").read_text(encoding="utf-8"))
#: where the documents may stand: they are third-party files, so the repository
#: holds only their list (``SOURCES.json``); the documents themselves are data
#: kept beside it, in the shared folder next to the checkout, or where
#: ``PLAN_OPENAPI_CORPUS`` says
PLACES = tuple(Path(p) for p in (os.environ.get("PLAN_OPENAPI_CORPUS", ""),) if p) + (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "openapi",
    CORPUS,
)


def documents() -> Path | None:
    """The first place holding every document of :data:`SOURCES`, or ``None``."""
    for place in PLACES:
        if all((place / row["file"]).is_file() for row in SOURCES):
            return place
    return None


DOCUMENTS = documents()
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: the schema keywords counted (the plan language can hold each)
SCHEMA_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "default",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "required",
        "nullable",
        "deprecated",
        "readOnly",
        "writeOnly",
        "example",
        "examples",
    }
)
#: the Parameter Object keywords counted
PARAMETER_KEYWORDS = frozenset(
    {"required", "deprecated", "style", "explode", "allowReserved", "allowEmptyValue", "example"}
)
#: keywords whose value is data, not a schema (not walked into)
_DATA = frozenset({"enum", "const", "default", "example", "examples", "required"})


class _Loader(yaml.SafeLoader):
    """YAML as JSON sees it: a timestamp stays the text written (as the plan keeps it)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> Any:
    """A corpus document's data (JSON is YAML); timestamps as their text."""
    return yaml.load(text, Loader=_Loader)


def read_source(name: str) -> str:
    """A corpus document's text (``.gz`` files decompressed)."""
    if DOCUMENTS is None:
        raise FileNotFoundError(f"{name}: the corpus documents are in none of {PLACES}")
    raw = (DOCUMENTS / name).read_bytes()
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


def escape(part: Any) -> str:
    """One JSON pointer token."""
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer(parts: tuple[Any, ...]) -> str:
    """A JSON pointer of path parts."""
    return "".join("/" + escape(p) for p in parts)


def resolve(doc: Any, value: Any, parts: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    """Follow local ``$ref`` s of a (non-schema) object: the object and where it is written."""
    seen = 0
    while (
        isinstance(value, dict)
        and isinstance(value.get("$ref"), str)
        and value["$ref"].startswith("#/")
        and seen < 20
    ):
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in value["$ref"][2:].split("/")]
        target = doc
        for token in tokens:
            target = target[int(token)] if isinstance(target, list) else target[token]
        value, parts, seen = target, tuple(tokens), seen + 1
    return value, parts


@dataclass
class Place:
    """A schema (or parameter) of the source and where the export keeps it."""

    #: where it is written in the source
    source: tuple[Any, ...]
    #: the value in the source
    value: Any
    #: the export's value at the same place, ``None`` when the export has none
    exported: Any
    #: parameter-level keywords are counted on the parameter, not in a schema
    parameter: bool = False


@dataclass
class Tally:
    """Constraint keywords of one document: how many, which were lost."""

    total: int = 0
    kept: int = 0
    #: ``pointer`` of every keyword not found again in the export
    lost: list[str] = field(default_factory=list)


def operations(
    doc: dict[str, Any],
) -> dict[tuple[str, str, str], tuple[dict[str, Any], tuple[Any, ...]]]:
    """Every operation: ``(group, path, method)`` → (operation, its pointer parts)."""
    out = {}
    for group in ("paths", "webhooks"):
        for path, item in (doc.get(group) or {}).items():
            item, where = resolve(doc, item, (group, path))
            for method, op in (item or {}).items():
                if method in METHODS and isinstance(op, dict):
                    out[group, path, method] = (op, (*where, method), item)
    return out


def parameters(
    doc: dict[str, Any], op: dict[str, Any], where: tuple[Any, ...], item: dict[str, Any]
) -> dict[tuple[str, str], tuple[dict[str, Any], tuple[Any, ...]]]:
    """An operation's parameters (path-level ones included, the operation's win)."""
    found: dict[tuple[str, str], tuple[dict[str, Any], tuple[Any, ...]]] = {}
    for base, params in (
        ((*where[:-1], "parameters"), item.get("parameters") or ()),
        ((*where, "parameters"), op.get("parameters") or ()),
    ):
        for i, raw in enumerate(params):
            param, at = resolve(doc, raw, (*base, i))
            found[param["name"], param["in"]] = (param, at)
    return found


def summary(doc: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """What must survive per operation: parameters, responses, media types, body."""
    out = {}
    for key, (op, where, item) in operations(doc).items():
        params = parameters(doc, op, where, item)
        body, _ = resolve(doc, op.get("requestBody") or {}, ())
        responses = {}
        for code, raw in (op.get("responses") or {}).items():
            response, _ = resolve(doc, raw, ())
            responses[str(code)] = set((response or {}).get("content") or ())
        out[key] = {
            "parameters": {(n, i, bool(p.get("required"))) for (n, i), (p, _) in params.items()},
            "responses": responses,
            "body": set(body.get("content") or ()),
            "body required": bool(body.get("required")) if body.get("content") else None,
        }
    return out


def places(source: dict[str, Any], export: dict[str, Any]) -> list[Place]:
    """The schemas and parameters of the source, each with the export's counterpart."""
    out: list[Place] = []
    exported_schemas = (export.get("components") or {}).get("schemas") or {}
    for name, schema in ((source.get("components") or {}).get("schemas") or {}).items():
        out.append(Place(("components", "schemas", name), schema, exported_schemas.get(name)))
    exported_ops = operations(export)
    for key, (op, where, item) in operations(source).items():
        target = exported_ops.get(key, ({}, (), {}))[0]
        target_params = {(p.get("name"), p.get("in")): p for p in target.get("parameters") or ()}
        for name_in, (param, at) in parameters(source, op, where, item).items():
            mine = target_params.get(name_in) or {}
            out.append(Place(at, param, mine, parameter=True))
            if "schema" in param:
                out.append(Place((*at, "schema"), param["schema"], mine.get("schema")))
        # bodies and responses are named where the operation uses them
        body, _ = resolve(source, op.get("requestBody") or {}, ())
        at = (*where, "requestBody")
        mine = (target.get("requestBody") or {}).get("content") or {}
        for media, entry in (body.get("content") or {}).items():
            if isinstance(entry, dict) and "schema" in entry:
                out.append(
                    Place(
                        (*at, "content", media, "schema"),
                        entry["schema"],
                        (mine.get(media) or {}).get("schema"),
                    )
                )
        for code, raw in (op.get("responses") or {}).items():
            response, _ = resolve(source, raw, ())
            at = (*where, "responses", code)
            mine = (target.get("responses") or {}).get(str(code)) or {}
            for media, entry in ((response or {}).get("content") or {}).items():
                if isinstance(entry, dict) and "schema" in entry:
                    out.append(
                        Place(
                            (*at, "content", media, "schema"),
                            entry["schema"],
                            ((mine.get("content") or {}).get(media) or {}).get("schema"),
                        )
                    )
            for header, raw_header in ((response or {}).get("headers") or {}).items():
                value, h_at = resolve(source, raw_header, (*at, "headers", header))
                if isinstance(value, dict) and "schema" in value:
                    theirs = ((mine.get("headers") or {}).get(header) or {}).get("schema")
                    out.append(Place((*h_at, "schema"), value["schema"], theirs))
    return out


def _unwrap(node: Any) -> list[Any]:
    """A node and the non-null branch of an ``anyOf``/``oneOf`` made for ``nullable``."""
    found = [node]
    if isinstance(node, dict):
        for key in ("anyOf", "oneOf", "allOf"):
            branches = node.get(key)
            if isinstance(branches, list):
                found += [b for b in branches if b != {"type": "null"}]
    return found


def _kept(key: str, value: Any, node: Any, siblings: dict[str, Any]) -> bool:
    """Whether the export's *node* keeps ``key: value`` (in OpenAPI 3.1's spelling)."""
    for candidate in _unwrap(node):
        if not isinstance(candidate, dict):
            continue
        if key == "nullable":
            kinds = candidate.get("type")
            if (
                value is False
                or candidate.get("nullable") == value
                or "type" not in siblings
                and "enum" not in siblings
                or (isinstance(kinds, list) and "null" in kinds)
                or {"type": "null"} in (node.get("anyOf") or node.get("oneOf") or ())
                or (isinstance(candidate.get("enum"), list) and None in candidate["enum"])
            ):
                return True
            continue
        if key == "type":
            kinds = candidate.get("type")
            if (
                kinds == value
                or (isinstance(kinds, list) and value in kinds)
                or (
                    isinstance(value, list) and isinstance(kinds, list) and set(value) <= set(kinds)
                )
            ):
                return True
            continue
        if key == "example":
            if candidate.get("example") == value or value in (candidate.get("examples") or ()):
                return True
            continue
        if key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = siblings.get("minimum" if key == "exclusiveMinimum" else "maximum")
            if not value or candidate.get(key) == bound:
                return True
            continue
        if (
            key in ("minimum", "maximum")
            and siblings.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum") is True
        ):
            if (
                candidate.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum")
                == value
            ):
                return True
            continue
        if (
            key == "enum"
            and isinstance(candidate.get(key), list)
            and [v for v in candidate[key] if v is not None] == [v for v in value if v is not None]
        ):
            return True
        if key in candidate and candidate[key] == value:
            return True
    return False


def _step(node: Any, part: Any) -> Any:
    for candidate in _unwrap(node):
        if isinstance(candidate, dict) and part in candidate:
            return candidate[part]
        if isinstance(candidate, list) and isinstance(part, int) and part < len(candidate):
            return candidate[part]
    return None


def tally_schema(value: Any, exported: Any, at: tuple[Any, ...], tally: Tally) -> None:
    """Count the keywords of a source schema, and those the export keeps, recursively."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            tally_schema(item, _step(exported, i), (*at, i), tally)
        return
    if not isinstance(value, dict) or "$ref" in value and len(value) == 1:
        return
    for key, item in value.items():
        if key in SCHEMA_KEYWORDS and not (
            key in ("required", "deprecated") and not isinstance(item, (list, bool))
        ):
            tally.total += 1
            if _kept(key, item, exported, value):
                tally.kept += 1
            else:
                tally.lost.append(pointer((*at, key)))
        if key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            if isinstance(item, dict):
                sub = _step(exported, key)
                for name, schema in item.items():
                    tally_schema(schema, _step(sub, name), (*at, key, name), tally)
        elif key not in _DATA and isinstance(item, (dict, list)):
            tally_schema(item, _step(exported, key), (*at, key), tally)


def reported(lost: str, report: str) -> bool:
    """Whether the import report names *lost*, or a part of the document holding it."""
    return any(
        f"{lost[:i]}:" in report or f"{lost[:i]} " in report
        for i in range(len(lost), 1, -1)
        if i == len(lost) or lost[i] == "/"
    )


def tally(source: dict[str, Any], export: dict[str, Any]) -> Tally:
    """The constraint keywords of *source* and which of them *export* keeps."""
    result = Tally()
    for place in places(source, export):
        if place.parameter:
            for key in PARAMETER_KEYWORDS & set(place.value):
                if key == "required" and place.value.get("in") == "path":
                    continue
                result.total += 1
                mine = place.exported or {}
                default = {
                    "required": False,
                    "deprecated": False,
                    "allowReserved": False,
                    "allowEmptyValue": False,
                }.get(key)
                if mine.get(key, default) == place.value[key]:
                    result.kept += 1
                else:
                    result.lost.append(pointer((*place.source, key)))
        else:
            tally_schema(place.value, place.exported, place.source, result)
    return result
