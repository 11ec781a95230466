"""Fixtures for identity tests: the API through the gateway, identity's store, the mail catcher."""

from collections.abc import AsyncIterator

import httpx
import pytest
from tests.support.portal import IdentityStore, Mailbox, Portal

from portalstack.endpoints import Stack


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of tests that read real emails from the mail catcher."""
    config.addinivalue_line(
        "markers", "mail: reads the emails the notifications service sends to the mail catcher"
    )


@pytest.fixture
async def store(stack: Stack) -> AsyncIterator[IdentityStore]:
    """Identity's own database."""
    opened = IdentityStore(stack.mongo_url)
    yield opened
    await opened.close()


@pytest.fixture
async def portal(gateway: httpx.AsyncClient, store: IdentityStore) -> Portal:
    """Identity through the gateway, as a client of its own."""
    return Portal(gateway, store)


@pytest.fixture
def mailbox(stack: Stack) -> Mailbox:
    """The mail catcher of the running stack."""
    return Mailbox(stack.mail_url)
