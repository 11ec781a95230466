"""The AsyncAPI 3.0 document describing every event on the `portal.events` exchange."""

from typing import Any

from contracts.payload import EventPayload
from contracts.registry import VERSIONS
from contracts.schema import inline_references, message_schema

ASYNCAPI_VERSION = "3.0.0"
DOCUMENT_VERSION = "1.0.0"
EXCHANGE = "portal.events"
_AMQP_BINDING_VERSION = "0.3.0"
# AMQP delivery mode 2: the broker writes the message to disk before confirming it.
_PERSISTENT = 2


def message_key(model: type[EventPayload]) -> str:
    """Return the name under which a payload model appears in the document."""
    return f"{model.event_type}.v{model.event_version}"


def _summary(model: type[EventPayload]) -> str:
    """Return the first line of a payload model's docstring."""
    return (model.__doc__ or model.event_type).strip().splitlines()[0]


def _payload_schema(model: type[EventPayload]) -> dict[str, Any]:
    """Return the message schema with nothing outside it, as AsyncAPI's schema dialect wants."""
    schema = inline_references(message_schema(model))
    schema.pop("$schema")
    return schema


def _message(model: type[EventPayload]) -> dict[str, Any]:
    """Return the AsyncAPI message object of one payload model."""
    key = message_key(model)
    return {
        "name": model.event_type,
        "title": f"{model.event_type} v{model.event_version}",
        "summary": _summary(model),
        "contentType": "application/json",
        "correlationId": {
            "description": "The id of the request that caused the event.",
            "location": "$message.payload#/correlation_id",
        },
        "payload": {"$ref": f"#/components/schemas/{key}"},
        "bindings": {
            "amqp": {"messageType": model.event_type, "bindingVersion": _AMQP_BINDING_VERSION}
        },
    }


def _operation(model: type[EventPayload]) -> dict[str, Any]:
    """Return the AsyncAPI operation that publishes one payload model."""
    key = message_key(model)
    return {
        "action": "send",
        "title": f"Publish {model.event_type} v{model.event_version}",
        "summary": _summary(model),
        "channel": {"$ref": f"#/channels/{EXCHANGE}"},
        "messages": [{"$ref": f"#/channels/{EXCHANGE}/messages/{key}"}],
        "bindings": {
            "amqp": {
                "cc": [model.event_type],
                "deliveryMode": _PERSISTENT,
                "bindingVersion": _AMQP_BINDING_VERSION,
            }
        },
    }


def asyncapi_document() -> dict[str, Any]:
    """Return the AsyncAPI document for every registered event version."""
    models = list(VERSIONS.values())
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Housing Portal events",
            "version": DOCUMENT_VERSION,
            "description": (
                "Every event the portal's services publish. Each message is a JSON envelope "
                "(id, type, version, occurred_at, authority, actor, subject, correlation_id, "
                "data) whose `data` follows the contract of its type and version. The routing "
                "key is the event type, `{service}.{entity}.{verb}`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The broker of the one-machine stack.",
            }
        },
        "channels": {
            EXCHANGE: {
                "address": EXCHANGE,
                "title": "Portal events",
                "description": (
                    "The one durable topic exchange; consumers bind their own queues "
                    "by routing-key pattern."
                ),
                "messages": {
                    message_key(model): {"$ref": f"#/components/messages/{message_key(model)}"}
                    for model in models
                },
                "bindings": {
                    "amqp": {
                        "is": "routingKey",
                        "exchange": {
                            "name": EXCHANGE,
                            "type": "topic",
                            "durable": True,
                            "autoDelete": False,
                            "vhost": "/",
                        },
                        "bindingVersion": _AMQP_BINDING_VERSION,
                    }
                },
            }
        },
        "operations": {message_key(model): _operation(model) for model in models},
        "components": {
            "messages": {message_key(model): _message(model) for model in models},
            "schemas": {message_key(model): _payload_schema(model) for model in models},
        },
    }
