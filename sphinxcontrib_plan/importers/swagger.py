"""Swagger 2.0 read as OpenAPI 3.0, so one reader serves both.

:func:`upgrade` rewrites a Swagger 2.0 document in OpenAPI 3.0's shape, as
the official converters do: ``definitions`` become ``components.schemas``
(and every ``$ref`` to them follows), a ``body`` parameter becomes the
request body in each media type of ``consumes``, ``formData`` parameters a
form body, a response's ``schema`` its content in each type of
``produces``, ``securityDefinitions`` the security schemes, and
``host``/``basePath``/``schemes`` the servers. What 2.0 cannot say (a
request body's description, say) stays absent. Nothing is raised: what is
malformed is passed on for the OpenAPI reader to report.
"""

from __future__ import annotations

from typing import Any

from sphinxcontrib_plan.importers.openapi_model import METHODS

#: Swagger 2.0 reference prefixes and their OpenAPI 3 places
_PLACES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
#: the schema keywords a 2.0 non-body parameter or header carries itself
_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)
#: 2.0 OAuth flow names in 3.0
_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _refs(value: Any) -> Any:
    """*value* with its 2.0 ``$ref`` s pointing at their 3.0 places (a new object)."""
    if isinstance(value, list):
        return [_refs(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _refs(v) for k, v in value.items()}
    ref = out.get("$ref")
    if isinstance(ref, str):
        for old, new in _PLACES.items():
            if ref.startswith(old):
                out["$ref"] = new + ref[len(old) :]
    return out


def _schema_of(param: dict[str, Any]) -> dict[str, Any]:
    return {k: param[k] for k in _SCHEMA_KEYS if k in param}


def _parameter(param: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: param[k] for k in ("name", "in", "required", "description", "deprecated") if k in param
    }
    out["schema"] = _schema_of(param)
    if "x-example" in param:
        out["example"] = param["x-example"]
    return out


def _body(params: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any] | None:
    body = next((p for p in params if p.get("in") == "body"), None)
    if body is not None:
        return {
            k: v
            for k, v in (
                ("description", body.get("description")),
                ("required", body.get("required")),
            )
            if v is not None
        } | {"content": {str(t): {"schema": body.get("schema", {})} for t in consumes}}
    form = [p for p in params if p.get("in") == "formData"]
    if not form:
        return None
    multipart = any(p.get("type") == "file" for p in form) or "multipart/form-data" in consumes
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            str(p.get("name")): (
                {"type": "string", "format": "binary"} if p.get("type") == "file" else _schema_of(p)
            )
            for p in form
        },
    }
    required = [str(p.get("name")) for p in form if p.get("required") is True]
    if required:
        schema["required"] = required
    kind = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    return {"content": {kind: {"schema": schema}}}


def _response(response: Any, produces: list[str]) -> Any:
    if not isinstance(response, dict) or "$ref" in response:
        return response
    out: dict[str, Any] = {"description": response.get("description", "")}
    headers = _mapping(response.get("headers"))
    if headers:
        out["headers"] = {
            name: {"description": h.get("description", ""), "schema": _schema_of(h)}
            for name, h in headers.items()
            if isinstance(h, dict)
        }
    examples = _mapping(response.get("examples"))
    if "schema" in response or examples:
        out["content"] = {str(t): {"schema": response.get("schema", {})} for t in produces}
        for media, value in examples.items():
            out["content"].setdefault(str(media), {})["example"] = value
    return out


def _scheme(scheme: Any) -> Any:
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **_described(scheme)}
    if kind == "oauth2":
        flow = {k: scheme[k] for k in ("authorizationUrl", "tokenUrl") if k in scheme}
        flow["scopes"] = _mapping(scheme.get("scopes"))
        return {
            "type": "oauth2",
            "flows": {_FLOWS.get(str(scheme.get("flow")), "implicit"): flow},
            **_described(scheme),
        }
    return scheme  # apiKey has the same shape in 3.0


def _described(scheme: dict[str, Any]) -> dict[str, Any]:
    return {"description": scheme["description"]} if "description" in scheme else {}


class _Upgrade:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.consumes = [str(t) for t in data.get("consumes") or ["application/json"]]
        self.produces = [str(t) for t in data.get("produces") or ["application/json"]]
        self.shared = _mapping(data.get("parameters"))

    def param(self, raw: Any) -> Any:
        """A parameter, a reference to a shared one replaced by it (to tell body from not)."""
        if (
            isinstance(raw, dict)
            and isinstance(raw.get("$ref"), str)
            and raw["$ref"].startswith("#/components/parameters/")
        ):
            return self.shared.get(raw["$ref"].rsplit("/", 1)[1], raw)
        return raw

    def operation(self, op: dict[str, Any], common: list[Any]) -> dict[str, Any]:
        own = [self.param(p) for p in op.get("parameters") or () if p is not None]
        keys = {(p.get("name"), p.get("in")) for p in own if isinstance(p, dict)}
        params = [
            p
            for p in map(self.param, common)
            if not isinstance(p, dict) or (p.get("name"), p.get("in")) not in keys
        ] + own
        dicts = [p for p in params if isinstance(p, dict)]
        out = {
            k: v
            for k, v in op.items()
            if k not in ("parameters", "responses", "consumes", "produces", "schemes")
        }
        out["parameters"] = [
            _parameter(p) if p.get("in") in ("path", "query", "header") else p
            for p in dicts
            if p.get("in") not in ("body", "formData")
        ]
        body = _body(dicts, [str(t) for t in op.get("consumes") or self.consumes])
        if body is not None:
            out["requestBody"] = body
        produces = [str(t) for t in op.get("produces") or self.produces]
        out["responses"] = {
            str(code): _response(r, produces) for code, r in _mapping(op.get("responses")).items()
        }
        return out

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for name, item in _mapping(self.data.get("paths")).items():
            if not isinstance(item, dict):
                paths[name] = item
                continue
            common = item["parameters"] if isinstance(item.get("parameters"), list) else []
            paths[name] = {
                k: self.operation(v, common) if k in METHODS and isinstance(v, dict) else v
                for k, v in item.items()
                if k != "parameters"
            }
        return paths

    def servers(self) -> list[dict[str, str]]:
        host, base = self.data.get("host"), str(self.data.get("basePath") or "")
        if isinstance(host, str) and host:
            return [
                {"url": f"{scheme}://{host}{base}"}
                for scheme in self.data.get("schemes") or ["https"]
            ]
        return [{"url": base}] if base else []


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A Swagger 2.0 document in OpenAPI 3.0's shape.

    :param data: the parsed Swagger 2.0 document
    :return: a new document (*data* is not changed)
    """
    source = _refs(data)
    up = _Upgrade(source)
    components = {
        "schemas": _mapping(source.get("definitions")),
        "parameters": {
            k: _parameter(v)
            for k, v in up.shared.items()
            if isinstance(v, dict) and v.get("in") not in ("body", "formData")
        },
        "responses": {
            k: _response(v, up.produces) for k, v in _mapping(source.get("responses")).items()
        },
        "securitySchemes": {
            k: _scheme(v) for k, v in _mapping(source.get("securityDefinitions")).items()
        },
    }
    out = {
        k: v
        for k, v in source.items()
        if k.startswith("x-") or k in ("info", "tags", "security", "externalDocs")
    }
    return {
        "openapi": "3.0.0",
        **out,
        "servers": up.servers(),
        "paths": up.paths(),
        "components": {k: v for k, v in components.items() if v},
    }
