"""Plain, picklable records of plan objects, as stored in the domain's data.

What a type reads from its directive's body beyond the typed fields (an
endpoint's method and examples, a table's columns) is a frozen data class of
its own, so every reader names attributes instead of string keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    # only a type here: sqlglot is imported when a plan-table is read, not before
    from sphinxcontrib_plan.model.sql import Table

#: inline markup of a text field as plain data (see :mod:`sphinxcontrib_plan.render.spans`)
Spans = list[list[str]]


@dataclass(frozen=True)
class Example:
    """A code block of an object's body: a request or response example."""

    #: the code block's language (``json``, ``http``...), empty when none
    language: str
    #: the code as written
    code: str
    #: line of the code block in its source, 0 when unknown
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        """The example as ``plan.json`` data."""
        return {"language": self.language, "code": self.code}


@dataclass(frozen=True)
class BodySchema:
    """The schema of a request, response or event body, and its media types."""

    #: the JSON Schema: written inline, read from a file, or ``{"$ref": ...}`` to a plan-schema
    schema: Any = None
    #: line of what gave the schema (its code block, or the ``:schema:`` option)
    line: int = 0
    #: media types (``application/json``...), empty when none is declared
    media_types: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The body as ``plan.json`` data."""
        return {"schema": self.schema, "media_types": list(self.media_types)}


@dataclass(frozen=True)
class EventData:
    """What an event reads from its body: the payload's schema and examples."""

    #: the payload's schema, ``None`` when the event has none
    body: BodySchema | None = None
    #: code blocks of the body (example payloads)
    examples: tuple[Example, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The data as ``plan.json`` data."""
        return {
            "examples": [e.to_json() for e in self.examples],
            **({"body": self.body.to_json()} if self.body else {}),
        }


@dataclass(frozen=True)
class SchemaData:
    """The JSON Schema a ``plan-schema`` holds."""

    #: the schema (``{}`` when it could not be read)
    schema: Any = None
    #: line of its code block (or of ``:file:``)
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        """The data as ``plan.json`` data."""
        return {"schema": self.schema}


@dataclass(frozen=True)
class EndpointData:
    """What an endpoint reads from its signature and body."""

    #: upper-case method, e.g. ``POST``
    method: str
    #: the path as written
    path: str
    #: names of the path's ``{parameters}``
    params: tuple[str, ...] = ()
    #: code blocks of the body, outside its responses
    examples: tuple[Example, ...] = ()
    #: the body's prose, the operation's description
    description: str = ""
    #: its parameters as OpenAPI Parameter Objects (path ones first)
    parameters: tuple[dict[str, Any], ...] = ()
    #: the request body's schema and media types
    body: BodySchema | None = None

    @property
    def websocket(self) -> bool:
        """Whether this is a WebSocket endpoint (``WS``/``WSS``)."""
        return self.method in ("WS", "WSS")

    def to_json(self) -> dict[str, Any]:
        """The data as ``plan.json`` data."""
        return {
            "method": self.method,
            "path": self.path,
            "params": list(self.params),
            "examples": [e.to_json() for e in self.examples],
            "description": self.description,
            "parameters": list(self.parameters),
            **({"body": self.body.to_json()} if self.body else {}),
        }


@dataclass(frozen=True)
class ResponseData:
    """What a response reads from its argument and body."""

    #: the status code (``201``, ``4XX``) or ``default``
    code: str
    #: the reason phrase written after the code
    reason: str = ""
    #: code blocks of the body
    examples: tuple[Example, ...] = ()
    #: the body's prose
    description: str = ""
    #: its response headers as OpenAPI Parameter Objects
    headers: tuple[dict[str, Any], ...] = ()
    #: the response body's schema and media types
    body: BodySchema | None = None

    @property
    def code_class(self) -> str:
        """``2xx``... for a numeric code, else ``default``."""
        return f"{self.code[0]}xx" if self.code[:1].isdigit() else "default"

    def to_json(self) -> dict[str, Any]:
        """The data as ``plan.json`` data."""
        return {
            "code": self.code,
            "reason": self.reason,
            "examples": [e.to_json() for e in self.examples],
            "description": self.description,
            "headers": list(self.headers),
            **({"body": self.body.to_json()} if self.body else {}),
        }


@dataclass(frozen=True)
class TableData:
    """The tables a ``plan-table`` reads from its SQL."""

    #: the tables, in statement order
    schema: tuple[Table, ...] = ()
    #: SHA-256 of the SQL text read: the same SQL read again needs no parser
    sql_digest: str = ""

    @property
    def column_count(self) -> int:
        """Columns of every table."""
        return sum(len(t.columns) for t in self.schema)

    def to_json(self) -> dict[str, Any]:
        """The data as ``plan.json`` data."""
        return {"schema": [t.to_dict() for t in self.schema]}


#: the type-specific data a record may carry
TypeData = EndpointData | ResponseData | TableData | EventData | SchemaData


@dataclass(frozen=True)
class ObjectRecord:
    """One plan object (a plan itself included) as read from one directive."""

    #: type name, e.g. ``risk``
    type: str
    #: unique id (explicit or derived)
    id: str
    #: title as plain text (the signature for endpoints)
    title: str
    #: plan the object belongs to, ``None`` for an orphan
    plan: str | None
    #: document holding the directive
    docname: str
    #: line of the directive in its source
    lineno: int
    #: HTML anchor / LaTeX label inside the document
    anchor: str
    #: typed field values (canonical, JSON-able), defaults filled in
    fields: dict[str, Any] = field(default_factory=dict)
    #: ``(done, total)`` of ``[x]``/``[ ]`` items in the body, for checklist types
    checks: tuple[int, int] | None = None
    #: id of the enclosing object (the endpoint of a response)
    parent: str | None = None
    #: position of the directive in its document, for stable ordering
    order: int = 0
    #: type-specific data read from the argument and body, ``None`` for most types
    data: TypeData | None = None
    #: inline markup of text fields, by field name, for registers on other pages
    markup: Mapping[str, Spans] = field(default_factory=dict)
    #: the body's text (nested objects left out), whitespace folded within
    #: paragraphs: what diffs and approval fingerprints compare
    body: str = ""
    #: template placeholders left in the title and fields: ``(field, text, line)``,
    #: ``title`` for the title; reported once the plan is under review
    placeholders: tuple[tuple[str, str, int], ...] = ()

    @property
    def location(self) -> tuple[str, int]:
        """``(docname, lineno)`` for warnings."""
        return self.docname, self.lineno

    @property
    def sort_key(self) -> tuple[str, int]:
        """Document order, the deterministic order of the whole index."""
        return self.docname, self.order

    @property
    def endpoint(self) -> EndpointData | None:
        """The endpoint data, for an endpoint."""
        return self.data if isinstance(self.data, EndpointData) else None

    @property
    def response(self) -> ResponseData | None:
        """The response data, for a response."""
        return self.data if isinstance(self.data, ResponseData) else None

    @property
    def body_schema(self) -> BodySchema | None:
        """The body schema of an endpoint (request), response or event (payload)."""
        return getattr(self.data, "body", None)

    @property
    def json_schema(self) -> Any:
        """The schema of a ``plan-schema``, ``None`` for other types."""
        return self.data.schema if isinstance(self.data, SchemaData) else None

    @property
    def tables(self) -> tuple[Table, ...]:
        """The SQL tables, for a ``plan-table`` whose SQL could be read."""
        return self.data.schema if isinstance(self.data, TableData) else ()
