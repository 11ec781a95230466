"""Fixtures for the event bus tests: a scratch database, the real broker, names of our own."""

import uuid
from collections.abc import AsyncIterator, Callable
from functools import partial

import pytest
from tests.support.factories import authority

from contracts.events.authority import AuthorityUpserted
from kit.events.broker import Broker
from kit.events.consumer import PROCESSED_INDEXES
from kit.events.outbox import OUTBOX_INDEXES
from kit.mongo import Mongo
from portalstack.endpoints import Stack

MakeEvent = Callable[..., AuthorityUpserted]


@pytest.fixture
def tag(worker_tag: str) -> str:
    """A name of this test's own: service name, queue prefix and authority slug at once."""
    return f"t{worker_tag}-{uuid.uuid4().hex[:6]}".lower().replace("_", "-")


@pytest.fixture
async def mongo(mongo: Mongo) -> Mongo:
    """A service's store on a database of this test's own, with the bus's indexes."""
    await mongo.ensure_indexes([*OUTBOX_INDEXES, *PROCESSED_INDEXES])
    return mongo


@pytest.fixture
async def broker(stack: Stack, tag: str) -> AsyncIterator[Broker]:
    """A connection to the real RabbitMQ."""
    connection = Broker(stack.amqp_url, service=tag)
    await connection.connect()
    yield connection
    await connection.close()


@pytest.fixture
def make_event() -> MakeEvent:
    """Builds valid authority payloads, disabled so that no running portal serves them."""
    return partial(authority, status="disabled")
