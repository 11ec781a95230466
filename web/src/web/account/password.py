"""Changing the password of the signed-in person."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.dependencies import SignedInPerson
from web.account.identity import as_person
from web.account.notices import PASSWORD_CHANGED, leave_notice
from web.account.password_forms import PasswordChangeForm
from web.account.registration import password_rules
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)


async def _password_page(
    request: Request, authority: str, form: PasswordChangeForm, *, status: int = 200
) -> HTMLResponse:
    rules = await password_rules(request, authority)
    context = {"form": form, "rules": rules}
    return render(request, "account/change_password.html", context, status=status)


@router.get("/{authority}/account/password")
async def password_page(request: Request, person: SignedInPerson) -> HTMLResponse:
    """The form to change the password, with identity's rules for a new one."""
    return await _password_page(request, person.tokens.authority, PasswordChangeForm())


@router.post("/{authority}/account/password")
async def change_password(
    request: Request, person: SignedInPerson, form_data: CheckedForm
) -> Response:
    """Ask identity to change it; identity signs out every other device of the person."""
    form = PasswordChangeForm()
    body = form.read(form_data)
    if body is None:
        return await _password_page(request, person.tokens.authority, form, status=400)
    answer = await as_person(request, person, "POST", "/me/password", body=body)
    if answer.status != 204:
        form.refused(answer.error_code, answer.error_details)
        return await _password_page(request, person.tokens.authority, form, status=400)
    await leave_notice(request, person.session, PASSWORD_CHANGED)
    return RedirectResponse(f"{authority_base(request)}/account/", status_code=303)
