"""Fixtures for the account pages' tests: identity's API and store, the web's store, the mail."""

from collections.abc import AsyncIterator

import httpx
import pytest
from tests.support.portal import IdentityStore, Mailbox, Portal

from kit.mongo import Mongo
from portalstack.endpoints import Stack
from web.config import Settings as WebSettings


@pytest.fixture
async def store(stack: Stack) -> AsyncIterator[IdentityStore]:
    """Identity's own database."""
    opened = IdentityStore(stack.mongo_url)
    yield opened
    await opened.close()


@pytest.fixture
async def identity_api(gateway: httpx.AsyncClient, store: IdentityStore) -> Portal:
    """Identity's API through the gateway, to make the people the pages are tried with."""
    return Portal(gateway, store)


@pytest.fixture
def mailbox(stack: Stack) -> Mailbox:
    """The mail catcher of the running stack."""
    return Mailbox(stack.mail_url)


@pytest.fixture
async def web_store(stack: Stack) -> AsyncIterator[Mongo]:
    """The running web service's own database."""
    mongo = Mongo(stack.mongo_url, WebSettings().mongo_db)
    yield mongo
    await mongo.close()
