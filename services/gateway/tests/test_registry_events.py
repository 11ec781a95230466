"""A new authority is announced through RabbitMQ and every service keeps a copy."""

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from tests.support.polling import status_reached

from gateway.registry.models import Authority
from gateway.registry.service import RegistryService
from kit.events.outbox import Outbox
from kit.mongo import Document, Mongo

WaitForCopies = Callable[..., Awaitable[dict[str, Document]]]


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
def registry(
    gateway_mongo: Mongo, forget_authorities: list[str]
) -> tuple[RegistryService, list[str]]:
    """The running gateway's registry; authorities the test adds are removed afterwards."""
    return RegistryService(gateway_mongo, Outbox(gateway_mongo)), forget_authorities


class TestAuthorityAnnouncement:
    async def test_every_service_receives_a_new_authority(
        self,
        registry: tuple[RegistryService, list[str]],
        gateway: httpx.AsyncClient,
        copies_reached: WaitForCopies,
    ) -> None:
        service, added = registry
        slug = f"test-{uuid.uuid4().hex[:10]}"
        assert await service.seed([new_authority(slug)]) == [slug]
        added.append(slug)
        copies = await copies_reached(service.mongo, slug)
        for copy in copies.values():
            assert copy["name"] == "Test Borough Council"
            assert copy["status"] == "active"
            assert copy["revision"] == 1
            assert copy["uploads"] == {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]}
        # The gateway routes to it once its registry view refreshes.
        await status_reached(gateway, f"/{slug}/api/cases/healthz", 200)

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
        self, registry: tuple[RegistryService, list[str]], copies_reached: WaitForCopies
    ) -> None:
        service, _ = registry
        for slug in ("watford", "kingston", "rugby", "housing-ombudsman"):
            copies = await copies_reached(service.mongo, slug)
            assert {copy["slug"] for copy in copies.values()} == {slug}
