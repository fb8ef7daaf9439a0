"""OpenAPI 3.1 document built from the plan's endpoints and their responses.

A pure function of the resolved index: every HTTP ``plan-endpoint`` becomes a
path operation, its ``plan-response`` children its responses, ``auth`` a
security requirement. WebSocket endpoints (``WS``/``WSS``) have no place in
OpenAPI's ``paths``; they are kept, in the same shape, under the top-level
extension ``x-websockets`` so that nothing the plan declares is dropped.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import EndpointData, Example, ObjectRecord

OPENAPI_VERSION = "3.1.0"

#: methods with a request body worth an example
_BODY_METHODS = {"post", "put", "patch"}
_WEBSOCKET = {"ws", "wss"}
_JSON_LANGUAGES = {"json", "json5", "jsonc"}
_NO_RESPONSE = {"default": {"description": "No response documented in the plan."}}

#: security schemes by canonical ``auth`` word
SCHEMES: dict[str, tuple[str, dict[str, Any]]] = {
    "bearer": ("bearerAuth", {"type": "http", "scheme": "bearer"}),
    "api-key": ("apiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
    "basic": ("basicAuth", {"type": "http", "scheme": "basic"}),
    "cookie": ("cookieAuth", {"type": "apiKey", "in": "cookie", "name": "session"}),
    "oauth2": ("oauth2", {
        "type": "oauth2",
        "description": "OAuth 2.0; the plan names no authorization server, so the "
                       "URLs are placeholders relative to the API's server.",
        "flows": {"authorizationCode": {"authorizationUrl": "/oauth/authorize",
                                        "tokenUrl": "/oauth/token", "scopes": {}}},
    }),
    "openid": ("openIdConnect", {"type": "openIdConnect",
                                 "openIdConnectUrl": "/.well-known/openid-configuration"}),
    "mtls": ("mutualTLS", {"type": "mutualTLS"}),
}

#: other spellings of the ``auth`` words, after lower-casing and ``_``/space → ``-``
ALIASES: dict[str, str] = {
    "bearer-token": "bearer", "token": "bearer", "jwt": "bearer", "bearer-jwt": "bearer",
    "access-token": "bearer", "apikey": "api-key", "key": "api-key", "x-api-key": "api-key",
    "api-token": "api-key", "http-basic": "basic", "session": "cookie", "oauth": "oauth2",
    "oauth-2": "oauth2", "oauth-2.0": "oauth2", "oidc": "openid", "openid-connect": "openid",
    "mutual-tls": "mtls", "client-certificate": "mtls",
    "public": "none", "anonymous": "none", "no": "none", "false": "none",
}

_ALTERNATIVES = re.compile(r"\s*(?:,|\||/|\bor\b)\s*", re.IGNORECASE)
_COMBINED = re.compile(r"\s*(?:\+|&|\band\b)\s*", re.IGNORECASE)


def auth_schemes(auth: str) -> list[list[str]] | None:
    """Read an ``auth`` value as alternatives of combined canonical scheme words.

    :param auth: e.g. ``bearer``, ``api-key or bearer``, ``none``
    :return: e.g. ``[["bearer"]]``; ``[["none"]]`` for no auth; ``None`` when a
        word is not understood (the raw value is then kept as ``x-auth``)
    """
    alternatives: list[list[str]] = []
    for alternative in filter(None, _ALTERNATIVES.split(auth.strip())):
        words = []
        for word in filter(None, _COMBINED.split(alternative)):
            key = re.sub(r"[\s_]+", "-", word.strip().lower())
            key = ALIASES.get(key, key)
            if key not in SCHEMES and key != "none":
                return None
            words.append(key)
        if words:
            alternatives.append(words)
    return alternatives or None


def _security(
    endpoint: ObjectRecord, schemes: dict[str, dict[str, Any]]
) -> list[dict[str, list[str]]] | None:
    auth = endpoint.fields.get("auth")
    if not auth:
        return None
    alternatives = auth_schemes(str(auth))
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


def example_value(example: Example) -> Any:
    """The value of a code block as an example: parsed JSON, else the text.

    :param example: a code block of the body
    :return: JSON data, or the code as a string
    """
    code = example.code
    if example.language.lower() in _JSON_LANGUAGES or not example.language:
        try:
            return json.loads(code)
        except ValueError:
            pass
    return code


def _json_example(examples: Iterable[Example]) -> Example | None:
    for example in examples:
        language = example.language.lower()
        if language in _JSON_LANGUAGES:
            return example
        if not language and not isinstance(example_value(example), str):
            return example  # a block without language that holds JSON
    return None


def _media(example: Example | None, content_type: str | None) -> dict[str, Any]:
    if example is None and not content_type:
        return {}
    media: dict[str, Any] = {}
    if example is not None:
        media["example"] = example_value(example)
    return {content_type or "application/json": media}


def _response_media(response: ObjectRecord) -> dict[str, Any]:
    examples = response.response.examples if response.response else ()
    example = _json_example(examples)
    content_type = response.fields.get("content-type")
    if example is None and content_type and examples:
        example = examples[0]  # a declared media type takes an example of any language
    return _media(example, content_type)


def _summary(response: ObjectRecord) -> str:
    # the first line of the description tells two examples of one code apart
    text = response.response.description.strip() if response.response else ""
    return text.splitlines()[0] if text else response.title


def _responses(children: list[ObjectRecord]) -> dict[str, Any]:
    by_code: dict[str, list[ObjectRecord]] = {}
    for response in children:
        code = response.response.code if response.response else "default"
        by_code.setdefault(code, []).append(response)
    responses: dict[str, Any] = {}
    for code, group in by_code.items():
        # one code documented twice (two error cases): keep both, never drop one
        responses[code] = {"description": "\n\n".join(
            (r.response and (r.response.description or r.response.reason)) or r.title
            for r in group)}
        content: dict[str, list[tuple[ObjectRecord, dict[str, Any]]]] = {}
        for response in group:
            for mtype, media in _response_media(response).items():
                content.setdefault(mtype, []).append((response, media))
        for mtype, entries in content.items():
            found = [(r, m["example"]) for r, m in entries if "example" in m]
            if len(found) == 1:
                media = {"example": found[0][1]}
            else:
                media = {"examples": {r.id: {"summary": _summary(r), "value": v}
                                      for r, v in found}}
            responses[code].setdefault("content", {})[mtype] = media if found else {}
    return responses


def _split_path(path: str) -> tuple[str, list[str]]:
    path = path if path.startswith("/") else f"/{path}"
    path, _, query = path.partition("?")
    names = [part.split("=", 1)[0] for part in query.split("&") if part.split("=", 1)[0]]
    return path, names


def _parameters(data: EndpointData, path: str, query: list[str]) -> list[dict[str, Any]]:
    names = dict.fromkeys([*data.params, *re.findall(r"\{([^{}/]+)\}", path)])
    params: list[dict[str, Any]] = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]
    params += [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
               for n in dict.fromkeys(query)]
    return params


def _operation(
    index: ResolvedIndex, endpoint: ObjectRecord, data: EndpointData, path: str,
    query: list[str], schemes: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    fields = endpoint.fields
    method = data.method.lower()
    op: dict[str, Any] = {"operationId": endpoint.id}
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
    security = _security(endpoint, schemes)
    if security is not None:
        op["security"] = security
    elif fields.get("auth"):
        op["x-auth"] = fields["auth"]
    examples = data.examples
    if method in _BODY_METHODS:
        body = _json_example(examples)
        if body is not None:
            op["requestBody"] = {"required": True, "content": _media(body, None)}
    elif method in _WEBSOCKET and examples:
        op["messages"] = [{"language": e.language, "example": example_value(e)}
                          for e in examples]
    op["responses"] = _responses(index.children.get(endpoint.id, [])) or dict(_NO_RESPONSE)
    if fields.get("permissions"):
        op["x-permissions"] = list(fields["permissions"])
    if fields.get("rate-limit"):
        op["x-rate-limit"] = fields["rate-limit"]
    if fields.get("phase"):
        op["x-phase"] = fields["phase"]
    if endpoint.plan:
        op["x-plan"] = endpoint.plan
    return op


def openapi_document(index: ResolvedIndex, *, title: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every endpoint of the index.

    :param index: the resolved index
    :param title: ``info.title``, the project name
    :param version: ``info.version``, the project's release or version
    :return: JSON-able data
    """
    paths: dict[str, dict[str, Any]] = {}
    websockets: dict[str, dict[str, Any]] = {}
    schemes: dict[str, dict[str, Any]] = {}
    tags: set[str] = set()
    for endpoint in index.of_type("endpoint"):
        data = endpoint.endpoint
        if data is None:
            continue
        method = data.method.lower()
        path, query = _split_path(data.path or "/")
        target = websockets if method in _WEBSOCKET else paths
        if method in target.get(path, {}):
            continue  # the same signature twice (two plans): the first in document order wins
        operation = _operation(index, endpoint, data, path, query, schemes)
        target.setdefault(path, {})[method] = operation
        tags.update(operation.get("tags", ()))
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title or "API", "version": version or "0.0.0"},
        "paths": paths,
    }
    if tags:
        document["tags"] = [_tag(index, name) for name in sorted(tags)]
    if schemes:
        document["components"] = {"securitySchemes": schemes}
    if websockets:
        document["x-websockets"] = websockets
    return document


def _tag(index: ResolvedIndex, name: str) -> dict[str, str]:
    plan = index.by_id.get(name)
    if plan is not None and plan.type == "plan":
        return {"name": name, "description": f"Plan {name}: {plan.title}"}
    return {"name": name}
