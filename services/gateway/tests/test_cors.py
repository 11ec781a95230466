"""Browsers may call an authority's API only from the origins it lists."""

import uuid
from collections.abc import Awaitable, Callable

import httpx
from tests.support.polling import status_reached

MintToken = Callable[..., Awaitable[str]]
RegisterAuthority = Callable[..., Awaitable[str]]
ALLOWED = "https://portal.corsford.example"


class TestCors:
    async def test_only_listed_origins_may_call(
        self, gateway: httpx.AsyncClient, register_authority: RegisterAuthority
    ) -> None:
        slug = await register_authority(
            "Corsford Borough Council", modules=["housing_advice"], cors_origins=[ALLOWED]
        )
        url = f"/{slug}/api/cases/healthz"
        await status_reached(gateway, url, 200)

        preflight = {"Access-Control-Request-Method": "POST", "Origin": ALLOWED}
        allowed = await gateway.options(url, headers=preflight)
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == ALLOWED
        assert "authorization" in allowed.headers["access-control-allow-headers"]
        refused = await gateway.options(
            url, headers={**preflight, "Origin": "https://elsewhere.example"}
        )
        assert refused.status_code == 204
        assert "access-control-allow-origin" not in refused.headers

        read = await gateway.get(url, headers={"Origin": ALLOWED})
        assert read.headers["access-control-allow-origin"] == ALLOWED
        assert "x-request-id" in read.headers["access-control-expose-headers"]
        foreign = await gateway.get(url, headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in foreign.headers
        other_authority = await gateway.get(
            "/watford/api/cases/healthz", headers={"Origin": ALLOWED}
        )
        assert "access-control-allow-origin" not in other_authority.headers

    async def test_origins_must_be_bare_origins(
        self, gateway: httpx.AsyncClient, mint_token: MintToken
    ) -> None:
        admin = await mint_token(authority="watford", roles=("platform_admin",))
        response = await gateway.post(
            "/watford/api/gateway/authorities",
            json={
                "slug": f"test-{uuid.uuid4().hex[:10]}",
                "name": "Bad Origins Council",
                "kind": "council",
                "modules": [],
                "uploads": {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]},
                "branding": {"colour": "#445566"},
                "cors_origins": ["https://ok.example/with/a/path"],
            },
            headers={"Authorization": f"Bearer {admin}"},
        )
        assert response.status_code == 422
