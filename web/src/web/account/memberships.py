"""The housing services the person belongs to: joining another, and switching between them."""

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.dependencies import Person, SignedInPerson, tokens_from
from web.account.identity import as_person, items_of
from web.account.notices import AUTHORITY_JOINED, AUTHORITY_SWITCHED, leave_notice, take_notice
from web.account.registration_forms import Errors
from web.authorities import authority_cache
from web.gateway import AuthorityProfile
from web.i18n import gettext as _
from web.pages import authority_base, render
from web.roles import role_name
from web.sessions.dependencies import CheckedForm, replace_session_cookie, session_service

router = APIRouter(include_in_schema=False)


@dataclass
class MembershipForms(Errors):
    """The join and switch forms of the page, with an error on the field or button concerned."""

    chosen: str = ""

    def join_refused(self, code: str | None) -> None:
        """Explain identity's refusal to join."""
        messages = {
            "already_a_member": _("You already belong to this housing service"),
            "authority_not_found": _("Select a housing service that uses this portal"),
        }
        self.errors["authority"] = messages.get(
            code or "", _("Sorry, you could not join this housing service. Try again later")
        )

    def switch_refused(self, slug: str, name: str, code: str | None) -> None:
        """Explain identity's refusal to switch, on that service's button."""
        messages = {
            "second_factor_required": _(
                "%(name)s asks for a security code when you sign in. Sign out, then sign in "
                "to %(name)s"
            ),
            "access_restricted": _(
                "Your access to %(name)s has been restricted. Contact %(name)s for help"
            ),
            "account_inactive": _(
                "Your account with %(name)s is not active. Contact %(name)s for help"
            ),
            "not_a_member": _("You do not belong to %(name)s yet. Join it first"),
        }
        text = messages.get(
            code or "", _("Sorry, you could not switch to %(name)s. Try again later")
        )
        self.errors[f"switch-{slug}"] = text % {"name": name}


@dataclass
class Memberships:
    """The services the person belongs to, and those that use the portal they could join."""

    mine: list[dict[str, Any]] = field(default_factory=list)
    joinable: list[AuthorityProfile] = field(default_factory=list)


async def _memberships(request: Request, person: Person) -> Memberships:
    mine = items_of(await as_person(request, person, "GET", "/me/memberships"))
    belongs = {str(item.get("authority")) for item in mine}
    directory = await authority_cache(request).directory()
    for item in mine:
        item["role_names"] = [role_name(str(role)) for role in item.get("roles", [])]
    return Memberships(mine, [found for found in directory if found.slug not in belongs])


async def _page(
    request: Request, person: Person, forms: MembershipForms, *, status: int = 200
) -> HTMLResponse:
    found = await _memberships(request, person)
    notice = await take_notice(request, person.session) if status == 200 else None
    join_items = [
        {"value": found.slug, "text": found.name, "checked": found.slug == forms.chosen}
        for found in found.joinable
    ]
    context = {
        "memberships": found.mine,
        "joinable": found.joinable,
        "join_items": join_items,
        "forms": forms,
        "notice": notice,
    }
    return render(request, "account/authorities.html", context, status=status)


@router.get("/{authority}/account/authorities")
async def authorities(request: Request, person: SignedInPerson) -> HTMLResponse:
    """The person's housing services, a switch to each other one, and the form to join one."""
    return await _page(request, person, MembershipForms())


@router.post("/{authority}/account/authorities/join")
async def join(request: Request, person: SignedInPerson, form_data: CheckedForm) -> Response:
    """Become an applicant of another housing service that uses the portal."""
    forms = MembershipForms()
    chosen = form_data.get("authority")
    joinable = {found.slug for found in (await _memberships(request, person)).joinable}
    if not isinstance(chosen, str) or chosen not in joinable:
        forms.errors["authority"] = _("Select the housing service you want to join")
        return await _page(request, person, forms, status=400)
    answer = await as_person(request, person, "POST", "/me/memberships", body={"authority": chosen})
    if answer.status != 201:
        forms.chosen = chosen
        forms.join_refused(answer.error_code)
        return await _page(request, person, forms, status=400)
    await leave_notice(request, person.session, AUTHORITY_JOINED)
    return RedirectResponse(f"{authority_base(request)}/account/authorities", status_code=303)


@router.post("/{authority}/account/authorities/switch")
async def switch(request: Request, person: SignedInPerson, form_data: CheckedForm) -> Response:
    """Tokens for the other service in place of this one's; its account page comes next."""
    chosen = form_data.get("authority")
    mine = {str(item.get("authority")): item for item in (await _memberships(request, person)).mine}
    if not isinstance(chosen, str) or chosen not in mine:
        return await _page(request, person, MembershipForms(), status=400)
    body = {"authority": chosen}
    answer = await as_person(request, person, "POST", "/sessions/switch", body=body)
    if answer.status != 200 or not isinstance(answer.body, dict):
        forms = MembershipForms()
        name = str(mine[chosen].get("authority_name", chosen))
        forms.switch_refused(chosen, name, answer.error_code)
        return await _page(request, person, forms, status=400)
    # The session here is left behind: end it, so no device list shows it going.
    await as_person(request, person, "DELETE", "/sessions/current")
    switched = await session_service(request).sign_in(person.session, tokens_from(answer.body))
    replace_session_cookie(request, switched)
    await leave_notice(request, switched, AUTHORITY_SWITCHED)
    return RedirectResponse(f"/{chosen}/account/", status_code=303)
