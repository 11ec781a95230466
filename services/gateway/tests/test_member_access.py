"""A deactivated or restricted member's tokens are refused at once, and accepted once lifted."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from tests.support.bus import Publish
from tests.support.polling import status_reached

from contracts.events.identity import AccountDeactivated, AccountReactivated

MintToken = Callable[..., Awaitable[str]]


class TestMemberAccess:
    async def test_restricted_then_lifted(
        self, gateway: httpx.AsyncClient, publish: Publish, mint_token: MintToken
    ) -> None:
        user = uuid.uuid4().hex
        token = await mint_token(authority="kingston", user=user)
        headers = {"Authorization": f"Bearer {token}"}
        url = "/kingston/api/cases/no-such-route"
        assert (await gateway.get(url, headers=headers)).status_code == 404  # let through
        await publish(
            AccountDeactivated(user_id=user, reason="restricted", until=None),
            authority="kingston",
            actor="identity",
        )
        refused = await status_reached(gateway, url, 403, headers=headers, within=15)
        assert refused.status_code == 403
        assert refused.json()["error"] == {
            "code": "access_restricted",
            "message": "Your access to this service has been restricted or your account "
            "is inactive. Contact the housing team for help.",
            "details": None,
        }
        # Only that authority: the same person elsewhere is untouched.
        elsewhere = await mint_token(authority="rugby", user=user)
        response = await gateway.get(
            "/rugby/api/cases/no-such-route", headers={"Authorization": f"Bearer {elsewhere}"}
        )
        assert response.status_code == 404
        await publish(
            AccountReactivated(user_id=user, reason="restriction_lifted"),
            authority="kingston",
            actor="identity",
        )
        await status_reached(gateway, url, 404, headers=headers, within=15)

    async def test_a_restriction_that_has_ended_no_longer_applies(
        self, gateway: httpx.AsyncClient, publish: Publish, mint_token: MintToken
    ) -> None:
        user = uuid.uuid4().hex
        token = await mint_token(authority="kingston", user=user)
        headers = {"Authorization": f"Bearer {token}"}
        ends = datetime.now(UTC) + timedelta(seconds=3)
        await publish(
            AccountDeactivated(user_id=user, reason="restricted", until=ends),
            authority="kingston",
            actor="identity",
        )
        url = "/kingston/api/cases/no-such-route"
        await status_reached(gateway, url, 403, headers=headers, within=15)
        await status_reached(gateway, url, 404, headers=headers, within=15)
        assert datetime.now(UTC) >= ends
