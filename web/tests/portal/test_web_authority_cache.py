"""An authority's details are reused for a moment, and kept when the gateway stops answering."""

import httpx
import pytest

from portalstack.endpoints import Stack
from web.authorities import AuthorityCache
from web.gateway import AuthorityUnknown, GatewayClient, GatewayUnavailable


class TestAuthorityCache:
    async def test_details_last_read_are_used_while_the_gateway_does_not_answer(
        self, stack: Stack, silent_gateway: int
    ) -> None:
        gateway = GatewayClient(stack.gateway_url, timeout=0.5)
        cache = AuthorityCache(gateway, 0, {})
        try:
            first = await cache.get("kingston")
            gateway.base_url = f"http://127.0.0.1:{silent_gateway}"
            again = await cache.get("kingston")
            assert again == first
            with pytest.raises(GatewayUnavailable):
                await cache.get("watford")
        finally:
            await gateway.close()

    async def test_an_unknown_or_malformed_slug_is_unknown(self, stack: Stack) -> None:
        gateway = GatewayClient(stack.gateway_url, timeout=5)
        cache = AuthorityCache(gateway, 30, {})
        try:
            with pytest.raises(AuthorityUnknown):
                await cache.get("nowhere-council")
            with pytest.raises(AuthorityUnknown):
                await cache.get("../api")
        finally:
            await gateway.close()

    async def test_the_directory_lists_the_seeded_authorities(self, stack: Stack) -> None:
        gateway = GatewayClient(stack.gateway_url, timeout=5)
        try:
            slugs = {a.slug for a in await AuthorityCache(gateway, 30, {}).directory()}
        finally:
            await gateway.close()
        assert {"watford", "kingston", "rugby", "housing-ombudsman"} <= slugs
        async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
            assert (await client.get("/api/authorities")).status_code == 200
