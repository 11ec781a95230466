"""Accepting an invitation from the emailed link: choose a password, then sign in."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.invitation_forms import AcceptanceForm
from web.account.registration import password_rules
from web.authorities import PageAuthority
from web.gateway import forwarded_for, gateway_of
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm, FormSession
from web.sessions.links import LONGEST_TOKEN, held_links

router = APIRouter(include_in_schema=False)
PURPOSE = "accept_invitation"
# Link errors that mean the link itself is no good, not the password typed.
LINK_ERRORS = frozenset({"link_invalid", "link_expired", "not_found", "invitation_not_found"})


async def _password_page(
    request: Request, authority: str, form: AcceptanceForm, *, status: int = 200
) -> HTMLResponse:
    rules = await password_rules(request, authority)
    return render(
        request, "account/accept_invitation.html", {"form": form, "rules": rules}, status=status
    )


# Opening the emailed link keeps its token on the server and shows the page at an address
# without it: mail scanners that follow links use nothing up, and the token is in no history.
@router.get("/{authority}/account/accept-invitation")
async def accept_invitation_page(
    request: Request, authority: PageAuthority, session: FormSession, token: str = ""
) -> Response:
    """The form to choose a password, once the link's token is held for this browser."""
    if token:
        if len(token) > LONGEST_TOKEN:
            return render(request, "account/invitation_not_working.html", status=400)
        await held_links(request).hold(session, PURPOSE, token)
        return RedirectResponse(
            f"{authority_base(request)}/account/accept-invitation", status_code=303
        )
    if await held_links(request).held(session, PURPOSE) is None:
        return render(request, "account/invitation_not_working.html", status=400)
    return await _password_page(request, authority.slug, AcceptanceForm())


@router.post("/{authority}/account/accept-invitation")
async def accept_invitation(
    request: Request, authority: PageAuthority, form_data: CheckedForm, session: FormSession
) -> Response:
    """Accept with identity; a used, expired or wrong link says to ask for a new invitation."""
    links = held_links(request)
    token = await links.held(session, PURPOSE)
    if token is None:
        return render(request, "account/invitation_not_working.html", status=400)
    form = AcceptanceForm()
    password = form.read(form_data)
    if password is None:
        return await _password_page(request, authority.slug, form, status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/staff-invitations/acceptance",
        body={"token": token, "password": password},
        forwarded_for=forwarded_for(request),
    )
    if answer.status == 200:
        await links.drop(session, PURPOSE)
        return RedirectResponse(
            f"{authority_base(request)}/account/invitation-accepted", status_code=303
        )
    if answer.error_code in LINK_ERRORS or answer.status == 404:
        await links.drop(session, PURPOSE)
        expired = answer.error_code == "link_expired"
        return render(
            request, "account/invitation_not_working.html", {"expired": expired}, status=400
        )
    form.refused(answer.error_code, answer.error_details)
    return await _password_page(request, authority.slug, form, status=400)


@router.get("/{authority}/account/invitation-accepted")
async def invitation_accepted(request: Request, authority: PageAuthority) -> HTMLResponse:
    """The invitation is accepted: the person can sign in."""
    return render(request, "account/invitation_accepted.html")
