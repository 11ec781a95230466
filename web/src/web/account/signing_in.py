"""The steps of a sign-in after the password, kept on the browser's session between pages."""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from web.account.dependencies import SignInNeeded, tokens_from
from web.authorities import PageAuthority
from web.gateway import ApiAnswer, forwarded_for, gateway_of
from web.pages import authority_base
from web.sessions.dependencies import (
    CurrentSession,
    keep_on_session,
    replace_session_cookie,
    session_service,
)
from web.sessions.models import RecoveryCodesToShow, SignInStep
from web.sessions.service import OpenSession

ENROLMENT = ("enrolment_required", "enrolment_offered")


def step_page(step: SignInStep) -> str:
    """The page (under the authority) that asks for what the step needs."""
    if step.status in ENROLMENT:
        return "/account/sign-in/set-up-second-factor"
    if "totp" in step.methods:
        return "/account/sign-in/authenticator-code"
    if "email_code" in step.methods:
        return "/account/sign-in/email-code"
    return "/account/sign-in/recovery-code"


async def begin_step(
    request: Request, session: OpenSession, authority: str, answer: dict[str, Any]
) -> Response:
    """Keep identity's challenge on the session and go to the page that answers it."""
    challenge: dict[str, Any] = answer["challenge"]
    step = SignInStep(
        authority=authority,
        challenge_id=str(challenge["challenge_id"]),
        status=str(answer["status"]),
        methods=[str(method) for method in challenge.get("methods", [])],
        code_sent_to=challenge.get("code_sent_to"),
    )
    await keep_on_session(request, session, sign_in_step=step)
    return RedirectResponse(f"{authority_base(request)}{step_page(step)}", status_code=303)


async def finish(
    request: Request,
    session: OpenSession,
    tokens: dict[str, Any],
    *,
    recovery_codes: list[str] | None = None,
) -> Response:
    """Keep the tokens under a new session id; show new recovery codes first, if any."""
    kept = tokens_from(tokens)
    signed_in = await session_service(request).sign_in(session, kept)
    replace_session_cookie(request, signed_in)
    base = authority_base(request)
    if recovery_codes:
        codes = RecoveryCodesToShow(authority=kept.authority, codes=recovery_codes)
        await keep_on_session(request, signed_in, recovery_codes=codes)
        return RedirectResponse(f"{base}/account/recovery-codes", status_code=303)
    return RedirectResponse(f"{base}/account/", status_code=303)


async def sign_in_step(authority: PageAuthority, session: CurrentSession) -> "Step":
    """The sign-in this browser is part way through here; else back to the sign-in page."""
    step = session.record.sign_in_step if session is not None else None
    if session is None or step is None or step.authority != authority.slug:
        raise SignInNeeded(authority.slug)
    return Step(session, step)


class Step:
    """The browser's session and the sign-in step it holds."""

    def __init__(self, session: OpenSession, step: SignInStep) -> None:
        self.session = session
        self.step = step

    async def call(self, request: Request, path: str, body: dict[str, Any]) -> ApiAnswer:
        """Call one of identity's challenge routes with this sign-in's challenge."""
        return await gateway_of(request).call(
            "POST",
            f"/{self.step.authority}/api/identity/sessions/challenge{path}",
            body={"challenge_id": self.step.challenge_id, **body},
            forwarded_for=forwarded_for(request),
        )

    async def forget(self, request: Request) -> None:
        """Drop the sign-in: identity will not take its challenge again."""
        await keep_on_session(request, self.session, sign_in_step=None)


CurrentStep = Annotated[Step, Depends(sign_in_step)]
