"""Plain, picklable records of plan objects, as stored in the domain's data.

What a type reads from its directive's body beyond the typed fields (an
endpoint's method and examples, a table's columns) is a frozen data class of
its own, so every reader names attributes instead of string keys.

The records are pickled with the environment after every build, so they
pickle lean (issue 29): each data class as its class and its field values in
order, without the field names and without the trailing values that are the
defaults; field names and short values shared (:func:`shared_fields`); an
object record without what it can derive again on loading — its
anchor when it is the one made from its type and id, an endpoint's path
parameter names, and a response's or endpoint's description where it is the
record's body text (or its start). A loaded record equals the one pickled.
"""

from __future__ import annotations

import re
import sys
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.model.params import path_names

if TYPE_CHECKING:
    from collections.abc import Mapping

    # only a type here: sqlglot is imported when a plan-table is read, not before
    from sphinxcontrib_plan.model.sql import Table

#: inline markup of a text field as plain data (see :mod:`sphinxcontrib_plan.render.spans`)
Spans = list[list[str]]


#: the default of each field of each record class (:data:`MISSING` where none)
_DEFAULTS: dict[type, tuple[Any, ...]] = {}


def _defaults(cls: type) -> tuple[Any, ...]:
    if cls not in _DEFAULTS:
        _DEFAULTS[cls] = tuple(
            f.default
            if f.default is not MISSING
            else (f.default_factory() if f.default_factory is not MISSING else MISSING)
            for f in fields(cls)
        )
    return _DEFAULTS[cls]


def compact_values(obj: Any) -> tuple[Any, ...]:
    """The field values of a data class instance in order, its trailing defaults left out:
    ``type(obj)(*compact_values(obj))`` equals *obj*.

    :param obj: a data class instance whose fields are all ``__init__`` arguments
    :return: the values
    """
    values = [getattr(obj, f.name) for f in fields(obj)]
    defaults = _defaults(type(obj))
    while values and defaults[len(values) - 1] is not MISSING:
        default = defaults[len(values) - 1]
        if values[-1] is not default and (
            type(values[-1]) is not type(default) or values[-1] != default
        ):
            break
        values.pop()
    return tuple(values)


#: the longest field value shared between records (names, states, media types, ids)
_SHARED_LENGTH = 40


def shared_fields(values: dict[str, Any]) -> dict[str, Any]:
    """*values* with its names, and its short text values (also in lists), each one
    string object for every record that has it: the environment pickles a
    repeated string once (``content-type``, ``application/json``, an owner).

    :param values: typed field values
    :return: equal values
    """

    def share(value: Any) -> Any:
        if isinstance(value, str) and len(value) <= _SHARED_LENGTH:
            return sys.intern(value)
        if isinstance(value, list):
            return [share(v) for v in value]
        return value

    return {sys.intern(k): share(v) for k, v in values.items()}


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    return type(self), compact_values(self)


@dataclass(frozen=True)
class Example:
    """A code block of an object's body: a request or response example."""

    __reduce__ = _reduce

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

    __reduce__ = _reduce

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

    __reduce__ = _reduce

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

    __reduce__ = _reduce

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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the path's parameter names are read again from the path
        if self.params == tuple(path_names(self.path)):
            return _endpoint_data, compact_values(replace(self, params=()))
        return type(self), compact_values(self)

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

    __reduce__ = _reduce

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

    __reduce__ = _reduce

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


def _endpoint_data(*values: Any) -> EndpointData:
    data = EndpointData(*values)  # a new object of this loading (see _object_record)
    object.__setattr__(data, "params", tuple(path_names(data.path)))
    return data


@dataclass(frozen=True)
class ObjectRecord:
    """One plan object (a plan itself included) as read from one directive."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # what is derived again on loading (see the module docstring): the default
        # anchor is stored as "", a description that is the body (or begins it) as
        # True (or its length)
        record = self
        if self.anchor == default_anchor(self.type, self.id):
            record = replace(record, anchor="")
        data = self.data
        if isinstance(data, (EndpointData, ResponseData)) and data.description and self.body:
            if data.description == self.body:
                record = replace(record, data=replace(data, description=True))  # type: ignore[arg-type]
            elif self.body.startswith(data.description + "\n\n"):
                size = len(data.description)
                record = replace(record, data=replace(data, description=size))  # type: ignore[arg-type]
        return _object_record, compact_values(record)

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


#: a text :func:`docutils.nodes.make_id` returns as it is, once in lower case: a
#: letter, then letters and digits in runs joined by single hyphens
_PLAIN_ID = re.compile(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*")


def default_anchor(typ: str, oid: str) -> str:
    """The anchor of an object of type *typ* and id *oid* in a document where it is free.

    :param typ: the object type
    :param oid: the id
    :return: e.g. ``risk-p01-r1``
    """
    text = f"{typ}-{oid}".lower()
    if _PLAIN_ID.fullmatch(text):  # what make_id would give, without its ten steps
        return text
    return nodes.make_id(text) or f"plan-{typ}"


def _object_record(*values: Any) -> ObjectRecord:
    # the record and its data are new objects of this loading: what was left out
    # is set on them, not copied into new ones (dataclasses.replace made every
    # object twice: 4.4 of the 5.3 s that loading 102,600 records took)
    record = ObjectRecord(*values)
    if not record.anchor:
        object.__setattr__(record, "anchor", default_anchor(record.type, record.id))
    data = record.data
    if isinstance(data, (EndpointData, ResponseData)) and not isinstance(data.description, str):
        size = len(record.body) if data.description is True else int(data.description)
        object.__setattr__(data, "description", record.body[:size])
    return record
