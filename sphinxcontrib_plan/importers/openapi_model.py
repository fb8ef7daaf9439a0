"""The neutral reading of an OpenAPI document: operations, schemas, servers, security.

Frozen, plain dataclasses that :mod:`sphinxcontrib_plan.importers.openapi`
fills from an OpenAPI 3.0 or 3.1 document, and that the importer's writers
and the ``plan-openapi`` directive turn into plan objects. Schemas are kept
as JSON Schema 2020-12 data (OpenAPI 3.1's dialect), their references to
named schemas as written (``#/components/schemas/Pet``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class OpenApiError(ValueError):
    """The document cannot be read as OpenAPI at all, or passes a limit."""


#: the parameter locations of OpenAPI, in the order a plan lists them
LOCATIONS = ("path", "query", "header", "cookie")
#: the Parameter Object fields a :class:`Parameter` keeps in ``extra``
PARAMETER_EXTRA = ("style", "explode", "allowReserved", "allowEmptyValue", "examples")
#: the HTTP methods of a path item, in the order a plan lists them
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Parameter:
    """One path, query, header or cookie parameter (or a response header)."""

    name: str
    #: ``path``, ``query``, ``header`` or ``cookie``
    location: str
    required: bool = False
    description: str = ""
    #: its JSON Schema, ``None`` when the document gives none
    schema: Any = None
    deprecated: bool = False
    #: an example value, ``None`` when none is given
    example: Any = None
    #: the Parameter Object's other fields as written: ``style``, ``explode``,
    #: ``allowReserved``, ``allowEmptyValue``, ``examples``
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Media:
    """One media type of a request or response body."""

    #: e.g. ``application/json``
    media_type: str
    #: its JSON Schema, ``None`` when the document gives none
    schema: Any = None
    #: ``(name, value)`` pairs; a single ``example`` has the name ``""``
    examples: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Body:
    """A request body."""

    description: str = ""
    required: bool = False
    content: tuple[Media, ...] = ()


@dataclass(frozen=True)
class Response:
    """One response of an operation."""

    #: ``200``, ``4XX`` or ``default``
    code: str
    description: str = ""
    content: tuple[Media, ...] = ()
    headers: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class Operation:
    """One operation: a method on a path, or a webhook."""

    #: upper case, e.g. ``GET``
    method: str
    #: the path as written (``/pets/{id}``); for a webhook, its name
    path: str
    operation_id: str = ""
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    #: alternatives of ``{scheme: scopes}``; ``None`` when neither the
    #: operation nor the document says, ``()`` for explicitly none
    security: tuple[dict[str, tuple[str, ...]], ...] | None = None
    parameters: tuple[Parameter, ...] = ()
    request_body: Body | None = None
    responses: tuple[Response, ...] = ()
    deprecated: bool = False
    #: the webhook's name when the operation is a webhook (OpenAPI 3.1)
    webhook: str | None = None

    @property
    def signature(self) -> str:
        """``METHOD /path`` as a ``plan-endpoint`` is titled."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Server:
    """One server of the API."""

    url: str
    description: str = ""
    #: name → ``{default, enum, description}``
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiDocument:
    """What an OpenAPI document declares, read into plain data."""

    #: the ``openapi`` version of the input, e.g. ``3.0.2``
    openapi: str
    title: str = ""
    #: ``info.version``
    version: str = ""
    description: str = ""
    servers: tuple[Server, ...] = ()
    #: paths first (document order), then webhooks
    operations: tuple[Operation, ...] = ()
    #: ``components.schemas``: name → JSON Schema 2020-12
    schemas: dict[str, Any] = field(default_factory=dict)
    #: ``components.securitySchemes``: name → scheme, as written
    security_schemes: dict[str, Any] = field(default_factory=dict)
    #: ``(name, description)`` of the document's tags
    tags: tuple[tuple[str, str], ...] = ()
    #: what could not be read, each ``/json/pointer: what`` (nothing is raised for these)
    problems: tuple[str, ...] = ()
