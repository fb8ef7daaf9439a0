"""The API as a whole: ``plan-server`` and ``plan-security`` read into OpenAPI objects.

One reading serves three readers: the directives warn about its problems at
the object's line, the OpenAPI export writes the objects it gives, and the
OpenAPI importer checks that what it wrote reads back as the source said
(whatever does not is named in the import report). Pure: no Sphinx.

- A server's ``:variables:`` are in the compact parameter notation
  (:mod:`~sphinxcontrib_plan.model.params`): ``region:eu|us=eu "Data
  region"`` is a variable with its enum, default and description. OpenAPI
  requires a default, and the URL's ``{braces}`` and the variables must be
  the same names.
- A security scheme's ``:type:`` says which fields it needs: ``http`` a
  ``:scheme:``, ``api-key`` ``:in:`` and ``:name:``, ``openid-connect``
  ``:openid-url:``, ``oauth2`` its ``:flows:`` and the URLs those flows use;
  ``:scopes:`` are in the parameter notation too (``"read:pets" "Read your
  pets"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.params import ParamError, parse_parameters, path_names

if TYPE_CHECKING:
    from collections.abc import Mapping

#: the OpenAPI spelling of each ``:type:`` of ``plan-security``
OPENAPI_TYPES = {
    "http": "http",
    "api-key": "apiKey",
    "oauth2": "oauth2",
    "openid-connect": "openIdConnect",
    "mutual-tls": "mutualTLS",
}
#: the OAuth 2.0 flows and the URLs each needs
FLOWS: dict[str, tuple[str, ...]] = {
    "implicit": ("authorization-url",),
    "password": ("token-url",),
    "clientCredentials": ("token-url",),
    "authorizationCode": ("authorization-url", "token-url"),
}
#: the OpenAPI key of each URL field
_URL_KEYS = {
    "authorization-url": "authorizationUrl",
    "token-url": "tokenUrl",
    "refresh-url": "refreshUrl",
}


def _flow_name(word: str) -> str | None:
    key = word.replace("-", "").replace("_", "").replace(" ", "").lower()
    return next((f for f in FLOWS if f.lower() == key), None)


#: what is wrong with a declaration: ``(option or None, message)``
Problems = list[tuple[str | None, str]]


def _notation(text: Any, what: str, problems: Problems) -> list[dict[str, Any]]:
    if not text:
        return []
    try:
        return parse_parameters(str(text), "query")
    except ParamError as err:
        problems.append((what, f"{what}: {err}"))
        return []


def server_object(
    url: str, fields: Mapping[str, Any], description: str = ""
) -> tuple[dict[str, Any] | None, Problems]:
    """The OpenAPI Server Object of a ``plan-server``.

    :param url: the server's URL (the object's title)
    :param fields: its typed fields
    :param description: its body text
    :return: the object (``None`` when the declaration cannot make a valid one),
        and what is wrong with the declaration
    """
    problems: Problems = []
    server: dict[str, Any] = {"url": url}
    if description:
        server["description"] = description
    variables: dict[str, Any] = {}
    for param in _notation(fields.get("variables"), "variables", problems):
        schema = param.get("schema") or {}
        variable: dict[str, Any] = {}
        if "enum" in schema:
            variable["enum"] = [str(v) for v in schema["enum"]]
        if "default" in schema:
            variable["default"] = str(schema["default"])
        else:
            problems.append(
                (
                    "variables",
                    f"variables: {param['name']!r} needs a default "
                    f"({param['name']}=value): OpenAPI requires one",
                )
            )
            variable["default"] = ""
        if param.get("description"):
            variable["description"] = param["description"]
        variables[param["name"]] = variable
    names = path_names(url)
    missing = [n for n in names if n not in variables]
    extra = [n for n in variables if n not in names]
    if missing or extra:
        problems.append(
            (
                "variables" if fields.get("variables") else None,
                "variables: they must be exactly the {name}s of the URL "
                f"({', '.join(names) or 'none'}); "
                + "; ".join(
                    ([f"missing {', '.join(missing)}"] if missing else [])
                    + ([f"not in the URL: {', '.join(extra)}"] if extra else [])
                ),
            )
        )
    if variables:
        server["variables"] = variables
    return (None if problems else server), problems


def scheme_object(
    fields: Mapping[str, Any], description: str = ""
) -> tuple[dict[str, Any] | None, Problems]:
    """The OpenAPI Security Scheme Object of a ``plan-security``.

    :param fields: its typed fields (``type`` is one of :data:`OPENAPI_TYPES`)
    :param description: its body text
    :return: the object (``None`` when the declaration cannot make a valid one),
        and what is wrong with the declaration (a field that has no meaning for
        the type is one, but the scheme is valid without it)
    """
    problems: Problems = []
    kind = str(fields.get("type") or "")
    scheme: dict[str, Any] = {"type": OPENAPI_TYPES.get(kind, kind)}
    if description:
        scheme["description"] = description

    def need(name: str) -> Any:
        value = fields.get(name)
        if not value:
            problems.append((None, f"type {kind} needs :{name}:"))
        return value

    if kind == "http":
        scheme["scheme"] = need("scheme") or "bearer"
        if fields.get("bearer-format"):
            scheme["bearerFormat"] = fields["bearer-format"]
    elif kind == "api-key":
        scheme["name"] = need("name") or ""
        scheme["in"] = need("in") or "header"
    elif kind == "openid-connect":
        scheme["openIdConnectUrl"] = need("openid-url") or ""
    elif kind == "oauth2":
        scheme["flows"] = _flows(fields, problems)
    elif kind not in OPENAPI_TYPES:
        problems.append(("type", f"type {kind!r} is not one of {', '.join(OPENAPI_TYPES)}"))
    valid = not problems
    for name in ("scheme", "bearer-format", "in", "name", "openid-url", "flows", "scopes"):
        if fields.get(name) and not _uses(kind, name):
            problems.append((name, f":{name}: has no meaning for type {kind}; it is not exported"))
    return (scheme if valid else None), problems


def _uses(kind: str, name: str) -> bool:
    return name in {
        "http": ("scheme", "bearer-format"),
        "api-key": ("in", "name"),
        "openid-connect": ("openid-url",),
        "oauth2": ("flows", "scopes"),
    }.get(kind, ())


def _flows(fields: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    scopes = {
        p["name"]: p.get("description", "")
        for p in _notation(fields.get("scopes"), "scopes", problems)
    }
    flows: dict[str, Any] = {}
    words = fields.get("flows") or ()
    if not words:
        problems.append((None, f"type oauth2 needs :flows: ({', '.join(FLOWS)})"))
    for word in words:
        name = _flow_name(str(word))
        if name is None:
            problems.append(("flows", f"flows: {word!r} is not a flow; flows: {', '.join(FLOWS)}"))
            continue
        flow: dict[str, Any] = {}
        for url in FLOWS[name]:
            if not fields.get(url):
                problems.append(("flows", f"the {name} flow needs :{url}:"))
            flow[_URL_KEYS[url]] = fields.get(url) or ""
        if fields.get("refresh-url"):
            flow["refreshUrl"] = fields["refresh-url"]
        flow["scopes"] = dict(scopes)
        flows[name] = flow
    return flows
