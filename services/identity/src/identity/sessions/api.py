"""Routes for signing in and out, second-factor challenges, tokens and sessions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from identity.dependencies import CurrentCaller
from identity.factors.api import FactorServiceDep
from identity.memberships.admission import Admissions
from identity.sessions.guessing import SecondFactorGuessing
from identity.sessions.schemas import (
    ChallengeAnswer,
    ChallengeRef,
    CodeSent,
    EnrolmentConfirmation,
    EnrolmentStart,
    EnrolmentStarted,
    RefreshRequest,
    SessionList,
    SessionView,
    SignedInWithRecoveryCodes,
    SignInRequest,
    SignInResult,
    SwitchRequest,
    TokenPair,
)
from identity.sessions.service import SignIn
from identity.wiring import IdentityDep
from kit.authorities import ActiveAuthority
from kit.clients import Client
from kit.responses import AUTHORITY_SCOPED, declared

router = APIRouter(tags=["sign-in and sessions"], dependencies=AUTHORITY_SCOPED)


def sign_in_service(
    identity: IdentityDep,
    authority: ActiveAuthority,
    client: Client,
    second_factors: FactorServiceDep,
) -> SignIn:
    """Sign-in for this request's authority and client."""
    guessing = SecondFactorGuessing(
        **identity.serving(authority, client),
        throttle=identity.throttle,
        links=identity.links,
    )
    admissions = Admissions(memberships=identity.memberships, restrictions=identity.restrictions)
    return SignIn(
        **identity.serving(authority, client),
        accounts=identity.accounts,
        factors=identity.factors,
        challenges=identity.challenges,
        sessions=identity.sessions,
        refresh_tokens=identity.refresh_tokens,
        refresh_lifetime=identity.refresh_lifetime,
        access_tokens=identity.access_tokens,
        throttle=identity.throttle,
        box=identity.box,
        authorities=identity.authorities,
        ending=identity.ending,
        admissions=admissions,
        second_factors=second_factors,
        guessing=guessing,
    )


SignInDep = Annotated[SignIn, Depends(sign_in_service)]


@router.post(
    "/sessions",
    response_model=SignInResult,
    summary="Sign in with email address and password",
    responses=declared(401, 403, 404, 429),
)
async def sign_in(body: SignInRequest, service: SignInDep) -> SignInResult:
    """Tokens, or the step that must come first; unknown email and wrong password look alike."""
    return await service.with_password(body.email, body.password)


@router.post(
    "/sessions/challenge",
    response_model=TokenPair,
    summary="Finish signing in with a second-factor code",
    responses=declared(400, 401, 403, 404, 429),
)
async def answer_challenge(body: ChallengeAnswer, service: SignInDep) -> TokenPair:
    """Answer with the emailed code, an authenticator code or a recovery code."""
    return await service.answer(body.challenge_id, body.method, body.code)


@router.post(
    "/sessions/challenge/email-code",
    response_model=CodeSent,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Email a new sign-in code",
    responses=declared(400, 401, 404, 429),
)
async def resend_code(body: ChallengeRef, service: SignInDep) -> CodeSent:
    """ "Resend code to my email": at most once a minute; the earlier code stops working."""
    return await service.send_code(body.challenge_id)


@router.post(
    "/sessions/challenge/postponement",
    response_model=TokenPair,
    summary='Sign in without setting up a second factor now ("Later")',
    responses=declared(400, 401, 403, 404, 429),
)
async def postpone_enrolment(body: ChallengeRef, service: SignInDep) -> TokenPair:
    """Only when a second factor is offered, not required; the offer is not made again."""
    return await service.postpone(body.challenge_id)


@router.post(
    "/sessions/challenge/enrolment",
    response_model=EnrolmentStarted,
    summary="Start setting up a second factor while signing in",
    responses=declared(400, 401, 404, 409, 429),
)
async def begin_enrolment(body: EnrolmentStart, service: SignInDep) -> EnrolmentStarted:
    """An authenticator app's secret and QR code, or an email code sent to confirm the email."""
    return EnrolmentStarted(**await service.begin_enrolment(body.challenge_id, body.method))


@router.post(
    "/sessions/challenge/enrolment/confirmation",
    response_model=SignedInWithRecoveryCodes,
    summary="Confirm the new second factor and sign in",
    responses=declared(400, 401, 403, 404, 409, 429),
)
async def confirm_enrolment(
    body: EnrolmentConfirmation, service: SignInDep
) -> SignedInWithRecoveryCodes:
    """The first code from the new factor; recovery codes are shown this once."""
    return await service.confirm_enrolment(body.challenge_id, body.method, body.code)


@router.post(
    "/tokens/refresh",
    response_model=TokenPair,
    summary="New tokens for a refresh token",
    responses=declared(401, 403, 404),
)
async def refresh(body: RefreshRequest, service: SignInDep) -> TokenPair:
    """The refresh token is used up; using it again ends the session."""
    return await service.refresh(body.refresh_token)


@router.post(
    "/tokens/revocation",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out with a refresh token",
    responses=declared(404),
)
async def revoke(body: RefreshRequest, service: SignInDep) -> Response:
    """Ends the token's session; answers the same whatever the token."""
    await service.revoke(body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/sessions/switch",
    response_model=TokenPair,
    summary="Tokens for another authority the caller belongs to",
    responses=declared(401, 403, 404),
)
async def switch(body: SwitchRequest, caller: CurrentCaller, service: SignInDep) -> TokenPair:
    """ "Sign in with other local authority" without typing the password again."""
    return await service.switch(caller, body.authority)


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End one of my sessions (`current` for this one)",
    responses=declared(401, 404),
)
async def end_session(session_id: str, caller: CurrentCaller, service: SignInDep) -> Response:
    """Signs that device out; its refresh token stops working at once."""
    await service.end(caller, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me/sessions",
    response_model=SessionList,
    summary="My sessions still going here",
    responses=declared(401, 404),
)
async def my_sessions(
    caller: CurrentCaller, identity: IdentityDep, authority: ActiveAuthority
) -> SessionList:
    """Device, address and last use of each, newest use first."""
    found = await identity.sessions.live_of_person(authority.slug, caller.user_id)
    return SessionList(
        items=[
            SessionView(
                id=str(record["_id"]),
                device=str(record.get("device", "")),
                address=str(record.get("address", "")),
                created_at=record["created_at"],
                last_used_at=record["last_used_at"],
                methods=[str(method) for method in record.get("methods", [])],
                current=record["_id"] == caller.session_id,
            )
            for record in found
        ]
    )
