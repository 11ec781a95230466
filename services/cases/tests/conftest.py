"""Fixtures for cases tests: the API through the gateway, people of every role, the outbox."""

import httpx
import pytest
from tests.support.cases import CasesApi
from tests.support.stack import MintToken


@pytest.fixture
async def api(gateway: httpx.AsyncClient, mint_token: MintToken) -> CasesApi:
    """The cases API through the gateway."""
    return CasesApi(gateway, mint_token)
