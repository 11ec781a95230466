"""Routes that need a caller: `CurrentPrincipal`, the X-Authority header and `require_roles`."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kit.auth import require_roles

MintToken = Callable[..., str]

WWW_AUTHENTICATE = 'Bearer realm="housing-portal"'


def error_code(response: httpx.Response, status: int) -> str:
    """The code of a standard error body with this status."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    code: str = body["error"]["code"]
    return code


def as_caller(token: str, authority: str = "rugby") -> dict[str, str]:
    """Headers of a request the gateway forwarded for this authority."""
    return {"Authorization": f"Bearer {token}", "X-Authority": authority}


class TestCurrentPrincipal:
    async def test_valid_token_for_the_authority_names_the_caller(
        self, casework_service: httpx.AsyncClient, mint: MintToken
    ) -> None:
        token = mint(authority="rugby", roles=("applicant",), sub="user-17", amr=["pwd"])

        response = await casework_service.get("/me", headers=as_caller(token, "rugby"))

        assert response.status_code == 200, response.text
        assert response.json() == {
            "user_id": "user-17",
            "authority": "rugby",
            "roles": ["applicant"],
            "organisation": None,
            "methods": ["pwd"],
        }

    async def test_the_scheme_is_read_in_any_case_and_spaces_around_the_token_are_ignored(
        self, casework_service: httpx.AsyncClient, mint: MintToken
    ) -> None:
        headers = {"Authorization": f"bEARER  {mint(authority='rugby')} ", "X-Authority": "rugby"}

        response = await casework_service.get("/me", headers=headers)

        assert response.status_code == 200, response.text

    async def test_token_for_another_authority_is_forbidden(
        self, casework_service: httpx.AsyncClient, mint: MintToken
    ) -> None:
        response = await casework_service.get(
            "/me", headers=as_caller(mint(authority="rugby"), "watford")
        )

        assert error_code(response, 403) == "wrong_authority"

    async def test_missing_authorization_asks_for_a_bearer_token(
        self, casework_service: httpx.AsyncClient
    ) -> None:
        response = await casework_service.get("/me", headers={"X-Authority": "rugby"})

        assert error_code(response, 401) == "unauthorized"
        assert response.headers["www-authenticate"] == WWW_AUTHENTICATE

    @pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Bearer ", "Bearer", "token"])
    async def test_other_schemes_are_unauthorized(
        self, casework_service: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await casework_service.get(
            "/me", headers={"Authorization": authorization, "X-Authority": "rugby"}
        )

        assert error_code(response, 401) == "unauthorized"
        assert response.headers["www-authenticate"] == WWW_AUTHENTICATE

    async def test_expired_token_is_unauthorized_as_expired(
        self, casework_service: httpx.AsyncClient, mint: MintToken
    ) -> None:
        response = await casework_service.get("/me", headers=as_caller(mint(lifetime=-5)))

        assert error_code(response, 401) == "token_expired"
        assert response.headers["www-authenticate"] == WWW_AUTHENTICATE

    async def test_forged_token_is_unauthorized(
        self, casework_service: httpx.AsyncClient, mint_unpublished: MintToken
    ) -> None:
        response = await casework_service.get("/me", headers=as_caller(mint_unpublished()))

        assert error_code(response, 401) == "token_invalid"

    @pytest.mark.parametrize("authority", [None, "", "Rugby", "rugby council", "-rugby", "a" * 64])
    async def test_missing_or_malformed_authority_is_not_found(
        self, casework_service: httpx.AsyncClient, mint: MintToken, authority: str | None
    ) -> None:
        headers = {"Authorization": f"Bearer {mint()}"}
        if authority is not None:
            headers["X-Authority"] = authority

        response = await casework_service.get("/me", headers=headers)

        assert error_code(response, 404) == "authority_not_found"


class TestRequireRoles:
    @pytest.mark.parametrize(
        "roles",
        [("officer",), ("manager",), ("applicant", "officer"), ("platform_admin",)],
    )
    async def test_listed_role_is_let_through(
        self, casework_service: httpx.AsyncClient, mint: MintToken, roles: tuple[str, ...]
    ) -> None:
        response = await casework_service.get(
            "/casework/queue", headers=as_caller(mint(roles=roles))
        )

        assert response.status_code == 200, response.text
        assert response.json()["roles"] == sorted(roles)

    @pytest.mark.parametrize(
        "roles", [(), ("applicant",), ("landlord_admin", "authority_admin"), ("superuser",)]
    )
    async def test_other_roles_are_forbidden(
        self, casework_service: httpx.AsyncClient, mint: MintToken, roles: tuple[str, ...]
    ) -> None:
        response = await casework_service.get(
            "/casework/queue", headers=as_caller(mint(roles=roles))
        )

        assert error_code(response, 403) == "forbidden"

    async def test_caller_is_checked_before_roles(
        self, casework_service: httpx.AsyncClient
    ) -> None:
        response = await casework_service.get("/casework/queue", headers={"X-Authority": "rugby"})

        assert error_code(response, 401) == "unauthorized"

    @pytest.mark.parametrize("roles", [("wizard",), ("officer", "Officer"), ("officer", "")])
    def test_unknown_role_name_fails_at_definition(self, roles: tuple[str, ...]) -> None:
        with pytest.raises(ValueError, match="unknown roles"):
            require_roles(*roles)
