"""The signed-in person's second factors: list, set up, remove, and new recovery codes."""

import datetime
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel

from web.account.code_forms import CodeForm, PasswordCheckForm
from web.account.dependencies import Person, SignedInPerson
from web.account.qr import authenticator_setup_of, setup_context
from web.authorities import PageAuthority
from web.gateway import ApiAnswer, forwarded_for, gateway_of
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm, keep_on_session
from web.sessions.models import RecoveryCodesToShow

router = APIRouter(include_in_schema=False)

FACTORS_PAGE = "/account/second-factors"


@dataclass(frozen=True)
class Change:
    """A change to how the person signs in, made once they give their password again."""

    api_path: str
    success: int


# `{kind}/{change}` in the page's address, and identity's route that makes the change.
CHANGES: dict[tuple[str, str], Change] = {
    ("authenticator-app", "new"): Change("/me/factors/totp", 201),
    ("email-codes", "new"): Change("/me/factors/email-code", 202),
    ("recovery-codes", "new"): Change("/me/factors/recovery-codes", 201),
    ("authenticator-app", "remove"): Change("/me/factors/totp/removal", 204),
    ("email-codes", "remove"): Change("/me/factors/email-code/removal", 204),
}


def _change_titles() -> dict[tuple[str, str], str]:
    return {
        ("authenticator-app", "new"): _("Set up an authenticator app"),
        ("email-codes", "new"): _("Get security codes by email"),
        ("recovery-codes", "new"): _("Make new recovery codes"),
        ("authenticator-app", "remove"): _("Remove your authenticator app"),
        ("email-codes", "remove"): _("Stop getting security codes by email"),
    }


async def _call(
    request: Request, person: Person, method: str, path: str, body: dict[str, Any] | None = None
) -> ApiAnswer:
    return await gateway_of(request).call(
        method,
        f"/{person.tokens.authority}/api/identity{path}",
        token=person.access_token,
        body=body,
        forwarded_for=forwarded_for(request),
    )


@router.get("/{authority}/account/second-factors")
async def factors_page(request: Request, person: SignedInPerson) -> HTMLResponse:
    """The person's ways of signing in, each with what can be done to it."""
    answer = await _call(request, person, "GET", "/me/factors")
    body = answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}
    # Each factor that is on, with the day it was added.
    active = {
        str(item.get("kind")): datetime.datetime.fromisoformat(str(item["added_at"])).date()
        for item in body.get("items", [])
        if isinstance(item, dict) and item.get("status") == "active" and item.get("added_at")
    }
    context = {"active": active, "recovery_codes_left": body.get("recovery_codes_left", 0)}
    return render(request, "account/second_factors.html", context)


def _change(kind: str, change: str) -> Change:
    found = CHANGES.get((kind, change))
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _password_page(
    request: Request, kind: str, change: str, form: PasswordCheckForm, *, status: int = 200
) -> HTMLResponse:
    context = {
        "form": form,
        "kind": kind,
        "change": change,
        "title": _change_titles()[(kind, change)],
    }
    return render(request, "account/confirm_password.html", context, status=status)


@router.get("/{authority}/account/second-factors/{kind}/{change}")
async def change_page(
    request: Request, kind: str, change: str, _person: SignedInPerson
) -> HTMLResponse:
    """The password, asked for again before a change to how the person signs in."""
    _change(kind, change)
    return _password_page(request, kind, change, PasswordCheckForm())


@router.post("/{authority}/account/second-factors/{kind}/{change}")
async def make_change(
    request: Request, kind: str, change: str, form_data: CheckedForm, person: SignedInPerson
) -> Response:
    """Make the change with identity; set-ups go on to their next page."""
    made = _change(kind, change)
    form = PasswordCheckForm()
    password = form.read(form_data)
    if password is None:
        return _password_page(request, kind, change, form, status=400)
    answer = await _call(request, person, "POST", made.api_path, {"password": password})
    if answer.status != made.success:
        form.refused(answer.error_code)
        return _password_page(request, kind, change, form, status=400)
    base = authority_base(request)
    authority = person.tokens.authority
    if kind == "authenticator-app" and change == "new" and isinstance(answer.body, dict):
        setup = authenticator_setup_of(authority, answer.body)
        await keep_on_session(request, person.session, authenticator_setup=setup)
        return RedirectResponse(f"{base}{FACTORS_PAGE}/authenticator-app", 303)
    if kind == "email-codes" and change == "new":
        return RedirectResponse(f"{base}{FACTORS_PAGE}/email-codes", 303)
    if kind == "recovery-codes" and isinstance(answer.body, dict):
        return await _show_codes(request, person, answer.body.get("recovery_codes"))
    return RedirectResponse(f"{base}{FACTORS_PAGE}", 303)


async def _show_codes(
    request: Request, person: Person, codes: object, **also: BaseModel | None
) -> Response:
    """Keep new recovery codes to show (and any other steps given); else back to the list."""
    base = authority_base(request)
    shown = (
        RecoveryCodesToShow(authority=person.tokens.authority, codes=[str(c) for c in codes])
        if isinstance(codes, list) and codes
        else None
    )
    if shown is not None or also:
        await keep_on_session(request, person.session, recovery_codes=shown, **also)
    page = "/account/recovery-codes" if shown is not None else FACTORS_PAGE
    return RedirectResponse(f"{base}{page}", 303)


def _authenticator_page(
    request: Request, person: Person, form: CodeForm, *, status: int = 200
) -> Response:
    setup = person.session.record.authenticator_setup
    if setup is None or setup.authority != person.tokens.authority:
        return RedirectResponse(f"{authority_base(request)}{FACTORS_PAGE}", 303)
    context = {
        "form": form,
        **setup_context(setup),
        "action": f"{authority_base(request)}{FACTORS_PAGE}/authenticator-app",
    }
    return render(request, "account/set_up_authenticator_app.html", context, status=status)


@router.get("/{authority}/account/second-factors/authenticator-app")
async def authenticator_page(request: Request, person: SignedInPerson) -> Response:
    """The QR code and key to put in the app, and the field for its first code."""
    return _authenticator_page(request, person, CodeForm(method="totp"))


@router.post("/{authority}/account/second-factors/authenticator-app")
async def confirm_authenticator(
    request: Request, form_data: CheckedForm, person: SignedInPerson
) -> Response:
    """Turn the app on with its first code."""
    form = CodeForm(method="totp")
    code = form.read(form_data)
    if code is None:
        return _authenticator_page(request, person, form, status=400)
    answer = await _call(request, person, "POST", "/me/factors/totp/confirmation", {"code": code})
    if answer.status != 200 or not isinstance(answer.body, dict):
        form.refused(answer.error_code)
        return _authenticator_page(request, person, form, status=400)
    return await _show_codes(
        request, person, answer.body.get("recovery_codes"), authenticator_setup=None
    )


def _email_codes_page(request: Request, form: CodeForm, *, status: int = 200) -> HTMLResponse:
    base = authority_base(request)
    context = {
        "form": form,
        "code_sent_to": None,
        "action": f"{base}{FACTORS_PAGE}/email-codes",
        "resend_link": f"{base}{FACTORS_PAGE}/email-codes/new",
    }
    return render(request, "account/set_up_email_codes.html", context, status=status)


@router.get("/{authority}/account/second-factors/email-codes")
async def email_codes_page(request: Request, _person: SignedInPerson) -> HTMLResponse:
    """The field for the code emailed to confirm the address gets them."""
    return _email_codes_page(request, CodeForm(method="email_code"))


@router.post("/{authority}/account/second-factors/email-codes")
async def confirm_email_codes(
    request: Request, form_data: CheckedForm, person: SignedInPerson
) -> Response:
    """Turn emailed codes on with the code sent."""
    form = CodeForm(method="email_code")
    code = form.read(form_data)
    if code is None:
        return _email_codes_page(request, form, status=400)
    answer = await _call(
        request, person, "POST", "/me/factors/email-code/confirmation", {"code": code}
    )
    if answer.status != 200 or not isinstance(answer.body, dict):
        form.refused(answer.error_code)
        return _email_codes_page(request, form, status=400)
    return await _show_codes(request, person, answer.body.get("recovery_codes"))


# Recovery codes are shown until the person says they have kept them, then never again.


def _codes_of(request: Request, person: Person) -> list[str] | None:
    shown = person.session.record.recovery_codes
    if shown is None or shown.authority != person.tokens.authority:
        return None
    return shown.codes


@router.get("/{authority}/account/recovery-codes")
async def recovery_codes_page(request: Request, person: SignedInPerson) -> Response:
    """The new recovery codes, with a download."""
    codes = _codes_of(request, person)
    if codes is None:
        return RedirectResponse(f"{authority_base(request)}{FACTORS_PAGE}", 303)
    return render(request, "account/recovery_codes.html", {"codes": codes})


@router.get("/{authority}/account/recovery-codes/download")
async def download_recovery_codes(
    request: Request, authority: PageAuthority, person: SignedInPerson
) -> Response:
    """The new recovery codes as a text file; no cache keeps it."""
    codes = _codes_of(request, person)
    if codes is None:
        return RedirectResponse(f"{authority_base(request)}{FACTORS_PAGE}", 303)
    lines = [
        _("Recovery codes for %(name)s") % {"name": authority.name},
        _("Each code works once. Keep them somewhere safe."),
        "",
        *codes,
        "",
    ]
    return PlainTextResponse(
        "\n".join(lines),
        headers={
            "Content-Disposition": 'attachment; filename="recovery-codes.txt"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{authority}/account/recovery-codes")
async def codes_kept(request: Request, _form: CheckedForm, person: SignedInPerson) -> Response:
    """The person has kept the codes: they are not shown again."""
    await keep_on_session(request, person.session, recovery_codes=None)
    return RedirectResponse(f"{authority_base(request)}{FACTORS_PAGE}", 303)
