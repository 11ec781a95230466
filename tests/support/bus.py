"""Fixtures that put events on the real broker as a service's outbox relay does."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from kit.events.broker import declare_exchange
from portalstack.endpoints import Stack

Publish = Callable[..., Awaitable[Envelope]]


@pytest.fixture
async def publish(stack: Stack) -> AsyncIterator[Publish]:
    """Publish real, validated envelopes to `portal.events`, persistent, keyed by type."""
    connection = await aio_pika.connect(stack.amqp_url)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await declare_exchange(channel)

    async def send(
        payload: EventPayload,
        *,
        authority: str = "watford",
        actor: str | None = None,
        envelope: Envelope | None = None,
    ) -> Envelope:
        envelope = envelope or Envelope.for_event(payload, authority=authority, actor=actor)
        body = envelope.model_dump(mode="json")
        validate_envelope(body)
        await exchange.publish(
            aio_pika.Message(
                json.dumps(body).encode(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(envelope.id),
                type=envelope.type,
            ),
            routing_key=envelope.type,
        )
        return envelope

    yield send
    await connection.close()
