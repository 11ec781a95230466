"""A forgotten password: ask for a reset link, then choose a new password from it."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.registration import password_rules
from web.account.registration_forms import NewLinkForm, NewPasswordForm
from web.authorities import PageAuthority
from web.gateway import forwarded_for, gateway_of
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm, FormSession
from web.sessions.links import LONGEST_TOKEN, held_links

router = APIRouter(include_in_schema=False)


@router.get("/{authority}/account/forgotten-password")
async def forgotten_password_page(
    request: Request, authority: PageAuthority, _session: FormSession
) -> HTMLResponse:
    """The form asking where to send a reset link."""
    return render(request, "account/forgotten_password.html", {"form": NewLinkForm()})


@router.post("/{authority}/account/forgotten-password")
async def forgotten_password(
    request: Request, authority: PageAuthority, form_data: CheckedForm, _session: FormSession
) -> Response:
    """Ask identity to email a reset link; its answer is the same whatever the address."""
    form = NewLinkForm()
    if not form.read(form_data):
        return render(request, "account/forgotten_password.html", {"form": form}, status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/password-resets",
        body={"email": form.email},
        forwarded_for=forwarded_for(request),
    )
    if answer.status != 202:
        form.refused(answer.error_code)
        return render(request, "account/forgotten_password.html", {"form": form}, status=400)
    base = authority_base(request)
    return RedirectResponse(f"{base}/account/password-reset-sent", status_code=303)


@router.get("/{authority}/account/password-reset-sent")
async def reset_sent(request: Request, authority: PageAuthority) -> HTMLResponse:
    """A reset link is on its way, if the address has an account."""
    return render(request, "account/password_reset_sent.html")


def _purpose(authority: str) -> str:
    """What the reset link's token is held for: a link of one authority works only there."""
    return f"password_reset:{authority}"


async def _reset_page(
    request: Request, authority: str, form: NewPasswordForm, *, status: int = 200
) -> HTMLResponse:
    rules = await password_rules(request, authority)
    context = {"form": form, "rules": rules}
    return render(request, "account/reset_password.html", context, status=status)


# The emailed link's token is held on the server and goes out of the address bar at once: it
# is then in no page, no history entry, no language-switch link and no Referer. Nothing is used
# up until the form is sent, so mail scanners that follow links spoil nothing.
@router.get("/{authority}/account/reset-password")
async def reset_password_page(
    request: Request, authority: PageAuthority, session: FormSession, token: str = ""
) -> Response:
    """Take the link's token, then show the form for the new password."""
    if token:
        if len(token) > LONGEST_TOKEN:
            return render(request, "account/reset_link_not_working.html", status=400)
        await held_links(request).hold(session, _purpose(authority.slug), token)
        base = authority_base(request)
        return RedirectResponse(f"{base}/account/reset-password", status_code=303)
    if await held_links(request).held(session, _purpose(authority.slug)) is None:
        return render(request, "account/reset_link_not_working.html", status=400)
    return await _reset_page(request, authority.slug, NewPasswordForm())


@router.post("/{authority}/account/reset-password")
async def reset_password(
    request: Request, authority: PageAuthority, form_data: CheckedForm, session: FormSession
) -> Response:
    """Set the new password with identity; a used or expired link says how to get another."""
    links = held_links(request)
    token = await links.held(session, _purpose(authority.slug))
    if token is None:
        return render(request, "account/reset_link_not_working.html", status=400)
    form = NewPasswordForm()
    password = form.read(form_data)
    if password is None:
        return await _reset_page(request, authority.slug, form, status=400)
    answer = await gateway_of(request).call(
        "POST",
        f"/{authority.slug}/api/identity/password-resets/completion",
        body={"token": token, "new_password": password, "confirm_password": password},
        forwarded_for=forwarded_for(request),
    )
    if answer.error_code in ("link_invalid", "link_expired"):
        await links.drop(session, _purpose(authority.slug))
        expired = answer.error_code == "link_expired"
        context = {"expired": expired}
        return render(request, "account/reset_link_not_working.html", context, status=400)
    if answer.status != 204:
        form.refused(answer.error_code, answer.error_details)
        return await _reset_page(request, authority.slug, form, status=400)
    await links.drop(session, _purpose(authority.slug))
    base = authority_base(request)
    return RedirectResponse(f"{base}/account/password-reset-done", status_code=303)


@router.get("/{authority}/account/password-reset-done")
async def reset_done(request: Request, authority: PageAuthority) -> HTMLResponse:
    """The password is changed: the person can sign in with it."""
    return render(request, "account/password_reset_done.html")
