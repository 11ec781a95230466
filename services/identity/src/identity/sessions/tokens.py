"""Access tokens (EdDSA JWTs signed with identity's current key) and opaque refresh tokens."""

import time
import uuid
from dataclasses import dataclass

from identity.keys import SigningKeys


@dataclass(frozen=True)
class Grant:
    """What a token says about its holder."""

    user_id: str
    authority: str
    roles: list[str]
    organisation: str | None
    methods: list[str]
    session_id: str


class AccessTokens:
    """Signs short-lived access tokens."""

    def __init__(self, keys: SigningKeys, *, issuer: str, lifetime_seconds: int) -> None:
        self.keys = keys
        self.issuer = issuer
        self.lifetime_seconds = lifetime_seconds

    async def sign(self, grant: Grant) -> str:
        """A signed access token for the grant."""
        now = int(time.time())
        claims: dict[str, object] = {
            "iss": self.issuer,
            "sub": grant.user_id,
            "authority": grant.authority,
            "roles": grant.roles,
            "org": grant.organisation,
            "amr": grant.methods,
            "sid": grant.session_id,
            "iat": now,
            "exp": now + self.lifetime_seconds,
            "jti": uuid.uuid4().hex,
        }
        return await self.keys.sign(claims)
