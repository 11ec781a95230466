"""Routes for registering, confirming the email address and the profile."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from identity.accounts.recipient import language_of
from identity.accounts.repository import session_ended
from identity.accounts.schemas import (
    Accepted,
    Confirmed,
    EmailOnly,
    LinkToken,
    Profile,
    ProfileChange,
    Registration,
    TwoFactorState,
)
from identity.accounts.service import CONFIRMATION_SENT, AccountService
from identity.after_answer import after_answering
from identity.factors.service import SIGN_IN_FACTORS
from identity.wiring import Identity, IdentityDep
from kit import context
from kit.auth import CurrentPrincipal, Principal
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.concurrency import IF_MATCH, require_match, set_etag
from kit.errors import Unauthorized
from kit.idempotency import Once
from kit.mongo import Document
from kit.responses import AUTHORITY_SCOPED, declared
from kit.sessions import SessionEnded

router = APIRouter(tags=["accounts"], dependencies=AUTHORITY_SCOPED)


def account_service(
    identity: IdentityDep, authority: ActiveAuthority, client: Client
) -> AccountService:
    """Accounts for this request's authority and client."""
    return AccountService(
        **identity.serving(authority, client),
        accounts=identity.accounts,
        memberships=identity.memberships,
        links=identity.links,
    )


AccountServiceDep = Annotated[AccountService, Depends(account_service)]


@router.post(
    "/accounts",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Register",
    responses=declared(404),
)
async def register(
    body: Registration,
    request: Request,
    identity: IdentityDep,
    authority: ActiveAuthority,
    service: AccountServiceDep,
) -> Accepted | JSONResponse:
    """Make an applicant account here; the answer is the same whether or not the email is taken."""
    once = Once.of(
        request,
        identity.idempotency,
        caller="anonymous",
        authority=authority.slug,
        body=body.model_dump(exclude={"password"}),
        status=status.HTTP_202_ACCEPTED,
    )
    return await once.run(
        lambda: service.register(
            email=body.email,
            password=body.password,
            first_name=body.first_name,
            last_name=body.last_name,
            language=body.language,
            once=once,
        )
    )


@router.post(
    "/accounts/confirmation",
    response_model=Confirmed,
    summary="Confirm the email address with the emailed link",
    responses=declared(400, 404),
)
async def confirm(body: LinkToken, service: AccountServiceDep) -> Confirmed:
    """The link works once, for 24 hours."""
    return await service.confirm(body.token)


@router.post(
    "/accounts/confirmation-requests",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a new confirmation link",
    responses=declared(404),
)
async def resend_confirmation(
    body: EmailOnly, service: AccountServiceDep, tasks: BackgroundTasks
) -> Accepted:
    """The same answer, as quickly, whatever the address; earlier links keep working."""
    after_answering(tasks, lambda: service.resend_confirmation(body.email), name="confirmation")
    return CONFIRMATION_SENT


async def caller_account(principal: CurrentPrincipal, identity: IdentityDep) -> Document:
    """The caller's account, refused when the token's session was ended.

    Ending a session notes it on the account in the same transaction, so the account read here
    answers for the session too: no read of the session itself is needed.
    """
    account = await identity.accounts.get(principal.user_id)
    if account is None:
        raise Unauthorized()
    if session_ended(account, principal.session_id):
        raise SessionEnded()
    context.user_id.set(principal.user_id)
    return account


CallerAccount = Annotated[Document, Depends(caller_account)]


async def _profile(identity: Identity, account: Document, principal: Principal) -> Profile:
    """The person's account as their session here sees it.

    Roles and organisation come from the verified token: they are what this session may do,
    and a change of them ends or renews the session. Only the factors are read besides.
    """
    user_id = str(account["_id"])
    factors = await identity.factors.active(user_id)
    methods = [kind for kind in SIGN_IN_FACTORS if kind in factors]
    return Profile(
        id=user_id,
        email=str(account["email"]),
        first_name=str(account["first_name"]),
        last_name=str(account["last_name"]),
        phone=account.get("phone"),
        language=language_of(account),
        email_confirmed=account.get("email_confirmed_at") is not None,
        # An inactive or restricted member's sessions end: a token in use is an active one.
        status="active",
        authority=principal.authority,
        roles=sorted(principal.roles),
        organisation_id=principal.organisation,
        two_factor=TwoFactorState(
            enabled=bool(methods),
            methods=list(methods),
            recovery_codes_left=len(factors.get("recovery_codes", {}).get("unused", [])),
        ),
        created_at=account["created_at"],
    )


@router.get(
    "/me",
    response_model=Profile,
    summary="My account",
    responses=declared(401, 404),
)
async def read_profile(
    response: Response, account: CallerAccount, identity: IdentityDep, principal: CurrentPrincipal
) -> Profile:
    """Name, email, status, roles here and two-factor state; the ETag is for PATCH."""
    set_etag(response, int(account["version"]))
    return await _profile(identity, account, principal)


@router.patch(
    "/me",
    response_model=Profile,
    summary="Change my name or phone number",
    responses=declared(401, 404, 412, 428),
    openapi_extra=IF_MATCH,
)
async def change_profile(
    body: ProfileChange,
    request: Request,
    response: Response,
    account: CallerAccount,
    identity: IdentityDep,
    principal: CurrentPrincipal,
    service: AccountServiceDep,
) -> Profile:
    """Send the ETag from GET /me as If-Match."""
    require_match(request, int(account["version"]))
    updated = await service.change_profile(account, body, version=int(account["version"]))
    set_etag(response, int(updated["version"]))
    return await _profile(identity, updated, principal)
