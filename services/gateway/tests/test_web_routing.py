"""Every path outside `/{authority}/api/...` is a page, sent whole to the web pool."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

ADMIN_API = "/watford/api/gateway/authorities"
MintToken = Callable[..., Awaitable[str]]


@pytest.fixture
async def web_sink_authority(
    gateway: httpx.AsyncClient,
    mint_token: MintToken,
    forget_authorities: list[str],
    sink: str,
) -> str:
    """An authority whose pages are served by the sink, with a host name of its own."""
    slug = f"test-{uuid.uuid4().hex[:10]}"
    forget_authorities.append(slug)
    admin = await mint_token(authority="watford", roles=("platform_admin",))
    body = {
        "slug": slug,
        "name": "Pages District Council",
        "kind": "council",
        "modules": ["homelessness"],
        "uploads": {"max_bytes": 1048576, "allowed_extensions": [".pdf"]},
        "branding": {"colour": "#335577"},
        "hosts": [f"{slug}.portal.example"],
        "routes": {"web": [sink]},
    }
    created = await gateway.post(ADMIN_API, json=body, headers={"Authorization": f"Bearer {admin}"})
    assert created.status_code == 201, created.text
    deadline = time.monotonic() + 10
    while (await gateway.get(f"/{slug}/echo/")).status_code != 200:
        assert time.monotonic() < deadline, "the authority's pages were never routed"
        await asyncio.sleep(0.1)
    return slug


class TestPagesReachTheWebPool:
    async def test_an_authority_page_keeps_its_whole_path_and_names_the_authority(
        self, gateway: httpx.AsyncClient, web_sink_authority: str
    ) -> None:
        slug = web_sink_authority
        response = await gateway.get(f"/{slug}/echo/a%20b?x=1")
        assert response.status_code == 200, response.text
        echoed = response.json()
        assert echoed["answered_by"] == "upstream-sink"
        assert echoed["raw_path"] == f"/{slug}/echo/a%20b"
        assert echoed["authority"] == slug

    async def test_a_page_on_the_authority_host_name_is_its_page(
        self, gateway: httpx.AsyncClient, web_sink_authority: str
    ) -> None:
        slug = web_sink_authority
        response = await gateway.get("/echo/home", headers={"Host": f"{slug}.portal.example"})
        assert response.status_code == 200, response.text
        assert response.json()["raw_path"] == "/echo/home"
        assert response.json()["authority"] == slug

    async def test_pages_carry_the_gateway_security_headers_and_request_id(
        self, gateway: httpx.AsyncClient, web_sink_authority: str
    ) -> None:
        response = await gateway.get(
            f"/{web_sink_authority}/echo/", headers={"X-Request-ID": "page-trace-1"}
        )
        assert response.headers["x-request-id"] == "page-trace-1"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]

    async def test_the_front_door_is_served_by_the_web_service(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")

    async def test_another_authority_pages_stay_on_the_default_web_pool(
        self, gateway: httpx.AsyncClient, web_sink_authority: str
    ) -> None:
        response = await gateway.get("/kingston/echo/x")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")


class TestTheGatewayKeepsItsOwnPaths:
    @pytest.mark.parametrize("path", ["/healthz", "/readyz"])
    async def test_health_and_readiness_are_the_gateway_own(
        self, gateway: httpx.AsyncClient, path: str
    ) -> None:
        response = await gateway.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"

    async def test_operator_paths_stay_hidden_rather_than_become_pages(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/metrics")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    async def test_the_web_service_is_no_api_a_client_may_call(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/kingston/api/web/healthz")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    async def test_an_api_path_no_service_matches_is_an_api_answer_not_a_page(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/watford/api/notifications/deliveries/a%0Ab")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"


class TestPublicDirectory:
    async def test_lists_active_authorities_with_their_public_details_only(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/api/authorities")
        assert response.status_code == 200
        items = response.json()["items"]
        kingston = next(item for item in items if item["slug"] == "kingston")
        assert kingston["name"] == "Royal Borough of Kingston upon Thames"
        assert kingston["branding"]["colour"] == "#005ea5"
        assert kingston["contact"]["phone"] == "020 8547 5003"
        assert set(kingston) == {"slug", "name", "kind", "modules", "branding", "contact", "hosts"}
        assert [item["name"] for item in items] == sorted(item["name"] for item in items)

    async def test_reads_one_authority_and_refuses_an_unknown_one(
        self, gateway: httpx.AsyncClient
    ) -> None:
        found = await gateway.get("/api/authorities/housing-ombudsman")
        assert found.status_code == 200
        assert found.json()["modules"] == ["complaints"]
        missing = await gateway.get("/api/authorities/nowhere-council")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "authority_not_found"
