"""Each service knows every authority from memory, changed at once by the registry's events."""

import uuid

import httpx
from tests.support.bus import Publish
from tests.support.factories import authority
from tests.support.polling import eventually

from contracts.events.authority import AuthorityUpserted
from portalstack.endpoints import Stack

WAIT_SECONDS = 10.0
# Enough calls that both workers of the service answer some of them.
CALLS = 12


async def statuses(identity: httpx.AsyncClient, slug: str) -> set[int]:
    """What identity answers for the authority, over fresh connections to any worker."""
    answers = set()
    for _ in range(CALLS):
        response = await identity.get(
            "/password-rules", headers={"X-Authority": slug, "Connection": "close"}
        )
        answers.add(response.status_code)
    return answers


async def becomes(identity: httpx.AsyncClient, slug: str, status: int) -> None:
    """Wait until every answer has this status."""

    async def only_this() -> bool:
        return await statuses(identity, slug) == {status}

    await eventually(only_this, within=WAIT_SECONDS, what=f"only {status} for {slug}", every=0.1)


class TestAuthorityCopy:
    async def test_a_new_then_disabled_authority_is_served_then_refused(
        self, stack: Stack, publish: Publish
    ) -> None:
        async def announce(payload: AuthorityUpserted) -> None:
            """Publish an authority as the gateway's relay does."""
            await publish(payload, authority=payload.slug, actor="gateway")

        slug = f"copy-test-{uuid.uuid4().hex[:8]}"
        async with httpx.AsyncClient(base_url=stack.service_urls["identity"]) as identity:
            unknown = await identity.get("/password-rules", headers={"X-Authority": slug})
            assert unknown.status_code == 404
            assert unknown.json()["error"]["code"] == "authority_not_found"

            await announce(authority(slug, revision=1))
            await becomes(identity, slug, 200)

            await announce(authority(slug, status="disabled", revision=2))
            await becomes(identity, slug, 404)

            # An older revision arriving late changes nothing. Events reach each worker in
            # order, so once a later one is in, the stale one has been handled.
            marker = f"{slug}-after"
            await announce(authority(slug, revision=1))
            await announce(authority(marker, revision=1))
            await becomes(identity, marker, 200)
            assert await statuses(identity, slug) == {404}
            await announce(authority(marker, status="disabled", revision=2))
