"""Fixtures for cases tests: the API through the gateway, people of every role, the outbox."""

from collections.abc import AsyncIterator

import httpx
import pytest
from tests.support.cases import CasesApi, CasesStore
from tests.support.stack import MintToken

from portalstack.endpoints import Stack


@pytest.fixture
async def api(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API through the gateway."""
    return CasesApi(gateway, mint_token)


@pytest.fixture
async def cases_store(stack: Stack) -> AsyncIterator[CasesStore]:
    """The cases service's database."""
    store = CasesStore(stack.mongo_url)
    yield store
    await store.client.close()
