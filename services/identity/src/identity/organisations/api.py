"""Routes for organisations (landlords) and the users their administrators manage."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from identity.dependencies import AuthorityAdmin, CurrentCaller
from identity.invitations.api import InvitationServiceDep
from identity.invitations.schemas import Invitee
from identity.organisations.schemas import (
    ActiveChange,
    CreatedOrganisation,
    OrganisationList,
    OrganisationRequest,
    OrganisationUser,
    OrganisationUserRequest,
    OrganisationUsers,
    OrganisationView,
)
from identity.organisations.service import OrganisationService, organisation_view
from identity.passwords.api import PasswordServiceDep
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.errors import NotFound
from kit.idempotency import Once
from kit.mongo import Document
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(prefix="/organisations", tags=["organisations"], dependencies=AUTHORITY_SCOPED)


def organisation_service(
    identity: IdentityDep,
    authority: ActiveAuthority,
    client: Client,
    invitations: InvitationServiceDep,
    passwords: PasswordServiceDep,
) -> OrganisationService:
    """Organisations for this request's authority and client."""
    return OrganisationService(
        **identity.serving(authority, client),
        organisations=identity.organisations,
        accounts=identity.accounts,
        memberships=identity.memberships,
        restrictions=identity.restrictions,
        ending=identity.ending,
        invitations=invitations,
        passwords=passwords,
    )


OrganisationServiceDep = Annotated[OrganisationService, Depends(organisation_service)]


class OrganisationNotFound(NotFound):
    """No such organisation here, or not one the caller may see."""

    code = "organisation_not_found"
    message = "There is no such organisation here."


async def _organisation(
    organisation_id: str, identity: IdentityDep, authority: ActiveAuthority
) -> Document:
    record = await identity.organisations.get(authority.slug, organisation_id)
    if record is None:
        raise OrganisationNotFound()
    return record


async def visible_organisation(
    caller: CurrentCaller, record: Annotated[Document, Depends(_organisation)]
) -> Document:
    """The organisation, if the caller is its staff or the authority's."""
    if caller.principal.has_any("authority_admin", "officer", "manager"):
        return record
    if caller.principal.organisation == str(record["_id"]):
        return record
    raise OrganisationNotFound()


async def managed_organisation(
    caller: CurrentCaller, record: Annotated[Document, Depends(_organisation)]
) -> Document:
    """The organisation, if the caller administers it or the authority."""
    if caller.principal.has_any("authority_admin"):
        return record
    if "landlord_admin" in caller.principal.roles and caller.principal.organisation == str(
        record["_id"]
    ):
        return record
    raise OrganisationNotFound()


VisibleOrganisation = Annotated[Document, Depends(visible_organisation)]
ManagedOrganisation = Annotated[Document, Depends(managed_organisation)]


@router.post(
    "",
    response_model=CreatedOrganisation,
    status_code=status.HTTP_201_CREATED,
    summary="Create a landlord organisation with its administrator",
    responses=declared(401, 403, 404, 409),
)
async def create_organisation(
    body: OrganisationRequest,
    request: Request,
    admin: AuthorityAdmin,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: OrganisationServiceDep,
) -> CreatedOrganisation | JSONResponse:
    """The administrator is invited by email to set their password."""
    once = Once.of(
        request,
        identity.idempotency,
        caller=admin.user_id,
        authority=authority.slug,
        body=body.model_dump(),
        status=status.HTTP_201_CREATED,
    )
    return await once.run(
        lambda: service.create(admin, name=body.name, administrator=body.administrator, once=once)
    )


@router.get(
    "",
    response_model=OrganisationList,
    summary="Organisations here",
    responses=declared(401, 403, 404),
)
async def list_organisations(
    caller: CurrentCaller, authority: ActiveAuthority, identity: IdentityDep
) -> OrganisationList:
    """Staff see every organisation; a landlord user sees their own."""
    slug = authority.slug
    if caller.principal.has_any("authority_admin", "officer", "manager"):
        found = await identity.organisations.listing(slug)
    elif caller.principal.organisation:
        own = await identity.organisations.get(slug, caller.principal.organisation)
        found = [own] if own else []
    else:
        found = []
    return OrganisationList(items=[organisation_view(record) for record in found])


@router.get(
    "/{organisation_id}",
    response_model=OrganisationView,
    summary="One organisation",
    responses=declared(401, 404),
)
async def read_organisation(record: VisibleOrganisation) -> OrganisationView:
    """Its name and kind."""
    return organisation_view(record)


@router.get(
    "/{organisation_id}/users",
    response_model=OrganisationUsers,
    summary="The organisation's users",
    responses=declared(401, 404),
)
async def list_users(
    record: ManagedOrganisation, service: OrganisationServiceDep
) -> OrganisationUsers:
    """With whether each is invited, active or inactive."""
    return OrganisationUsers(items=await service.users(record))


@router.post(
    "/{organisation_id}/users",
    response_model=OrganisationUser,
    status_code=status.HTTP_201_CREATED,
    summary="Create a user of the organisation",
    responses=declared(401, 404, 409),
)
async def add_user(
    body: OrganisationUserRequest,
    request: Request,
    record: ManagedOrganisation,
    caller: CurrentCaller,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: OrganisationServiceDep,
) -> OrganisationUser | JSONResponse:
    """Email address, first and last name; they get an email to set their password."""
    once = Once.of(
        request,
        identity.idempotency,
        caller=caller.user_id,
        authority=authority.slug,
        body={"organisation_id": str(record["_id"]), **body.model_dump()},
        status=status.HTTP_201_CREATED,
    )
    person = Invitee(**body.model_dump(include={"email", "first_name", "last_name"}))
    return await once.run(
        lambda: service.add_user(caller, record, person=person, role=body.role, once=once)
    )


@router.post(
    "/{organisation_id}/users/{user_id}/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a user a password reset email",
    response_class=Response,
    responses=declared(401, 404),
)
async def send_password_reset(
    user_id: str,
    record: ManagedOrganisation,
    caller: CurrentCaller,
    service: OrganisationServiceDep,
) -> Response:
    """A reset link, or a new invitation if they never set a password."""
    await service.send_password_reset(caller, record, user_id)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.patch(
    "/{organisation_id}/users/{user_id}",
    response_model=OrganisationUser,
    summary="Mark a user active or inactive",
    responses=declared(401, 404, 409),
)
async def set_active(
    user_id: str,
    body: ActiveChange,
    record: ManagedOrganisation,
    caller: CurrentCaller,
    service: OrganisationServiceDep,
) -> OrganisationUser:
    """An inactive user cannot sign in, and their sessions end at once."""
    return await service.set_active(caller, record, user_id, active=body.active)
