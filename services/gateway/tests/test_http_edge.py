"""The gateway's HTTP edge: caching, unreadable requests, one date, header limits, leavers."""

import httpx

from portalstack.endpoints import Stack


class TestApiAnswersAreNotStored:
    async def test_service_answers_through_the_gateway_say_no_store_once(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/watford/api/identity/password-rules")
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["no-store"]

    async def test_the_gateways_own_refusals_say_no_store(self, gateway: httpx.AsyncClient) -> None:
        refused = await gateway.get("/watford/api/cases/anything")
        assert refused.status_code == 401
        assert refused.headers.get_list("cache-control") == ["no-store"]

    async def test_the_gateway_adds_it_where_a_service_set_none(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(
            f"/{slug}/api/documents/stream", params={"bytes": "10"}, headers=headers
        )
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["no-store"]

    async def test_a_services_own_caching_is_kept(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(f"/{slug}/api/documents/cacheable", headers=headers)
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["public, max-age=60"]
        document = await gateway.get("/watford/api/openapi.json")
        assert document.headers.get_list("cache-control") == ["no-cache"]

    async def test_services_say_no_store_when_called_directly(self, stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=stack.service_urls["identity"]) as identity:
            response = await identity.get("/password-rules", headers={"X-Authority": "watford"})
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["no-store"]
