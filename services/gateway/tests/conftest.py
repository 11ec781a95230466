"""Fixtures for gateway tests: access tokens signed with identity's real current key."""

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from identity.config import Settings as IdentitySettings
from identity.keys import SigningKeys
from kit.mongo import Mongo
from portalstack.endpoints import Stack

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
        *, authority: str, roles: tuple[str, ...] = ("applicant",), lifetime: int = 600
    ) -> str:
        now = int(time.time())
        return await keys.sign(
            {
                "iss": identity.token_issuer,
                "sub": uuid.uuid4().hex,
                "authority": authority,
                "roles": list(roles),
                "amr": ["pwd"],
                "iat": now,
                "exp": now + lifetime,
                "jti": uuid.uuid4().hex,
            }
        )

    yield mint
    await mongo.close()
