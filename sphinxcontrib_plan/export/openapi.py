"""OpenAPI 3.1 document built from the plan's endpoints, responses and schemas.

A pure function of the resolved index: every HTTP ``plan-endpoint`` becomes a
path operation (a webhook endpoint a ``webhooks`` entry) with its parameters
and request body, its ``plan-response`` children its responses, ``auth`` a
security requirement, every ``plan-schema`` an entry of
``components.schemas``, every ``plan-security`` one of
``components.securitySchemes``; ``info``, ``servers`` and ``tags`` come from
:mod:`~sphinxcontrib_plan.export.openapi_info`. WebSocket endpoints (``WS``/``WSS``) have no place in
OpenAPI's ``paths``; they are kept, in the same shape, under the top-level
extension ``x-websockets`` so that nothing the plan declares is dropped.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.export.openapi_info import (
    declared_schemes,
    info_object,
    server_objects,
    tag_objects,
)
from sphinxcontrib_plan.export.openapi_media import (
    NO_RESPONSE,
    content,
    example_value,
    export_schema,
    responses,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import EndpointData, ObjectRecord

__all__ = ["OPENAPI_VERSION", "auth_schemes", "example_value", "openapi_document"]

OPENAPI_VERSION = "3.1.0"

#: methods with a request body worth an example
_BODY_METHODS = {"post", "put", "patch"}
_WEBSOCKET = {"ws", "wss"}

#: security schemes by canonical ``auth`` word
SCHEMES: dict[str, tuple[str, dict[str, Any]]] = {
    "bearer": ("bearerAuth", {"type": "http", "scheme": "bearer"}),
    "api-key": ("apiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
    "basic": ("basicAuth", {"type": "http", "scheme": "basic"}),
    "cookie": ("cookieAuth", {"type": "apiKey", "in": "cookie", "name": "session"}),
    "oauth2": (
        "oauth2",
        {
            "type": "oauth2",
            "description": "OAuth 2.0; the plan names no authorization server, so the "
            "URLs are placeholders relative to the API's server.",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/oauth/authorize",
                    "tokenUrl": "/oauth/token",
                    "scopes": {},
                }
            },
        },
    ),
    "openid": (
        "openIdConnect",
        {"type": "openIdConnect", "openIdConnectUrl": "/.well-known/openid-configuration"},
    ),
    "mtls": ("mutualTLS", {"type": "mutualTLS"}),
}

#: other spellings of the ``auth`` words, after lower-casing and ``_``/space → ``-``
ALIASES: dict[str, str] = {
    "bearer-token": "bearer",
    "token": "bearer",
    "jwt": "bearer",
    "bearer-jwt": "bearer",
    "access-token": "bearer",
    "apikey": "api-key",
    "key": "api-key",
    "x-api-key": "api-key",
    "api-token": "api-key",
    "http-basic": "basic",
    "session": "cookie",
    "oauth": "oauth2",
    "oauth-2": "oauth2",
    "oauth-2.0": "oauth2",
    "oidc": "openid",
    "openid-connect": "openid",
    "mutual-tls": "mtls",
    "client-certificate": "mtls",
    "public": "none",
    "anonymous": "none",
    "no": "none",
    "false": "none",
}

_ALTERNATIVES = re.compile(r"\s*(?:,|\||/|\bor\b)\s*", re.IGNORECASE)
_COMBINED = re.compile(r"\s*(?:\+|&|\band\b)\s*", re.IGNORECASE)


def auth_schemes(
    auth: str, declared: Collection[str] = (), *, names: bool = False
) -> list[list[str]] | None:
    """Read an ``auth`` value as alternatives of combined canonical scheme words.

    :param auth: e.g. ``bearer``, ``api-key or bearer``, ``none``, ``petstore_auth``
    :param declared: the names of the project's ``plan-security`` objects: a word
        that is one of them (exactly, else ignoring case) is that name
    :param names: read a word that is no scheme word as a scheme's name, as written
        (where the declared names are not at hand: comparing two versions)
    :return: e.g. ``[["bearer"]]``; ``[["none"]]`` for no auth; ``None`` when a
        word is not understood (the raw value is then kept as ``x-auth``)
    """
    folded = {name.lower(): name for name in declared}
    alternatives: list[list[str]] = []
    for alternative in filter(None, _ALTERNATIVES.split(auth.strip())):
        words = []
        for word in filter(None, _COMBINED.split(alternative)):
            name = word.strip()
            if name in declared or name.lower() in folded:
                words.append(name if name in declared else folded[name.lower()])
                continue
            key = re.sub(r"[\s_]+", "-", word.strip().lower())
            key = ALIASES.get(key, key)
            if key not in SCHEMES and key != "none":
                if names:
                    words.append(name)
                    continue
                return None
            words.append(key)
        if words:
            alternatives.append(words)
    return alternatives or None


def _security(
    endpoint: ObjectRecord,
    schemes: dict[str, dict[str, Any]],
    declared: dict[str, dict[str, Any]],
) -> list[dict[str, list[str]]] | None:
    auth = endpoint.fields.get("auth")
    if not auth:
        return None
    alternatives = auth_schemes(str(auth), declared)
    if alternatives is None:
        return None
    # OpenAPI 3.1 lets any scheme's requirement list role names: the permissions
    permissions = sorted(endpoint.fields.get("permissions", ()))
    requirements: list[dict[str, list[str]]] = []
    for words in alternatives:
        if words == ["none"]:
            requirements.append({})  # an empty requirement: anonymous access allowed
            continue
        requirement = {}
        for word in (w for w in words if w != "none"):
            if word in declared:
                for flow in declared[word].get("flows", {}).values():
                    for p in permissions:
                        flow["scopes"].setdefault(p, f"Permission {p}")
                requirement[word] = permissions
                continue
            name, scheme = SCHEMES[word]
            scheme = schemes.setdefault(name, json.loads(json.dumps(scheme)))
            if word == "oauth2":
                scopes = scheme["flows"]["authorizationCode"]["scopes"]
                scopes.update({p: f"Permission {p}" for p in permissions})
            requirement[name] = permissions
        requirements.append(requirement)
    if requirements == [{}]:
        return []  # ``none``: this operation needs no authentication at all
    return requirements


def _split_path(path: str) -> tuple[str, list[str]]:
    path = path if path.startswith("/") else f"/{path}"
    path, _, query = path.partition("?")
    names = [part.split("=", 1)[0] for part in query.split("&") if part.split("=", 1)[0]]
    return path, names


def _parameters(data: EndpointData, path: str, query: list[str]) -> list[dict[str, Any]]:
    # a path parameter that is not in the path (warned as plan.field) has no place here
    names = re.findall(r"\{([^{}/]+)\}", path)
    params = [dict(p) for p in data.parameters if p["in"] != "path" or p["name"] in names]
    # ``GET /items?page&size``: query names written in the signature itself
    known = {(p["name"], p["in"]) for p in params}
    params += [
        {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
        for n in dict.fromkeys(query)
        if (n, "query") not in known
    ]
    for param in params:
        param["schema"] = export_schema(param.get("schema")) or {"type": "string"}
    return params


def _operation(
    index: ResolvedIndex,
    endpoint: ObjectRecord,
    data: EndpointData,
    path: str,
    query: list[str],
    schemes: dict[str, dict[str, Any]],
    declared: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    fields = endpoint.fields
    method = data.method.lower()
    op: dict[str, Any] = {"operationId": fields.get("operation-id") or endpoint.id}
    if fields.get("summary"):
        op["summary"] = fields["summary"]
    if data.description:
        op["description"] = data.description
    tags = list(fields.get("tags", ())) or ([endpoint.plan] if endpoint.plan else [])
    if tags:
        op["tags"] = tags
    if fields.get("deprecated"):
        op["deprecated"] = True
    parameters = _parameters(data, path, query)
    if parameters:
        op["parameters"] = parameters
    security = _security(endpoint, schemes, declared)
    if security is not None:
        op["security"] = security
    elif fields.get("auth"):
        op["x-auth"] = fields["auth"]
    examples = data.examples
    if method in _WEBSOCKET:
        if examples:
            op["messages"] = [
                {"language": e.language, "example": example_value(e)} for e in examples
            ]
    elif method in _BODY_METHODS or data.body is not None:
        body = content(data.body, examples)
        if body:
            op["requestBody"] = {"required": not fields.get("optional-body"), "content": body}
    op["responses"] = responses(index.children.get(endpoint.id, [])) or dict(NO_RESPONSE)
    if fields.get("permissions"):
        op["x-permissions"] = list(fields["permissions"])
    if fields.get("rate-limit"):
        op["x-rate-limit"] = fields["rate-limit"]
    if fields.get("phase"):
        op["x-phase"] = fields["phase"]
    if endpoint.plan:
        op["x-plan"] = endpoint.plan
    return op


def openapi_document(
    index: ResolvedIndex, *, title: str, version: str, servers: Sequence[str | dict[str, str]] = ()
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every endpoint of the index.

    :param index: the resolved index
    :param title: ``info.title``, the project name
    :param version: ``info.version``, the project's release or version
    :param servers: ``plan_openapi_servers``: URLs or ``{url, description}`` mappings
        (the ``plan-server`` objects follow them)
    :return: JSON-able data
    """
    paths: dict[str, dict[str, Any]] = {}
    webhooks: dict[str, dict[str, Any]] = {}
    websockets: dict[str, dict[str, Any]] = {}
    schemes: dict[str, dict[str, Any]] = {}
    declared = declared_schemes(index)
    used_tags: set[str] = set()
    operation_ids: set[str] = set()
    for endpoint in index.of_type("endpoint"):
        data = endpoint.endpoint
        if data is None:
            continue
        method = data.method.lower()
        path, query = _split_path(data.path or "/")
        if method in _WEBSOCKET:
            target = websockets
        elif endpoint.fields.get("webhook"):
            target, path = webhooks, path.lstrip("/") or "webhook"
        else:
            target = paths
        if method in target.get(path, {}):
            continue  # the same signature twice (two plans): the first in document order wins
        operation = _operation(index, endpoint, data, path, query, schemes, declared)
        if operation["operationId"] in operation_ids:  # must be unique in the document
            operation["operationId"] = endpoint.id
        operation_ids.add(operation["operationId"])
        target.setdefault(path, {})[method] = operation
        used_tags.update(operation.get("tags", ()))
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": info_object(index, title=title, version=version),
    }
    listed = server_objects(index, servers)
    if listed:
        document["servers"] = listed
    document["paths"] = paths
    if webhooks:
        document["webhooks"] = webhooks
    described = tag_objects(index, used_tags)
    if described:
        document["tags"] = described
    components: dict[str, Any] = {}
    schemas = {
        r.title: export_schema(r.json_schema)
        for r in index.of_type("schema")
        if r.title and export_schema(r.json_schema) is not None
    }
    if schemas:
        components["schemas"] = dict(sorted(schemas.items()))
    if declared or schemes:
        components["securitySchemes"] = {**declared, **schemes}
    if components:
        document["components"] = components
    if websockets:
        document["x-websockets"] = websockets
    return document
