"""Fixtures every test shares: where the real servers of the running stack are."""

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from tests.support.polling import eventually

from identity.config import Settings as IdentitySettings
from identity.keys import SigningKeys
from kit.mongo import Mongo
from portalstack.endpoints import Stack, current_stack


def client_address() -> str:
    """An address no other client uses (documentation range), sent as a trusted proxy would."""
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}:{suffix[4:8]}::{suffix[8:12]}"


@pytest.fixture(scope="session")
def stack() -> Stack:
    """The running stack's addresses."""
    return current_stack()


@pytest.fixture(scope="session")
def worker_tag(worker_id: str) -> str:
    """A short tag unique to this test process, for names that must not collide."""
    return f"{worker_id}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def stack_gateway_url(stack: Stack) -> str:
    """The gateway's base URL."""
    return stack.gateway_url


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the gateway, as a user of the portal reaches it."""
    # Each test stands for a client of its own, so rate limits per address apply per test,
    # not to the whole run.
    headers = {"X-Forwarded-For": client_address()}
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, timeout=15.0, headers=headers
    ) as client:
        yield client


MintToken = Callable[..., Awaitable[str]]


@pytest.fixture
async def mint_token(stack: Stack) -> AsyncIterator[MintToken]:
    """Sign access tokens with the key identity publishes, as identity will at sign-in."""
    identity = IdentitySettings()
    mongo = Mongo(stack.mongo_url, identity.mongo_db)
    keys = SigningKeys(
        mongo,
        secret=identity.signing_key_secret,
        token_lifetime=timedelta(minutes=identity.access_token_minutes),
    )

    async def mint(
        *,
        authority: str,
        roles: tuple[str, ...] = ("applicant",),
        lifetime: int = 600,
        user: str | None = None,
        organisation: str | None = None,
    ) -> str:
        now = int(time.time())
        landlord = {"org": organisation} if organisation else {}
        return await keys.sign(
            {
                **landlord,
                "iss": identity.token_issuer,
                "sub": user or uuid.uuid4().hex,
                "authority": authority,
                "roles": list(roles),
                "amr": ["pwd"],
                "iat": now,
                "exp": now + lifetime,
                "jti": uuid.uuid4().hex,
                "sid": uuid.uuid4().hex,
            }
        )

    yield mint
    await mongo.close()


ReadMail = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture
async def read_mail(stack: Stack) -> AsyncIterator[ReadMail]:
    """Messages the mail catcher holds for an address, waiting until `count` arrived."""
    async with httpx.AsyncClient(base_url=stack.mail_url, timeout=40.0) as client:

        async def read(to: str, *, count: int = 1, within: float = 20.0) -> list[dict[str, Any]]:
            async def arrived() -> list[dict[str, Any]] | None:
                response = await client.get("/api/messages", params={"to": to, "wait": 2})
                response.raise_for_status()
                found: list[dict[str, Any]] = response.json()
                return found if len(found) >= count else None

            found: list[dict[str, Any]] = await eventually(
                arrived, within=within, what=f"{count} email(s) to {to}"
            )
            return found

        yield read
