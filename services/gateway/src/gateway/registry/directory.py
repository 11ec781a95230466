"""The public directory of authorities: what anyone may know to choose one and reach it."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from gateway.errors import PortalStarting
from gateway.registry.schemas import AuthorityDirectory, PublicAuthority
from gateway.registry.view import RegistryView
from kit.authorities import AuthorityNotFound
from kit.errors import ErrorBody

# Served at the gateway's own address, for no authority in particular: kept out of the
# per-authority API documents, whose every other gateway route needs a token.
router = APIRouter(prefix="/api/authorities", tags=["directory"], include_in_schema=False)

ERRORS: dict[int | str, dict[str, object]] = {
    503: {"model": ErrorBody, "description": "The registry is not loaded yet"},
}


def _loaded_registry(request: Request) -> RegistryView:
    """The worker's copy of the registry, once it is loaded."""
    registry: RegistryView = request.app.state.registry
    if not registry.loaded.is_set():
        raise PortalStarting()
    return registry


LoadedRegistry = Annotated[RegistryView, Depends(_loaded_registry)]


@router.get(
    "",
    response_model=AuthorityDirectory,
    summary="List the authorities that use the portal",
    responses=ERRORS,
)
async def list_public_authorities(registry: LoadedRegistry) -> AuthorityDirectory:
    """Every active authority's public details, in name order."""
    active = [a for a in registry.by_slug.values() if a.status == "active"]
    return AuthorityDirectory(
        items=[
            PublicAuthority.model_validate(a.model_dump())
            for a in sorted(active, key=lambda a: a.name)
        ]
    )


@router.get(
    "/{slug}",
    response_model=PublicAuthority,
    summary="Read an authority's public details",
    responses={**ERRORS, 404: {"model": ErrorBody, "description": "No such active authority"}},
)
async def read_public_authority(slug: str, registry: LoadedRegistry) -> PublicAuthority:
    """One active authority's name, branding, contact details and services."""
    authority = registry.get(slug)
    if authority is None or authority.status != "active":
        raise AuthorityNotFound()
    return PublicAuthority.model_validate(authority.model_dump())
