"""A deactivated or restricted member's tokens are refused at once, and accepted once lifted."""

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import aio_pika
import httpx
from tests.support.polling import status_reached

from contracts.envelope import Envelope
from contracts.events.identity import AccountDeactivated, AccountReactivated
from contracts.payload import EventPayload
from contracts.registry import validate_envelope
from portalstack.endpoints import Stack

MintToken = Callable[..., Awaitable[str]]


async def publish(stack: Stack, payload: EventPayload, *, authority: str) -> None:
    """Publish an event as identity's outbox relay does."""
    envelope = Envelope.for_event(payload, authority=authority, actor="identity")
    message = envelope.model_dump(mode="json")
    validate_envelope(message)
    connection = await aio_pika.connect(stack.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(
            "portal.events", aio_pika.ExchangeType.TOPIC, durable=True
        )
        await exchange.publish(
            aio_pika.Message(
                json.dumps(message).encode(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(envelope.id),
                type=envelope.type,
            ),
            routing_key=envelope.type,
        )


class TestMemberAccess:
    async def test_restricted_then_lifted(
        self, gateway: httpx.AsyncClient, stack: Stack, mint_token: MintToken
    ) -> None:
        user = uuid.uuid4().hex
        token = await mint_token(authority="kingston", user=user)
        headers = {"Authorization": f"Bearer {token}"}
        url = "/kingston/api/cases/no-such-route"
        assert (await gateway.get(url, headers=headers)).status_code == 404  # let through
        await publish(
            stack,
            AccountDeactivated(user_id=user, reason="restricted", until=None),
            authority="kingston",
        )
        refused = await status_reached(gateway, url, 403, headers=headers, within=15)
        assert refused.json()["error"]["code"] == "access_restricted"
        # Only that authority: the same person elsewhere is untouched.
        elsewhere = await mint_token(authority="rugby", user=user)
        response = await gateway.get(
            "/rugby/api/cases/no-such-route", headers={"Authorization": f"Bearer {elsewhere}"}
        )
        assert response.status_code == 404
        await publish(
            stack,
            AccountReactivated(user_id=user, reason="restriction_lifted"),
            authority="kingston",
        )
        await status_reached(gateway, url, 404, headers=headers, within=15)

    async def test_a_restriction_that_has_ended_no_longer_applies(
        self, gateway: httpx.AsyncClient, stack: Stack, mint_token: MintToken
    ) -> None:
        user = uuid.uuid4().hex
        token = await mint_token(authority="kingston", user=user)
        headers = {"Authorization": f"Bearer {token}"}
        ends = datetime.now(UTC) + timedelta(seconds=3)
        await publish(
            stack,
            AccountDeactivated(user_id=user, reason="restricted", until=ends),
            authority="kingston",
        )
        url = "/kingston/api/cases/no-such-route"
        await status_reached(gateway, url, 403, headers=headers, within=15)
        await status_reached(gateway, url, 404, headers=headers, within=15)
        assert datetime.now(UTC) >= ends
