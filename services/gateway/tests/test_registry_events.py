"""A new authority is announced through RabbitMQ and every service keeps a copy."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.config import Settings as GatewaySettings
from gateway.registry.models import Authority
from gateway.registry.service import RegistryService
from kit.events.outbox import Outbox
from kit.mongo import Document, Mongo
from portalstack.endpoints import Stack

COPIES = {
    "identity": "portal_identity",
    "cases": "portal_cases",
    "documents": "portal_documents",
    "notifications": "portal_notifications",
}


def new_authority(slug: str) -> Authority:
    return Authority.model_validate(
        {
            "slug": slug,
            "name": "Test Borough Council",
            "kind": "council",
            "modules": ["homelessness"],
            "uploads": {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]},
            "branding": {"colour": "#123456"},
        }
    )


@pytest.fixture
async def registry(stack: Stack) -> AsyncIterator[tuple[RegistryService, list[str]]]:
    """The running gateway's registry; authorities the test adds are removed afterwards."""
    mongo = Mongo(stack.mongo_url, GatewaySettings().mongo_db)
    added: list[str] = []
    yield RegistryService(mongo, Outbox(mongo)), added
    for slug in added:
        await mongo.db["authorities"].delete_one({"_id": slug})
        for database in COPIES.values():
            await mongo.client[database]["authorities"].delete_one({"_id": slug})
    await mongo.close()


async def wait_for_copies(mongo: Mongo, slug: str, *, within: float = 20.0) -> dict[str, Document]:
    """Each service's copy of the authority, once all four have one."""
    deadline = time.monotonic() + within
    copies: dict[str, Document] = {}
    while time.monotonic() < deadline:
        for service, database in COPIES.items():
            found = await mongo.client[database]["authorities"].find_one({"_id": slug})
            if found is not None:
                copies[service] = found
        if len(copies) == len(COPIES):
            return copies
        await asyncio.sleep(0.1)
    missing = sorted(set(COPIES) - set(copies))
    raise AssertionError(f"no copy of {slug} reached {missing}")


class TestAuthorityAnnouncement:
    async def test_every_service_receives_a_new_authority(
        self,
        registry: tuple[RegistryService, list[str]],
        gateway: httpx.AsyncClient,
    ) -> None:
        service, added = registry
        slug = f"test-{uuid.uuid4().hex[:10]}"
        assert await service.seed([new_authority(slug)]) == [slug]
        added.append(slug)
        copies = await wait_for_copies(service.mongo, slug)
        for copy in copies.values():
            assert copy["name"] == "Test Borough Council"
            assert copy["status"] == "active"
            assert copy["revision"] == 1
            assert copy["uploads"] == {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]}
        # The gateway routes to it once its registry view refreshes.
        deadline = time.monotonic() + 10
        while True:
            response = await gateway.get(f"/{slug}/api/cases/healthz")
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert response.status_code == 200

    async def test_seeding_twice_adds_nothing(
        self, registry: tuple[RegistryService, list[str]]
    ) -> None:
        service, added = registry
        slug = f"test-{uuid.uuid4().hex[:10]}"
        assert await service.seed([new_authority(slug)]) == [slug]
        added.append(slug)
        assert await service.seed([new_authority(slug)]) == []
        outbox = service.mongo.db["outbox"]
        assert await outbox.count_documents({"message.data.slug": slug}) == 1

    async def test_seeded_authorities_reached_every_service(
        self, registry: tuple[RegistryService, list[str]]
    ) -> None:
        service, _ = registry
        for slug in ("watford", "kingston", "rugby", "housing-ombudsman"):
            copies = await wait_for_copies(service.mongo, slug)
            assert {copy["slug"] for copy in copies.values()} == {slug}
