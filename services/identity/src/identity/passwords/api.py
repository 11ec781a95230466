"""Routes for the password rules, changing a password and resetting a forgotten one."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Response, status

from identity.accounts.api import CallerAccount
from identity.accounts.schemas import Accepted, EmailOnly
from identity.after_answer import after_answering
from identity.dependencies import CurrentCaller
from identity.passwords.policy import RULES
from identity.passwords.schemas import PasswordChange, PasswordReset, PasswordRules
from identity.passwords.service import RESET_SENT, PasswordService
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["passwords"], dependencies=AUTHORITY_SCOPED)


def password_service(
    identity: IdentityDep, authority: ActiveAuthority, client: Client
) -> PasswordService:
    """Passwords for this request's authority and client."""
    return PasswordService(
        **identity.serving(authority, client),
        accounts=identity.accounts,
        links=identity.links,
        ending=identity.ending,
        throttle=identity.throttle,
    )


PasswordServiceDep = Annotated[PasswordService, Depends(password_service)]


@router.get(
    "/password-rules",
    response_model=PasswordRules,
    summary="The rules a new password must meet",
    responses=declared(404),
)
async def password_rules(_: ActiveAuthority) -> PasswordRules:
    """For the form's checklist; the same codes appear in `password_too_weak` errors."""
    return PasswordRules(rules=[{"code": rule.code, "message": rule.text} for rule in RULES])


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change my password",
    responses=declared(401, 403, 404),
)
async def change_password(
    body: PasswordChange,
    caller: CurrentCaller,
    account: CallerAccount,
    service: PasswordServiceDep,
) -> Response:
    """Current password, new and confirm; every other session ends."""
    await service.change(
        account,
        current=body.current_password,
        new=body.new_password,
        confirm=body.confirm_password,
        keep_session=caller.session_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/password-resets",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Forgotten password: email a reset link",
    responses=declared(404),
)
async def request_reset(
    body: EmailOnly, service: PasswordServiceDep, tasks: BackgroundTasks
) -> Accepted:
    """The same answer, as quickly, whether or not the address has an account."""
    after_answering(tasks, lambda: service.request_reset(body.email), name="password_reset")
    return RESET_SENT


@router.post(
    "/password-resets/completion",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Choose a new password with the emailed link",
    responses=declared(400, 404),
)
async def reset_password(body: PasswordReset, service: PasswordServiceDep) -> Response:
    """The link works once, for an hour; every session of the account ends."""
    await service.reset(body.token, new=body.new_password, confirm=body.confirm_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
