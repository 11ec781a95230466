"""Identity's key routes: the public JWKS and rotating the signing key."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from identity.audit import actions
from identity.dependencies import PlatformAdmin
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.responses import declared

router = APIRouter(tags=["keys"])


class JsonWebKeySet(BaseModel):
    """The public keys that verify access tokens."""

    keys: list[dict[str, Any]]


class RotatedKey(BaseModel):
    """The new signing key, published now and signing from `signs_from`."""

    kid: str
    signs_from: datetime


@router.get(
    "/.well-known/jwks.json",
    response_model=JsonWebKeySet,
    summary="Public keys that verify access tokens",
)
async def jwks(identity: IdentityDep) -> JsonWebKeySet:
    """Every key whose tokens may still be valid, for the gateway and the services."""
    return JsonWebKeySet(**await identity.keys.jwks())


@router.post(
    "/signing-keys/rotation",
    response_model=RotatedKey,
    summary="Start signing with a new key",
    responses=declared(401, 403, 404),
)
async def rotate_signing_key(
    admin: PlatformAdmin, authority: ActiveAuthority, identity: IdentityDep, client: Client
) -> RotatedKey:
    """Published at once, signing a little later; old keys stay until their tokens expire."""
    kid, signs_from = await identity.keys.rotate()
    await identity.audit.record(
        authority=authority.slug,
        action=actions.SIGNING_KEY_ROTATED,
        outcome="success",
        client=client,
        actor=admin.user_id,
        details={"kid": kid, "signs_from": signs_from.isoformat()},
    )
    return RotatedKey(kid=kid, signs_from=signs_from)
