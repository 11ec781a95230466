"""Sign in, your account, and sign out."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.dependencies import SignedInPerson
from web.account.forms import SignInForm
from web.account.identity import as_person
from web.account.notices import take_notice
from web.account.signing_in import begin_step, finish
from web.authorities import PageAuthority
from web.gateway import forwarded_for, gateway_of
from web.pages import authority_base, render
from web.sessions.dependencies import (
    CheckedForm,
    CurrentSession,
    FormSession,
    replace_session_cookie,
    session_service,
)

router = APIRouter(include_in_schema=False)


@router.get("/{authority}/account/sign-in")
async def sign_in_page(
    request: Request, authority: PageAuthority, _session: FormSession
) -> HTMLResponse:
    """The sign-in form."""
    return render(request, "account/sign_in.html", {"form": SignInForm()})


@router.post("/{authority}/account/sign-in")
async def sign_in(
    request: Request, authority: PageAuthority, form_data: CheckedForm, session: FormSession
) -> Response:
    """Sign in with identity; the tokens stay in this session, under a new id."""
    form = SignInForm()
    password = form.read(form_data)
    if password is None:
        return render(request, "account/sign_in.html", {"form": form}, status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/sessions",
        body={"email": form.email, "password": password},
        forwarded_for=forwarded_for(request),
    )
    if answer.status != 200 or not isinstance(answer.body, dict):
        form.refused(answer.error_code)
        return render(request, "account/sign_in.html", {"form": form}, status=400)
    tokens = answer.body.get("session")
    if answer.body.get("status") == "signed_in" and isinstance(tokens, dict):
        return await finish(request, session, tokens)
    if not isinstance(answer.body.get("challenge"), dict):
        form.refused(None)
        return render(request, "account/sign_in.html", {"form": form}, status=400)
    # A second factor, or setting one up, comes first: its pages carry the sign-in on.
    return await begin_step(request, session, authority.slug, answer.body)


@router.get("/{authority}/account/")
async def account(request: Request, person: SignedInPerson) -> HTMLResponse:
    """Who is signed in."""
    answer = await as_person(request, person, "GET", "/me")
    me = answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}
    notice = await take_notice(request, person.session)
    return render(request, "account/account.html", {"me": me, "notice": notice})


@router.post("/{authority}/account/sign-out")
async def sign_out(
    request: Request, authority: PageAuthority, _form: CheckedForm, session: CurrentSession
) -> Response:
    """End the identity session and this one."""
    tokens = session.record.signed_in if session is not None else None
    if session is not None and tokens is not None:
        await gateway_of(request).call(
            "DELETE",
            f"/{tokens.authority}/api/identity/sessions/current",
            token=tokens.access_token,
            forwarded_for=forwarded_for(request),
        )
        await session_service(request).end(session)
        replace_session_cookie(request, None)
    return RedirectResponse(f"{authority_base(request)}/account/signed-out", status_code=303)


@router.get("/{authority}/account/signed-out")
async def signed_out(request: Request, authority: PageAuthority) -> HTMLResponse:
    """Confirmation that the person has signed out."""
    return render(request, "account/signed_out.html")
