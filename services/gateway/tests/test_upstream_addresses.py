"""No answer through the gateway names an upstream's address."""

from collections.abc import Awaitable, Callable

import httpx
import pytest

from portalstack.endpoints import Stack

MintToken = Callable[..., Awaitable[str]]


def assert_not_found(response: httpx.Response) -> None:
    """A 404 with the standard error body, pointing nowhere."""
    assert response.status_code == 404, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "not_found"
    assert "location" not in response.headers


class TestNoSlashRedirects:
    async def test_a_trailing_slash_is_not_found_through_the_gateway(
        self, gateway: httpx.AsyncClient, mint_token: MintToken
    ) -> None:
        token = await mint_token(authority="watford")
        response = await gateway.get(
            "/watford/api/identity/password-rules/", headers={"Authorization": f"Bearer {token}"}
        )
        assert_not_found(response)

    async def test_a_trailing_slash_is_not_found_at_the_service(self, stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=stack.service_urls["identity"]) as identity:
            assert_not_found(await identity.get("/password-rules/"))
            rules = await identity.get("/password-rules", headers={"X-Authority": "watford"})
            assert rules.status_code == 200


class TestLocationsAreTheGatewaysOwn:
    @pytest.mark.parametrize(
        ("service", "to", "expected"),
        [
            ("documents", "absolute", "/{slug}/api/documents/files?page=2"),
            ("documents", "network-path", "/{slug}/api/documents/files"),
            ("documents", "path", "/{slug}/api/documents/files#top"),
            # The sink also serves cases: the answering service owns the address.
            ("cases", "absolute", "/{slug}/api/cases/files?page=2"),
            ("documents", "relative", "files"),
            ("documents", "elsewhere", "https://www.gov.uk/housing"),
        ],
    )
    async def test_location_headers_name_the_gateways_paths(
        self,
        gateway: httpx.AsyncClient,
        sink_authority: tuple[str, dict[str, str]],
        sink: str,
        service: str,
        to: str,
        expected: str,
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(
            f"/{slug}/api/{service}/moved", params={"to": to}, headers=headers
        )
        assert response.status_code == 302
        public = expected.format(slug=slug)
        assert response.headers.get_list("location") == [public]
        assert response.headers.get_list("content-location") == [public]
        raw = b"\n".join(name + b": " + value for name, value in response.headers.raw)
        assert sink.removeprefix("http://").encode() not in raw
