"""Fixtures for gateway tests: tokens signed with identity's real key, registry clean-up."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from gateway.config import Settings as GatewaySettings
from kit.mongo import Document, Mongo
from portalstack.endpoints import Stack

WaitForCopies = Callable[..., Awaitable[dict[str, Document]]]

# Each service's database holding its copy of the registry.
COPIES = {
    "identity": "portal_identity",
    "cases": "portal_cases",
    "documents": "portal_documents",
    "notifications": "portal_notifications",
}


async def wait_for_copies(
    mongo: Mongo, slug: str, *, revision: int = 1, within: float = 20.0
) -> dict[str, Document]:
    """Each service's copy of the authority, once all four hold this revision or a later one."""
    deadline = time.monotonic() + within
    copies: dict[str, Document] = {}
    while time.monotonic() < deadline:
        for service, database in COPIES.items():
            found = await mongo.client[database]["authorities"].find_one({"_id": slug})
            if found is not None and found.get("revision", 0) >= revision:
                copies[service] = found
        if len(copies) == len(COPIES):
            return copies
        await asyncio.sleep(0.1)
    missing = sorted(set(COPIES) - set(copies))
    raise AssertionError(f"revision {revision} of {slug} did not reach {missing}")


@pytest.fixture
def copies_reached() -> WaitForCopies:
    """Waits until every service holds a revision of an authority."""
    return wait_for_copies


@pytest.fixture
async def gateway_mongo(stack: Stack) -> AsyncIterator[Mongo]:
    """The running gateway's own database."""
    mongo = Mongo(stack.mongo_url, GatewaySettings().mongo_db)
    yield mongo
    await mongo.close()


@pytest.fixture
async def forget_authorities(gateway_mongo: Mongo) -> AsyncIterator[list[str]]:
    """Slugs a test created; they are removed from the registry and every copy afterwards."""
    slugs: list[str] = []
    yield slugs
    for slug in slugs:
        await gateway_mongo.db["authorities"].delete_one({"_id": slug})
        for database in COPIES.values():
            await gateway_mongo.client[database]["authorities"].delete_one({"_id": slug})
