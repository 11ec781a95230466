"""Fixtures that put events on the real broker as a service's outbox relay does."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aio_pika
import pytest

from contracts.envelope import Envelope
from contracts.payload import EventPayload
from contracts.registry import parse_message, validate_envelope
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


Heard = tuple[Envelope, EventPayload]
Hear = Callable[..., Awaitable[list[Heard]]]


@asynccontextmanager
async def heard(stack: Stack, pattern: str) -> AsyncIterator[Hear]:
    """Listen on `portal.events` from now, with a queue of the test's own bound to `pattern`.

    The context gives `hear(case_id, count, keep=...)`: the first `count` events about the
    case (and that `keep` accepts), in the order they arrived, waiting up to 20 s for them."""
    connection = await aio_pika.connect(stack.amqp_url)
    try:
        channel = await connection.channel()
        exchange = await declare_exchange(channel)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key=pattern)

        async def hear(
            case_id: str,
            count: int,
            keep: Callable[[Envelope, EventPayload], bool] = lambda _e, _p: True,
        ) -> list[Heard]:
            found: list[Heard] = []
            async with asyncio.timeout(20), queue.iterator() as messages:
                async for message in messages:
                    async with message.process():
                        envelope, payload = parse_message(message.body)
                    if getattr(payload, "case_id", None) != case_id or not keep(envelope, payload):
                        continue
                    found.append((envelope, payload))
                    if len(found) == count:
                        break
            return found

        yield hear
    finally:
        await connection.close()
