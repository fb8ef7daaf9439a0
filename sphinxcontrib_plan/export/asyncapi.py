"""AsyncAPI 3.0 document of the plan's events and WebSocket endpoints.

Each ``plan-event`` is a channel whose address is the event's name, with one
message (payload schema and examples); each of its publishers gets a
``send`` operation and each consumer a ``receive`` operation, named after
the component. Each WebSocket endpoint (``WS``/``WSS``) is a channel whose
address is its path, with a ``ws`` binding carrying its query and header
parameters; the service ``send`` s its messages. Named schemas
(``plan-schema``) are ``components.schemas``, referred to as in OpenAPI.

Pure: :func:`asyncapi_document` works on the plain :class:`Channel` values
that :func:`channels_of` reads from the resolved index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinxcontrib_plan.model.index import ResolvedIndex

ASYNCAPI_VERSION = "3.0.0"
#: what AsyncAPI allows in a component, channel, operation or message key
_KEY = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class Message:
    """One message of a channel."""

    #: key in the channel's ``messages``
    name: str
    title: str = ""
    #: JSON Schema of the payload, ``None`` when the plan gives only examples
    payload: Any = None
    #: example payloads
    examples: tuple[Any, ...] = ()
    content_type: str = "application/json"


@dataclass(frozen=True)
class Channel:
    """One channel: an event, or a WebSocket endpoint."""

    #: key in ``channels`` (the object id)
    key: str
    #: the event's name, or the WebSocket path
    address: str
    title: str = ""
    description: str = ""
    messages: tuple[Message, ...] = ()
    #: ``(component id, component title)`` of the senders and receivers
    senders: tuple[tuple[str, str], ...] = ()
    receivers: tuple[tuple[str, str], ...] = ()
    #: a WebSocket endpoint's handshake: method, and query/header schemas
    websocket: dict[str, Any] | None = None
    tags: tuple[str, ...] = ()
    #: the plan the object belongs to
    plan: str | None = None


def key(text: str) -> str:
    """A key AsyncAPI accepts (letters, digits, ``.``, ``-``, ``_``).

    :param text: an id or a name
    :return: the key
    """
    return _KEY.sub("-", text).strip("-") or "unnamed"


def _channel(channel: Channel) -> dict[str, Any]:
    out: dict[str, Any] = {"address": channel.address}
    if channel.title:
        out["title"] = channel.title
    if channel.description:
        out["description"] = channel.description
    out["messages"] = {key(m.name): _message(m) for m in channel.messages}
    if channel.websocket is not None:
        out["bindings"] = {"ws": {**channel.websocket, "bindingVersion": "0.1.0"}}
    if channel.tags:
        out["tags"] = [{"name": t} for t in channel.tags]
    if channel.plan:
        out["x-plan"] = channel.plan
    return out


def _message(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"name": message.name, "contentType": message.content_type}
    if message.title:
        out["title"] = message.title
    if message.payload is not None:
        out["payload"] = message.payload
    if message.examples:
        out["examples"] = [{"payload": e} for e in message.examples]
    return out


def _operations(channel: Channel) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    ref = {"$ref": f"#/channels/{key(channel.key)}"}
    messages = [
        {"$ref": f"#/channels/{key(channel.key)}/messages/{key(m.name)}"} for m in channel.messages
    ]
    roles = [("send", c) for c in channel.senders] + [("receive", c) for c in channel.receivers]
    for action, (component, title) in roles:
        verb = "sends" if action == "send" else "receives"
        operation: dict[str, Any] = {
            "action": action,
            "channel": ref,
            "messages": messages,
            "summary": f"{title or component} {verb} {channel.address}",
        }
        if component:
            operation["tags"] = [{"name": component}]
            operation["x-component"] = component
        operations[key(f"{component or 'service'}.{action}.{channel.key}")] = operation
    return operations


def asyncapi_document(
    channels: Iterable[Channel],
    *,
    title: str,
    version: str,
    schemas: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of *channels*.

    :param channels: the events and WebSocket endpoints
    :param title: ``info.title``, the project name
    :param version: ``info.version``
    :param schemas: named schemas, for ``components.schemas``
    :return: JSON-able data
    """
    document: dict[str, Any] = {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": title or "API", "version": version or "0.0.0"},
        "defaultContentType": "application/json",
        "channels": {},
        "operations": {},
    }
    for channel in channels:
        name = key(channel.key)
        if name in document["channels"]:
            continue  # one id twice is reported as plan.duplicate; the first wins
        document["channels"][name] = _channel(channel)
        document["operations"].update(_operations(channel))
    if schemas:
        document["components"] = {"schemas": {key(n): s for n, s in sorted(schemas.items())}}
    return document


def websocket_binding(parameters: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``ws`` channel binding of a WebSocket endpoint's parameters.

    :param parameters: OpenAPI-shaped parameters (``name``, ``in``, ``schema``,
        ``required``, ``description``)
    :return: ``{"method": "GET", "query": ..., "headers": ...}``
    """
    binding: dict[str, Any] = {"method": "GET"}
    for location, name in (("query", "query"), ("header", "headers")):
        found = [p for p in parameters if p.get("in") == location]
        if not found:
            continue
        properties = {}
        schema: dict[str, Any]
        for p in found:
            schema = dict(p.get("schema") or {})
            if p.get("description"):
                schema.setdefault("description", p["description"])
            properties[p["name"]] = schema
        schema = {"type": "object", "properties": properties}
        required = [p["name"] for p in found if p.get("required")]
        if required:
            schema["required"] = required
        binding[name] = schema
    return binding


def channels_of(index: ResolvedIndex) -> tuple[list[Channel], dict[str, Any]]:
    """The channels of a project: its events, then its WebSocket endpoints.

    :param index: the resolved index
    :return: the channels, in document order, and the named schemas
    """
    from sphinxcontrib_plan.export.openapi_media import data_examples, export_schema

    def components(ids: Any) -> tuple[tuple[str, str], ...]:
        return tuple((i, index.by_id[i].title if i in index.by_id else i) for i in ids or ())

    channels = []
    for event in index.of_type("event"):
        data = event.data
        body = getattr(data, "body", None)
        payload = export_schema(body.schema) if body is not None else None  # None: invalid
        examples = tuple(data_examples(getattr(data, "examples", ())))
        media = body.media_types[0] if body is not None and body.media_types else "application/json"
        channels.append(
            Channel(
                event.id,
                event.title,
                event.title,
                "",
                (Message(event.title, event.title, payload, examples, media),),
                components(event.fields.get("published-by")),
                components(event.fields.get("consumed-by")),
                tags=tuple(event.fields.get("tags", ())),
                plan=event.plan,
            )
        )
    for endpoint in index.of_type("endpoint"):
        data = endpoint.endpoint
        if data is None or not data.websocket:
            continue
        payload = export_schema(data.body.schema) if data.body is not None else None
        channels.append(
            Channel(
                endpoint.id,
                data.path.partition("?")[0],
                endpoint.title,
                endpoint.fields.get("summary") or data.description,
                (
                    Message(
                        "message",
                        endpoint.fields.get("summary") or "",
                        payload,
                        tuple(data_examples(data.examples)),
                    ),
                ),
                senders=(("", "The service"),),
                websocket=websocket_binding(data.parameters),
                tags=tuple(endpoint.fields.get("tags", ())),
                plan=endpoint.plan,
            )
        )
    schemas = {
        r.title: export_schema(r.json_schema)
        for r in index.of_type("schema")
        if r.title and export_schema(r.json_schema) is not None
    }
    return channels, schemas
