"""Routes for restricting people's access to this authority's portal."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse

from identity.dependencies import AuthorityAdmin
from identity.restrictions.schemas import RestrictionList, RestrictionRequest, RestrictionView
from identity.restrictions.service import RestrictionService, restriction_view
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.idempotency import Once
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(prefix="/restrictions", tags=["restrictions"], dependencies=AUTHORITY_SCOPED)


def restriction_service(
    identity: IdentityDep, authority: ActiveAuthority, client: Client
) -> RestrictionService:
    """Restrictions for this request's authority and client."""
    return RestrictionService(
        **identity.serving(authority, client),
        memberships=identity.memberships,
        restrictions=identity.restrictions,
        ending=identity.ending,
    )


RestrictionServiceDep = Annotated[RestrictionService, Depends(restriction_service)]


@router.post(
    "",
    response_model=RestrictionView,
    status_code=status.HTTP_201_CREATED,
    summary="Restrict a person's access to this portal",
    responses=declared(401, 403, 404, 409),
)
async def restrict(
    body: RestrictionRequest,
    request: Request,
    admin: AuthorityAdmin,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: RestrictionServiceDep,
) -> RestrictionView | JSONResponse:
    """For unacceptable behaviour; their sessions here end and sign-in is refused until it ends."""
    once = Once.of(
        request,
        identity.idempotency,
        caller=admin.user_id,
        authority=authority.slug,
        body=body.model_dump(mode="json"),
        status=status.HTTP_201_CREATED,
    )
    return await once.run(
        lambda: service.restrict(
            admin, user_id=body.user_id, reason=body.reason, until=body.until, once=once
        )
    )


@router.get(
    "",
    response_model=RestrictionList,
    summary="Restrictions here",
    responses=declared(401, 403, 404),
)
async def list_restrictions(
    _: AuthorityAdmin,
    authority: ActiveAuthority,
    identity: IdentityDep,
    in_force: Annotated[bool, Query(description="Only those in force now.")] = True,
) -> RestrictionList:
    """Newest first."""
    found = await identity.restrictions.listing(authority.slug, in_force_only=in_force)
    return RestrictionList(items=[restriction_view(record) for record in found])


@router.delete(
    "/{restriction_id}",
    response_model=RestrictionView,
    summary="Lift a restriction",
    responses=declared(401, 403, 404),
)
async def lift(
    restriction_id: str, admin: AuthorityAdmin, service: RestrictionServiceDep
) -> RestrictionView:
    """The record is kept, marked lifted, with who lifted it and when."""
    return await service.lift(admin, restriction_id)
