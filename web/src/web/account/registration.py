"""Creating an account, confirming its email address, and asking for a new link."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.registration_forms import NewLinkForm, RegistrationForm, rules_of
from web.authorities import PageAuthority
from web.gateway import forwarded_for, gateway_of
from web.i18n import current_language
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm, FormSession
from web.sessions.links import LONGEST_TOKEN, held_links

router = APIRouter(include_in_schema=False)

# What the emailed confirmation link's token is held for.
CONFIRMATION = "confirm_email"


async def password_rules(request: Request, authority: str) -> list[str]:
    """The rules a new password must meet, as identity states them, translated."""
    answer = await gateway_of(request).call(
        "GET", f"/{authority}/api/identity/password-rules", forwarded_for=forwarded_for(request)
    )
    return rules_of(answer.body) if answer.status == 200 else []


async def _registration_page(
    request: Request, authority: str, form: RegistrationForm, *, status: int = 200
) -> HTMLResponse:
    rules = await password_rules(request, authority)
    context = {"form": form, "rules": rules}
    return render(request, "account/register.html", context, status=status)


@router.get("/{authority}/account/register")
async def registration_page(
    request: Request, authority: PageAuthority, _session: FormSession
) -> HTMLResponse:
    """The form to create an account."""
    return await _registration_page(request, authority.slug, RegistrationForm())


@router.post("/{authority}/account/register")
async def register(
    request: Request, authority: PageAuthority, form_data: CheckedForm, _session: FormSession
) -> Response:
    """Ask identity for the account; its answer is the same whether or not the email is taken."""
    form = RegistrationForm()
    password = form.read(form_data)
    if password is None:
        return await _registration_page(request, authority.slug, form, status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/accounts",
        body={
            "first_name": form.first_name,
            "last_name": form.last_name,
            "email": form.email,
            "password": password,
            # Its emails are written in the language the person registered in.
            "language": current_language.get(),
        },
        forwarded_for=forwarded_for(request),
    )
    if answer.status != 202:
        form.refused(answer.error_code, answer.error_details)
        return await _registration_page(request, authority.slug, form, status=400)
    return RedirectResponse(f"{authority_base(request)}/account/check-your-email", status_code=303)


@router.get("/{authority}/account/check-your-email")
async def check_your_email(request: Request, authority: PageAuthority) -> HTMLResponse:
    """A link to confirm the address is on its way."""
    return render(request, "account/check_your_email.html")


@router.get("/{authority}/account/new-confirmation-link")
async def new_link_page(
    request: Request, authority: PageAuthority, _session: FormSession
) -> HTMLResponse:
    """The form to ask for a new confirmation link."""
    return render(request, "account/new_link.html", {"form": NewLinkForm()})


@router.post("/{authority}/account/new-confirmation-link")
async def new_link(
    request: Request, authority: PageAuthority, form_data: CheckedForm, _session: FormSession
) -> Response:
    """Ask identity to send a new link; its answer is the same whatever the address."""
    form = NewLinkForm()
    if not form.read(form_data):
        return render(request, "account/new_link.html", {"form": form}, status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/accounts/confirmation-requests",
        body={"email": form.email},
        forwarded_for=forwarded_for(request),
    )
    if answer.status != 202:
        form.refused(answer.error_code)
        return render(request, "account/new_link.html", {"form": form}, status=400)
    return RedirectResponse(f"{authority_base(request)}/account/check-your-email", status_code=303)


# Opening the emailed link keeps its token on the server and shows, at an address without it,
# only a button: mail scanners that follow links must not use the single-use token up before
# the person does, and the token is in no history, page or Referer.
@router.get("/{authority}/account/confirm-email")
async def confirm_email_page(
    request: Request, authority: PageAuthority, session: FormSession, token: str = ""
) -> Response:
    """Take the link's token, then show the button that confirms the address with it."""
    if token:
        if len(token) > LONGEST_TOKEN:
            return render(request, "account/link_not_working.html", status=400)
        await held_links(request).hold(session, CONFIRMATION, token)
        return RedirectResponse(f"{authority_base(request)}/account/confirm-email", 303)
    if await held_links(request).held(session, CONFIRMATION) is None:
        return render(request, "account/link_not_working.html", status=400)
    return render(request, "account/confirm_email.html")


@router.post("/{authority}/account/confirm-email")
async def confirm_email(
    request: Request, authority: PageAuthority, form_data: CheckedForm, session: FormSession
) -> Response:
    """Confirm the address with identity; a used, expired or wrong link says how to get another."""
    links = held_links(request)
    token = await links.held(session, CONFIRMATION)
    if token is None:
        return render(request, "account/link_not_working.html", status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/accounts/confirmation",
        body={"token": token},
        forwarded_for=forwarded_for(request),
    )
    await links.drop(session, CONFIRMATION)
    if answer.status != 200:
        expired = answer.error_code == "link_expired"
        return render(request, "account/link_not_working.html", {"expired": expired}, status=400)
    return RedirectResponse(f"{authority_base(request)}/account/email-confirmed", status_code=303)


@router.get("/{authority}/account/email-confirmed")
async def email_confirmed(request: Request, authority: PageAuthority) -> HTMLResponse:
    """The address is confirmed: the person can sign in."""
    return render(request, "account/email_confirmed.html")
