"""Requests reach the right service through `/{authority}/api/{service}/...`."""

from collections.abc import Awaitable, Callable

import httpx
import pytest

MintToken = Callable[..., Awaitable[str]]

SEEDED = ("watford", "kingston", "rugby", "housing-ombudsman")
SERVICES = ("identity", "cases", "documents", "notifications")


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    """The response is the standard error body with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


class TestAuthorityRouting:
    @pytest.mark.parametrize("authority", SEEDED)
    @pytest.mark.parametrize("service", SERVICES)
    async def test_each_service_answers_for_each_seeded_authority(
        self, gateway: httpx.AsyncClient, authority: str, service: str
    ) -> None:
        health = await gateway.get(f"/{authority}/api/{service}/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}
        ready = await gateway.get(f"/{authority}/api/{service}/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "ready"

    async def test_unknown_authority_is_not_found(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/nowhere-council/api/cases/healthz")
        assert_error(response, 404, "authority_not_found")

    async def test_unknown_service_is_not_found(self, gateway: httpx.AsyncClient) -> None:
        assert_error(await gateway.get("/watford/api/billing/healthz"), 404, "not_found")

    async def test_metrics_of_services_are_not_exposed(self, gateway: httpx.AsyncClient) -> None:
        assert_error(await gateway.get("/watford/api/cases/metrics"), 404, "not_found")

    async def test_paths_outside_the_api_are_pages(self, gateway: httpx.AsyncClient) -> None:
        # The web service answers them: a missing page is its page, not an API error body.
        response = await gateway.get("/watford/somewhere")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")

    async def test_request_id_is_kept_and_returned(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get(
            "/kingston/api/identity/healthz", headers={"X-Request-ID": "trace-abc.123"}
        )
        assert response.headers["x-request-id"] == "trace-abc.123"
        made = await gateway.get("/kingston/api/identity/healthz")
        assert len(made.headers["x-request-id"]) == 32

    async def test_jwks_is_public_and_lists_signing_keys(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/rugby/api/identity/.well-known/jwks.json")
        assert response.status_code == 200
        keys = response.json()["keys"]
        assert keys
        assert all(key["kty"] == "OKP" and key["alg"] == "EdDSA" for key in keys)
        assert all("d" not in key for key in keys)


class TestTokenCheck:
    async def test_missing_token_is_refused_with_a_challenge(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/watford/api/cases/anything")
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")

    @pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer-x", "token"])
    async def test_other_schemes_are_refused_with_a_challenge(
        self, gateway: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await gateway.get(
            "/watford/api/cases/anything", headers={"Authorization": authorization}
        )
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"] == 'Bearer realm="housing-portal"'

    async def test_the_scheme_is_read_in_any_case_and_spaces_before_the_token_are_ignored(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        token = headers["Authorization"].removeprefix("Bearer ")
        response = await gateway.get(
            f"/{slug}/api/cases/echo", headers={"Authorization": f"bEARER  {token}"}
        )
        assert response.status_code == 200, response.text

    async def test_garbage_token_is_refused(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get(
            "/watford/api/cases/anything", headers={"Authorization": "Bearer not-a-jwt"}
        )
        assert_error(response, 401, "token_invalid")

    async def test_token_for_another_authority_is_forbidden(
        self, gateway: httpx.AsyncClient, mint_token: MintToken
    ) -> None:
        token = await mint_token(authority="kingston")
        response = await gateway.get(
            "/watford/api/cases/anything", headers={"Authorization": f"Bearer {token}"}
        )
        assert_error(response, 403, "wrong_authority")

    async def test_expired_token_is_refused(
        self, gateway: httpx.AsyncClient, mint_token: MintToken
    ) -> None:
        token = await mint_token(authority="watford", lifetime=-60)
        response = await gateway.get(
            "/watford/api/cases/anything", headers={"Authorization": f"Bearer {token}"}
        )
        assert_error(response, 401, "token_expired")

    async def test_valid_token_reaches_the_service(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        url = f"/{slug}/api/cases/echo"
        assert_error(await gateway.get(url), 401, "unauthorized")
        response = await gateway.get(url, headers=headers)
        # Only the service behind the gateway answers this: the gateway let the request through.
        assert response.status_code == 200, response.text
        assert response.json() == {
            "answered_by": "upstream-sink",
            "raw_path": "/echo",
            "authority": slug,
        }
        assert "x-request-id" in response.headers

    async def test_the_path_reaches_the_service_as_the_client_encoded_it(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(
            f"/{slug}/api/cases/echo/no%20such/route%2Fhere", headers=headers
        )
        # Decoded, the space would break the request line and the encoded slash would split
        # one segment into two.
        assert response.status_code == 200, response.text
        assert response.json()["answered_by"] == "upstream-sink"
        assert response.json()["raw_path"] == "/echo/no%20such/route%2Fhere"
