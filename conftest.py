"""Fixtures every test shares: where the real servers of the running stack are."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from pymongo import AsyncMongoClient

from portalstack.endpoints import Stack, current_stack


@pytest.fixture(scope="session")
def stack() -> Stack:
    """The running stack's addresses."""
    return current_stack()


@pytest.fixture(scope="session")
def worker_tag(worker_id: str) -> str:
    """A short tag unique to this test process, for names that must not collide."""
    return f"{worker_id}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
async def scratch_db_name(worker_tag: str, stack: Stack) -> AsyncIterator[str]:
    """A database of this test's own, dropped afterwards."""
    name = f"test_{worker_tag}_{uuid.uuid4().hex[:8]}".replace("-", "_")
    yield name
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(stack.mongo_url)
    await client.drop_database(name)
    await client.close()


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the gateway, as a user of the portal reaches it."""
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=15.0) as client:
        yield client
