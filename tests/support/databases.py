"""Fixtures for a database of each test's own on the real store, dropped afterwards."""

import uuid
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient

from kit.mongo import Mongo
from portalstack.endpoints import Stack


@pytest.fixture
async def scratch_db_name(worker_tag: str, stack: Stack) -> AsyncIterator[str]:
    """A database of this test's own, dropped afterwards."""
    name = f"test_{worker_tag}_{uuid.uuid4().hex[:8]}".replace("-", "_")
    yield name
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(stack.mongo_url)
    await client.drop_database(name)
    await client.close()


@pytest.fixture
async def mongo(stack: Stack, scratch_db_name: str) -> AsyncIterator[Mongo]:
    """The kit's Mongo wrapper on this test's own database."""
    # A package's conftest adds its indexes or records by asking for this fixture under the
    # same name.
    store = Mongo(stack.mongo_url, scratch_db_name)
    yield store
    await store.close()
