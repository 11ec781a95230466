"""Fixtures for the event bus tests: a scratch database, the real broker, names of our own."""

import asyncio
import inspect
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from contracts.events.authority import AuthorityUpserted, Branding, Contact, UploadPolicy
from kit.events.broker import Broker
from kit.events.consumer import PROCESSED_INDEXES
from kit.events.outbox import OUTBOX_INDEXES
from kit.mongo import Mongo
from portalstack.endpoints import Stack

Check = Callable[[], bool | Awaitable[bool]]
Eventually = Callable[..., Awaitable[None]]
MakeEvent = Callable[..., AuthorityUpserted]


@pytest.fixture
def tag(worker_tag: str) -> str:
    """A name of this test's own: service name, queue prefix and authority slug at once."""
    return f"t{worker_tag}-{uuid.uuid4().hex[:6]}".lower().replace("_", "-")


@pytest.fixture
async def mongo(stack: Stack, scratch_db_name: str) -> AsyncIterator[Mongo]:
    """A service's store on a database of this test's own, with the bus's indexes."""
    store = Mongo(stack.mongo_url, scratch_db_name)
    await store.ensure_indexes([*OUTBOX_INDEXES, *PROCESSED_INDEXES])
    yield store
    await store.close()


@pytest.fixture
async def broker(stack: Stack, tag: str) -> AsyncIterator[Broker]:
    """A connection to the real RabbitMQ."""
    connection = Broker(stack.amqp_url, service=tag)
    await connection.connect()
    yield connection
    await connection.close()


def authority_event(slug: str, *, revision: int = 1, name: str | None = None) -> AuthorityUpserted:
    """A valid `gateway.authority.upserted` payload; disabled, so no running portal serves it."""
    return AuthorityUpserted(
        slug=slug,
        name=name or f"Test authority {slug}",
        kind="council",
        status="disabled",
        modules=["homelessness"],
        uploads=UploadPolicy(max_bytes=1_000_000, allowed_extensions=[".pdf"]),
        staff_two_factor_required=False,
        branding=Branding(colour="#123456"),
        contact=Contact(),
        hosts=[],
        revision=revision,
    )


@pytest.fixture
def make_event() -> MakeEvent:
    """Builds valid authority payloads: `make_event(slug, revision=1, name=None)`."""
    return authority_event


async def _eventually(check: Check, *, within: float = 10.0, what: str = "condition") -> None:
    """Poll check until it holds; fail once the deadline passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        outcome: Any = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not reached within {within} s")
        await asyncio.sleep(0.05)


@pytest.fixture
def eventually() -> Eventually:
    """Polls a condition with a deadline: `await eventually(check, within=10, what=...)`."""
    return _eventually
