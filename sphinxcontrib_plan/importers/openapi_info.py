"""The API as a whole written as a plan: ``plan-api``, ``plan-server``, ``plan-tag``
and ``plan-security``.

:func:`api_blocks` turns the neutral reading's ``info``, servers, tags and
security schemes into emitter blocks. Each server and scheme written is read
back with the plan's own reading
(:mod:`~sphinxcontrib_plan.model.api_info`, the one the build and the
export use); what does not come back as the document said is named in the
report by its JSON pointer, so nothing is lost without a word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.importers.emit import Directive, Heading, Text
from sphinxcontrib_plan.importers.openapi_schema import pointer
from sphinxcontrib_plan.model.api_info import FLOWS, OPENAPI_TYPES, scheme_object, server_object
from sphinxcontrib_plan.model.params import format_parameters

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinxcontrib_plan.importers.openapi_model import ApiDocument, Server

#: ``plan-security``'s ``:type:`` of each OpenAPI type, by its lower-case spelling
_PLAN_TYPES = {v.lower(): k for k, v in OPENAPI_TYPES.items()}
#: what splits an ``auth`` value into words: a scheme name holding one cannot be named
_SEPARATORS = (",", "|", "/", "+", "&", " or ", " and ")


def nameable(name: str) -> bool:
    """Whether an endpoint's ``:auth:`` can name a scheme called *name*."""
    padded = f" {name.lower()} "
    return bool(name.strip()) and not any(s in padded for s in _SEPARATORS) and name == name.strip()


def carried(name: str, scheme: Any) -> bool:
    """Whether a security scheme becomes a ``plan-security`` that ``:auth:`` names.

    :param name: its name in the document
    :param scheme: the Security Scheme Object
    """
    return (
        nameable(name)
        and isinstance(scheme, dict)
        and _PLAN_TYPES.get(str(scheme.get("type", "")).lower()) is not None
    )


def differences(source: Any, read: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """The paths under *path* where *read* does not say what *source* says.

    Extensions (``x-``) are left out: they are reported as such elsewhere.

    :param source: a part of the document
    :param read: the same part as the plan reads it back
    :param path: where *source* is in the document
    :return: the paths of the parts that differ
    """
    if isinstance(source, dict) and isinstance(read, dict):
        for key, value in source.items():
            if str(key).startswith("x-"):
                yield (*path, key)
            elif key not in read:
                yield (*path, key)
            else:
                yield from differences(value, read[key], (*path, key))
    elif source != read and not (isinstance(source, str) and str(source).strip() == read):
        yield path


def source_path(doc: ApiDocument, directive: str, argument: str) -> tuple[Any, ...] | None:
    """Where the part of the document that a ``plan-api``, ``plan-server``,
    ``plan-tag`` or ``plan-security`` says is written (Swagger 2.0's places for 2.0).

    :param doc: the document read
    :param directive: e.g. ``plan-server``
    :param argument: the directive's argument (a server's URL, a tag's or scheme's name)
    :return: the path, ``None`` for another directive
    """
    swagger = doc.openapi.startswith("2.")
    if directive == "plan-api":
        return ("info",)
    if directive == "plan-server":
        return ("host",) if swagger else ("servers", [s.url for s in doc.servers].index(argument))
    if directive == "plan-tag":
        return ("tags", [n for n, _ in doc.tags].index(argument))
    if directive == "plan-security":
        return (
            ("securityDefinitions", argument)
            if swagger
            else (
                "components",
                "securitySchemes",
                argument,
            )
        )
    return None


def _variables(server: Server) -> str:
    params = []
    for name, variable in server.variables.items():
        variable = variable if isinstance(variable, dict) else {}
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(variable.get("enum"), list):
            schema["enum"] = [str(v) for v in variable["enum"]]
        if "default" in variable:
            schema["default"] = str(variable["default"])
        param = {"name": str(name), "in": "query", "required": False, "schema": schema}
        if isinstance(variable.get("description"), str) and variable["description"].strip():
            param["description"] = " ".join(variable["description"].split())
        params.append(param)
    return format_parameters(params)


def _scheme_fields(scheme: dict[str, Any]) -> dict[str, Any] | None:
    """The typed fields of ``plan-security`` that say *scheme*; ``None`` for a type
    the plan has no word for."""
    kind = _PLAN_TYPES.get(str(scheme.get("type", "")).lower())
    if kind is None:
        return None
    fields: dict[str, Any] = {"type": kind}
    if kind == "http":
        fields["scheme"] = scheme.get("scheme")
        fields["bearer-format"] = scheme.get("bearerFormat")
    elif kind == "api-key":
        fields["in"] = scheme.get("in")
        fields["name"] = scheme.get("name")
    elif kind == "openid-connect":
        fields["openid-url"] = scheme.get("openIdConnectUrl")
    elif kind == "oauth2":
        flows: dict[str, Any] = scheme["flows"] if isinstance(scheme.get("flows"), dict) else {}
        fields["flows"] = [f for f in flows if f in FLOWS]
        scopes: dict[str, str] = {}
        for flow in flows.values():
            flow = flow if isinstance(flow, dict) else {}
            for key, field in (
                ("authorizationUrl", "authorization-url"),
                ("tokenUrl", "token-url"),
                ("refreshUrl", "refresh-url"),
            ):
                if flow.get(key) and not fields.get(field):
                    fields[field] = str(flow[key])
            for name, text in (flow.get("scopes") or {}).items():
                scopes.setdefault(str(name), " ".join(str(text or "").split()))
        if scopes:
            fields["scopes"] = format_parameters(
                [
                    {"name": k, "in": "query", "required": False, "schema": {}}
                    | ({"description": v} if v else {})
                    for k, v in scopes.items()
                ]
            )
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def api_blocks(doc: ApiDocument, notes: list[str], level: int = 2) -> list[Any]:
    """``plan-api``, its servers and tags under an "API" heading, and the security
    schemes under "Security schemes".

    :param doc: the document read
    :param notes: the report's notes, to which what is not carried is added
    :param level: the headings' level
    :return: emitter blocks
    """
    api = Directive("plan-api", doc.title or "API")
    if doc.version:
        api.option("version", doc.version)
    if doc.description:
        api.body.append(Text(doc.description))
    out: list[Any] = [Heading(level, "API"), api]
    for server in doc.servers:
        directive = Directive("plan-server", server.url)
        variables = _variables(server) if server.variables else ""
        if variables:
            directive.option("variables", variables)
        if server.description:
            directive.body.append(Text(server.description))
        read = server_object(server.url, {"variables": variables})[0] or {}
        source: dict[str, Any] = {"url": server.url}
        if server.variables:
            source["variables"] = server.variables
        where = source_path(doc, "plan-server", server.url) or ()
        notes += [f"{pointer(p)}: not carried" for p in differences(source, read, where)]
        out.append(directive)
    for name, description in doc.tags:
        tag = Directive("plan-tag", name)
        if description:
            tag.body.append(Text(description))
        out.append(tag)
    schemes = [
        scheme_directive(name, s, notes, source_path(doc, "plan-security", name) or ())
        for name, s in doc.security_schemes.items()
    ]
    if any(schemes):
        out += [Heading(level, "Security schemes"), *filter(None, schemes)]
    return out


def scheme_directive(
    name: str, scheme: Any, notes: list[str], where: tuple[Any, ...]
) -> Directive | None:
    """The ``plan-security`` of one scheme; what it cannot say goes to *notes*.

    :param name: the scheme's name in the document
    :param scheme: the Security Scheme Object
    :param notes: the report's notes
    :param where: its path in the document (:func:`source_path`)
    :return: the directive, ``None`` for a scheme the plan cannot name (noted)
    """
    scheme = scheme if isinstance(scheme, dict) else {}
    fields = _scheme_fields(scheme)
    if fields is None or not carried(name, scheme):
        why = (
            "its name cannot be written in :auth:"
            if fields
            else "its type is not one the plan knows"
        )
        notes.append(f"{pointer(where)}: not carried ({why}); endpoints name it by its kind")
        return None
    directive = Directive("plan-security", name)
    for key, value in fields.items():
        directive.option(key, ", ".join(value) if isinstance(value, list) else str(value))
    description = " ".join(str(scheme.get("description") or "").split())
    if description:
        directive.body.append(Text(str(scheme["description"]).strip()))
    read = scheme_object(fields, description)[0] or {}
    source = {k: v for k, v in scheme.items() if k != "description"}
    read.pop("description", None)
    notes += [f"{pointer(p)}: not carried" for p in differences(source, read, where)]
    return directive
