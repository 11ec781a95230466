"""Fixtures for the data tests: a client on a database of the test's own."""

from collections.abc import AsyncIterator

import pytest

from kit.mongo import Mongo
from portalstack.endpoints import Stack


@pytest.fixture
async def mongo(stack: Stack, scratch_db_name: str) -> AsyncIterator[Mongo]:
    """The kit's Mongo wrapper on the real store, in this test's database."""
    client = Mongo(stack.mongo_url, scratch_db_name)
    yield client
    await client.close()
