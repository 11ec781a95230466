"""Metrics and each service's API documents answer only on internal addresses."""

from collections.abc import Awaitable, Callable

import httpx
import pytest

from portalstack.endpoints import Stack

MintToken = Callable[..., Awaitable[str]]

SERVICES = ("identity", "cases", "documents", "notifications")
OPERATOR_PATHS = ("/metrics", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
# Other spellings that reach the same route on a service.
RESPELLED = ("/metrics/", "//metrics", "/docs/", "/openapi.json/")


def assert_not_found(response: httpx.Response) -> None:
    """The answer is a 404 with the standard error body."""
    assert response.status_code == 404, response.text
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": None}
    }


@pytest.fixture
async def signed_in(mint_token: MintToken) -> dict[str, str]:
    """Headers of a signed-in Watford officer: the answers below are not mere sign-in refusals."""
    token = await mint_token(authority="watford", roles=("officer",))
    return {"Authorization": f"Bearer {token}"}


class TestServicesOperatorPathsAreNeverProxied:
    @pytest.mark.parametrize("service", SERVICES)
    @pytest.mark.parametrize("path", [*OPERATOR_PATHS, *RESPELLED])
    async def test_not_found_even_when_signed_in(
        self,
        gateway: httpx.AsyncClient,
        signed_in: dict[str, str],
        service: str,
        path: str,
    ) -> None:
        assert_not_found(await gateway.get(f"/watford/api/{service}{path}", headers=signed_in))

    async def test_the_services_still_serve_them_on_their_own_addresses(self, stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=stack.service_urls["identity"]) as identity:
            assert (await identity.get("/openapi.json")).status_code == 200
            assert (await identity.get("/metrics")).status_code == 200


class TestGatewaysOwnOperatorPaths:
    @pytest.mark.parametrize("path", [*OPERATOR_PATHS, "/metrics/"])
    async def test_not_found_on_the_public_address(
        self, gateway: httpx.AsyncClient, path: str
    ) -> None:
        assert_not_found(await gateway.get(path))

    @pytest.mark.parametrize("path", OPERATOR_PATHS)
    async def test_not_found_per_authority_on_either_address(
        self, gateway: httpx.AsyncClient, stack: Stack, signed_in: dict[str, str], path: str
    ) -> None:
        assert_not_found(await gateway.get(f"/watford/api/gateway{path}", headers=signed_in))
        async with httpx.AsyncClient(base_url=stack.gateway_operations_url) as operations:
            response = await operations.get(f"/watford/api/gateway{path}", headers=signed_in)
        assert_not_found(response)

    async def test_metrics_and_document_answer_on_the_operations_port(self, stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=stack.gateway_operations_url) as operations:
            metrics = await operations.get("/metrics")
            document = await operations.get("/openapi.json")
        assert metrics.status_code == 200
        assert "portal_gateway_requests_total" in metrics.text
        assert document.status_code == 200
        assert "/authorities" in document.json()["paths"]


class TestMergedDocumentStaysPublic:
    async def test_document_and_page_answer_with_every_service(
        self, gateway: httpx.AsyncClient
    ) -> None:
        document = await gateway.get("/watford/api/openapi.json")
        page = await gateway.get("/watford/api/docs")
        assert document.status_code == 200
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        body = document.json()
        # Each service's own document is still fetched from its internal address.
        for service in (*SERVICES, "gateway"):
            assert any(path.startswith(f"/watford/api/{service}/") for path in body["paths"])
