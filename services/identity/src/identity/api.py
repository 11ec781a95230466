"""Identity's HTTP routes."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from kit.app import RuntimeDep

router = APIRouter(tags=["keys"])


class JsonWebKeySet(BaseModel):
    """The public keys that verify access tokens."""

    keys: list[dict[str, Any]]


@router.get(
    "/.well-known/jwks.json",
    response_model=JsonWebKeySet,
    summary="Public keys that verify access tokens",
)
async def jwks(runtime: RuntimeDep) -> JsonWebKeySet:
    """Every key whose tokens may still be valid, for the gateway and the services."""
    return JsonWebKeySet(**await runtime.extras["signing_keys"].jwks())
