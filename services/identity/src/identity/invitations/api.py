"""Routes for inviting staff, listing and renewing invitations, and accepting one."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse

from identity.dependencies import StaffInviter
from identity.invitations.schemas import (
    InvitationAcceptance,
    InvitationAccepted,
    InvitationList,
    InvitationView,
    StaffInvitationRequest,
)
from identity.invitations.service import InvitationService, invitation_view
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.errors import NotFound
from kit.idempotency import Once
from kit.mongo import Session
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(
    prefix="/staff-invitations", tags=["staff and invitations"], dependencies=AUTHORITY_SCOPED
)


def invitation_service(
    identity: IdentityDep, authority: ActiveAuthority, client: Client
) -> InvitationService:
    """Invitations for this request's authority and client."""
    return InvitationService(
        **identity.serving(authority, client),
        accounts=identity.accounts,
        memberships=identity.memberships,
        invitations=identity.invitations,
        organisations=identity.organisations,
        links=identity.links,
    )


InvitationServiceDep = Annotated[InvitationService, Depends(invitation_service)]


@router.post(
    "",
    response_model=InvitationView,
    status_code=status.HTTP_201_CREATED,
    summary="Invite an officer, manager or administrator",
    responses=declared(401, 403, 404, 409),
)
async def invite_staff(
    body: StaffInvitationRequest,
    request: Request,
    admin: StaffInviter,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: InvitationServiceDep,
) -> InvitationView | JSONResponse:
    """The person gets the role now and an email whose link, good for 7 days, sets a password.

    The authority's administrators invite; so does a platform administrator signed in here,
    to appoint the first administrators of a new authority.
    """
    once = Once.of(
        request,
        identity.idempotency,
        caller=admin.user_id,
        authority=authority.slug,
        body=body.model_dump(),
        status=status.HTTP_201_CREATED,
    )
    inviter_name = await service.inviter_name(admin.user_id)

    async def invite(session: Session) -> InvitationView:
        view = await service.invite(
            session,
            inviter_id=admin.user_id,
            inviter_name=inviter_name,
            email=body.email,
            first_name=body.first_name,
            last_name=body.last_name,
            role=body.role,
        )
        await once.remember(session, view)
        return view

    return await once.run(lambda: identity.mongo.transaction(invite))


@router.get(
    "",
    response_model=InvitationList,
    summary="Invitations sent here",
    responses=declared(401, 403, 404),
)
async def list_invitations(
    _: StaffInviter, authority: ActiveAuthority, identity: IdentityDep
) -> InvitationList:
    """Newest first, with whether each is pending, accepted or expired."""
    found = await identity.invitations.listing(authority.slug)
    return InvitationList(items=[invitation_view(record) for record in found])


@router.post(
    "/{invitation_id}/renewal",
    response_model=InvitationView,
    summary="Send an invitation again with a new link",
    responses=declared(401, 403, 404),
)
async def renew_invitation(
    invitation_id: str,
    admin: StaffInviter,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: InvitationServiceDep,
) -> InvitationView:
    """For an invitation not yet accepted; the earlier link stops working."""
    invitation = await identity.invitations.get(authority.slug, invitation_id)
    if invitation is None:
        raise NotFound(code="invitation_not_found")
    return await service.renew(invitation, inviter_id=admin.user_id)


@router.post(
    "/acceptance",
    response_model=InvitationAccepted,
    summary="Accept an invitation with the emailed link",
    responses=declared(400, 403, 404),
)
async def accept_invitation(
    body: InvitationAcceptance, service: InvitationServiceDep
) -> InvitationAccepted:
    """Sets the password (or checks an existing account's) and confirms the email address."""
    return await service.accept(body.token, body.password)
