"""The person's name and contact details: seeing them and changing what identity allows."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from web.account.dependencies import Person, SignedInPerson
from web.account.identity import as_person
from web.account.notices import (
    LANGUAGE_CHANGED,
    NAME_CHANGED,
    PHONE_CHANGED,
    PHONE_REMOVED,
    leave_notice,
    take_notice,
)
from web.account.profile_forms import (
    LanguageForm,
    NameForm,
    PhoneForm,
    ProfileForm,
    etag_of,
    refuse,
)
from web.gateway import ApiAnswer, GatewayUnavailable
from web.i18n import LANGUAGE_PARAMETER
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


async def read_profile(request: Request, person: Person) -> ApiAnswer:
    """Identity's profile of the person, with the ETag a change must name."""
    answer = await as_person(request, person, "GET", "/me")
    if answer.status != 200 or not isinstance(answer.body, dict):
        raise GatewayUnavailable(f"profile answered {answer.status}")
    return answer


async def _save(
    request: Request, person: Person, form: ProfileForm, change: dict[str, Any], *, sent: str | None
) -> bool:
    """Send the change made from version `sent`; False with the form's errors set if refused."""
    answer = await as_person(request, person, "PATCH", "/me", body=change, if_match=sent)
    if answer.status == 200:
        return True
    if answer.status in {412, 428}:
        form.stale((await read_profile(request, person)).etag)
    else:
        refuse(form, answer.error_code, answer.error_details)
    return False


async def _saved_change(
    request: Request, person: Person, form_data: FormData, form: ProfileForm, template: str
) -> dict[str, Any] | HTMLResponse:
    """The change the form was sent with, once saved; else its page again with the errors."""
    sent = etag_of(form_data)
    form.version = sent or ""
    change = form.read(form_data)
    if change is None or not await _save(request, person, form, change, sent=sent):
        return render(request, template, {"form": form}, status=400)
    return change


@router.get("/{authority}/account/profile")
async def profile(request: Request, person: SignedInPerson) -> HTMLResponse:
    """Name, email address and phone number, each with a way to change it if it can be."""
    answer = await read_profile(request, person)
    notice = await take_notice(request, person.session)
    return render(request, "account/profile.html", {"me": answer.body, "notice": notice})


@router.get("/{authority}/account/profile/name")
async def name_page(request: Request, person: SignedInPerson) -> HTMLResponse:
    """The form to change the name, filled in with the current one."""
    answer = await read_profile(request, person)
    me = answer.body
    form = NameForm(
        version=answer.etag or "", first_name=me["first_name"], last_name=me["last_name"]
    )
    return render(request, "account/change_name.html", {"form": form})


@router.post("/{authority}/account/profile/name")
async def change_name(request: Request, person: SignedInPerson, form_data: CheckedForm) -> Response:
    """Change the name, unless it changed elsewhere since the form was filled in."""
    change = await _saved_change(request, person, form_data, NameForm(), "account/change_name.html")
    if isinstance(change, HTMLResponse):
        return change
    await leave_notice(request, person.session, NAME_CHANGED)
    return RedirectResponse(f"{authority_base(request)}/account/profile", status_code=303)


@router.get("/{authority}/account/profile/phone")
async def phone_page(request: Request, person: SignedInPerson) -> HTMLResponse:
    """The form to add, change or remove the phone number."""
    answer = await read_profile(request, person)
    form = PhoneForm(version=answer.etag or "", phone=answer.body.get("phone") or "")
    return render(request, "account/change_phone.html", {"form": form})


@router.post("/{authority}/account/profile/phone")
async def change_phone(
    request: Request, person: SignedInPerson, form_data: CheckedForm
) -> Response:
    """Change or remove the phone number, unless it changed elsewhere since."""
    template = "account/change_phone.html"
    change = await _saved_change(request, person, form_data, PhoneForm(), template)
    if isinstance(change, HTMLResponse):
        return change
    notice = PHONE_CHANGED if change["phone"] else PHONE_REMOVED
    await leave_notice(request, person.session, notice)
    return RedirectResponse(f"{authority_base(request)}/account/profile", status_code=303)


@router.get("/{authority}/account/profile/language")
async def language_page(request: Request, person: SignedInPerson) -> HTMLResponse:
    """The choice of the language emails and letters are written in."""
    answer = await read_profile(request, person)
    form = LanguageForm(version=answer.etag or "", language=answer.body.get("language") or "")
    return render(request, "account/change_language.html", {"form": form})


@router.post("/{authority}/account/profile/language")
async def change_language(
    request: Request, person: SignedInPerson, form_data: CheckedForm
) -> Response:
    """Keep the chosen language, and show the portal in it from now on."""
    template = "account/change_language.html"
    change = await _saved_change(request, person, form_data, LanguageForm(), template)
    if isinstance(change, HTMLResponse):
        return change
    await leave_notice(request, person.session, LANGUAGE_CHANGED)
    return RedirectResponse(
        f"{authority_base(request)}/account/profile?{LANGUAGE_PARAMETER}={change['language']}",
        status_code=303,
    )
