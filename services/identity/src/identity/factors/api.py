"""Routes for the caller's second factors: list, set up, confirm, recovery codes, remove."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response, status

from identity.accounts.api import CallerAccount
from identity.dependencies import CurrentCaller
from identity.factors.schemas import (
    EmailCodeSent,
    FactorCode,
    FactorConfirmed,
    FactorList,
    FactorView,
    PasswordConfirmation,
    RecoveryCodes,
    TotpSetupView,
)
from identity.factors.service import FactorService, mask_email
from identity.memberships.admission import two_factor_forced
from identity.passwords.service import require_password
from identity.wiring import Identity, IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.mongo import Document
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(prefix="/me/factors", tags=["second factors"], dependencies=AUTHORITY_SCOPED)


def factor_service(
    identity: IdentityDep, authority: ActiveAuthority, client: Client
) -> FactorService:
    """Factors for this request's authority and client."""
    return FactorService(
        **identity.serving(authority, client),
        factors=identity.factors,
        box=identity.box,
    )


FactorServiceDep = Annotated[FactorService, Depends(factor_service)]


async def _confirm_password(
    identity: Identity, service: FactorService, account: Document, password: str
) -> None:
    await require_password(
        account,
        password,
        throttle=identity.throttle,
        audit=identity.audit,
        authority=service.slug,
        client=service.client,
    )


@router.get(
    "", response_model=FactorList, summary="My second factors", responses=declared(401, 404)
)
async def list_factors(account: CallerAccount, identity: IdentityDep) -> FactorList:
    """Email code, authenticator app and recovery codes, with when each was added and used."""
    found = await identity.factors.of_person(str(account["_id"]))
    items = [
        FactorView(
            kind=str(record["kind"]),
            status=str(record["status"]),
            added_at=record.get("activated_at") or record["created_at"],
            last_used_at=record.get("last_used_at"),
        )
        for record in found
    ]
    left = sum(
        len(record.get("unused", [])) for record in found if record["kind"] == "recovery_codes"
    )
    return FactorList(items=items, recovery_codes_left=left)


@router.post(
    "/totp",
    response_model=TotpSetupView,
    status_code=status.HTTP_201_CREATED,
    summary="Start setting up an authenticator app",
    responses=declared(401, 403, 404, 409, 429),
)
async def begin_totp(
    body: PasswordConfirmation,
    account: CallerAccount,
    identity: IdentityDep,
    service: FactorServiceDep,
) -> TotpSetupView:
    """Needs the password; confirm with the app's first code."""
    await _confirm_password(identity, service, account, body.password)
    setup = await service.begin_totp(account)
    return TotpSetupView(secret=setup.secret, otpauth_uri=setup.otpauth_uri, qr_svg=setup.qr_svg)


@router.post(
    "/totp/confirmation",
    response_model=FactorConfirmed,
    summary="Confirm the authenticator app with its first code",
    responses=declared(401, 404, 409),
)
async def confirm_totp(
    body: FactorCode, account: CallerAccount, service: FactorServiceDep
) -> FactorConfirmed:
    """Turns two-factor sign-in on; recovery codes are shown if this is the first factor."""
    codes = await service.confirm(account, "totp", body.code)
    return FactorConfirmed(kind="totp", recovery_codes=codes)


@router.post(
    "/email-code",
    response_model=EmailCodeSent,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Start using emailed sign-in codes",
    responses=declared(401, 403, 404, 409, 429),
)
async def begin_email_code(
    body: PasswordConfirmation,
    account: CallerAccount,
    identity: IdentityDep,
    service: FactorServiceDep,
) -> EmailCodeSent:
    """Needs the password; a code is emailed to confirm the address receives them."""
    await _confirm_password(identity, service, account, body.password)
    expires_at = await service.begin_email(account)
    return EmailCodeSent(code_sent_to=mask_email(str(account["email"])), expires_at=expires_at)


@router.post(
    "/email-code/confirmation",
    response_model=FactorConfirmed,
    summary="Confirm emailed sign-in codes with the code sent",
    responses=declared(401, 404, 409),
)
async def confirm_email_code(
    body: FactorCode, account: CallerAccount, service: FactorServiceDep
) -> FactorConfirmed:
    """Turns two-factor sign-in on; recovery codes are shown if this is the first factor."""
    codes = await service.confirm(account, "email_code", body.code)
    return FactorConfirmed(kind="email_code", recovery_codes=codes)


@router.post(
    "/recovery-codes",
    response_model=RecoveryCodes,
    status_code=status.HTTP_201_CREATED,
    summary="Make a new set of recovery codes",
    responses=declared(401, 403, 404, 409, 429),
)
async def regenerate_recovery_codes(
    body: PasswordConfirmation,
    account: CallerAccount,
    identity: IdentityDep,
    service: FactorServiceDep,
) -> RecoveryCodes:
    """Needs the password; the earlier codes stop working."""
    await _confirm_password(identity, service, account, body.password)
    return RecoveryCodes(recovery_codes=await service.regenerate_recovery_codes(account))


@router.post(
    "/{kind}/removal",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a second factor",
    responses=declared(401, 403, 404, 409, 429),
)
async def remove_factor(
    kind: Literal["email_code", "totp", "recovery_codes"],
    body: PasswordConfirmation,
    caller: CurrentCaller,
    account: CallerAccount,
    authority: ActiveAuthority,
    identity: IdentityDep,
    service: FactorServiceDep,
) -> Response:
    """Needs the password; staff where two-factor sign-in is required must keep one."""
    await _confirm_password(identity, service, account, body.password)
    await service.remove(
        account, kind, forced=two_factor_forced(authority, list(caller.principal.roles))
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
