"""export.asyncapi: channels, messages and operations, valid against AsyncAPI 3.0.0."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from sphinxcontrib_plan.export.asyncapi import (
    Channel,
    Message,
    asyncapi_document,
    key,
    websocket_binding,
)

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = Path(__file__).parent.parent / "fixtures" / "asyncapi" / "asyncapi-3.0.0.schema.json.gz"


def asyncapi_errors(document: dict) -> list[str]:
    """Every error of *document* against the official AsyncAPI 3.0.0 schema."""
    schema = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    validator = jsonschema.Draft7Validator(schema)
    return sorted(f"{e.json_path}: {e.message}" for e in validator.iter_errors(document))


EVENT = Channel(
    key="001-payment-method-created",
    address="payment_method.created",
    title="payment_method.created",
    description="A payment method was added.",
    messages=(
        Message(
            "payment_method.created",
            "payment_method.created",
            {"$ref": "#/components/schemas/PaymentMethodCreated"},
            ({"event_id": "evt_1"},),
        ),
    ),
    senders=(("payment-service", "Payment Service"),),
    receivers=(("analytics", "Analytics Service"), ("notify", "Notification Service")),
    plan="001",
)
STREAM = Channel(
    key="001-wss-api-v1-transactions-stream",
    address="/api/v1/transactions/stream",
    title="WSS /api/v1/transactions/stream",
    messages=(Message("message", payload=None, examples=({"event": "transaction.created"},)),),
    senders=(("", "The service"),),
    websocket=websocket_binding(
        [
            {
                "name": "token",
                "in": "query",
                "required": True,
                "schema": {"type": "string"},
                "description": "JWT",
            }
        ]
    ),
)


def test_events_and_websockets_become_channels_operations_and_messages():
    doc = asyncapi_document(
        [EVENT, STREAM],
        title="Payments",
        version="1.0",
        schemas={"PaymentMethodCreated": {"type": "object"}},
    )
    assert asyncapi_errors(doc) == []
    assert doc["channels"]["001-payment-method-created"]["address"] == "payment_method.created"
    assert sorted(doc["operations"]) == [
        "analytics.receive.001-payment-method-created",
        "notify.receive.001-payment-method-created",
        "payment-service.send.001-payment-method-created",
        "service.send.001-wss-api-v1-transactions-stream",
    ]
    send = doc["operations"]["payment-service.send.001-payment-method-created"]
    assert send["channel"] == {"$ref": "#/channels/001-payment-method-created"}
    assert send["messages"] == [
        {"$ref": "#/channels/001-payment-method-created/messages/payment_method.created"}
    ]
    assert send["summary"] == "Payment Service sends payment_method.created"
    ws = doc["channels"]["001-wss-api-v1-transactions-stream"]["bindings"]["ws"]
    assert ws == {
        "method": "GET",
        "bindingVersion": "0.1.0",
        "query": {
            "type": "object",
            "properties": {"token": {"type": "string", "description": "JWT"}},
            "required": ["token"],
        },
    }
    assert doc["components"]["schemas"] == {"PaymentMethodCreated": {"type": "object"}}


def test_empty_plan_is_a_valid_document():
    doc = asyncapi_document([], title="", version="")
    assert asyncapi_errors(doc) == []
    assert doc["info"] == {"title": "API", "version": "0.0.0"}


def test_the_validator_catches_a_broken_document():
    doc = asyncapi_document([EVENT], title="t", version="1")
    doc["operations"]["payment-service.send.001-payment-method-created"]["action"] = "publish"
    assert asyncapi_errors(doc) == [
        "$.operations['payment-service.send.001-payment-method-created']: {'action': "
        "'publish', 'channel': {'$ref': '#/channels/001-payment-method-created'}, 'messages': "
        "[{'$ref': '#/channels/001-payment-method-created/messages/payment_method.created'}], "
        "'summary': 'Payment Service sends payment_method.created', 'tags': [{'name': "
        "'payment-service'}], 'x-component': 'payment-service'} is not valid under any of the "
        "given schemas"
    ]


def test_keys_are_what_asyncapi_accepts():
    assert key("WSS /api/v1/stream") == "WSS-api-v1-stream"
    assert key("payment_method.created") == "payment_method.created"
    assert key("///") == "unnamed"
