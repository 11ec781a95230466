"""The front door (choose your authority) and an authority's home page."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.dependencies import SignInNeeded, signed_in_person
from web.authorities import PageAuthority, authority_cache
from web.gateway import AuthorityProfile
from web.i18n import gettext as _
from web.pages import render
from web.portal.forms import ChooseAuthority
from web.portal.services import offered_services
from web.roles import admin_links, casework_links, profile_of
from web.sessions.dependencies import CheckedForm, CurrentSession, FormSession
from web.sessions.service import OpenSession

router = APIRouter(include_in_schema=False)


@router.get("/")
async def front_door(request: Request, _session: FormSession) -> HTMLResponse:
    """Choose the authority whose portal you use."""
    authorities = await authority_cache(request).directory()
    return render(request, "portal/front_door.html", {"form": ChooseAuthority(authorities)})


@router.post("/")
async def choose_authority(request: Request, form_data: CheckedForm) -> Response:
    """Go to the chosen authority's portal (post-redirect-get)."""
    form = ChooseAuthority(await authority_cache(request).directory())
    chosen = form.validate(form_data)
    if chosen is None:
        return render(request, "portal/front_door.html", {"form": form}, status=400)
    return RedirectResponse(f"/{chosen.slug}/", status_code=303)


@router.get("/{authority}/")
async def home(request: Request, authority: PageAuthority, session: CurrentSession) -> HTMLResponse:
    """An authority's home page: who it is, how to reach it, and the services it offers."""
    tokens = session.record.signed_in if session is not None else None
    signed_in = tokens is not None and tokens.authority == authority.slug
    roles = await _roles(request, authority, session) if signed_in else []
    return render(
        request,
        "portal/home.html",
        {
            "services": offered_services(authority),
            "title": _("Housing services"),
            "signed_in": signed_in,
            "admin_links": admin_links(roles),
            "casework_links": casework_links(roles),
        },
    )


async def _roles(
    request: Request, authority: AuthorityProfile, session: OpenSession | None
) -> list[str]:
    """The signed-in person's roles here, for the links to the pages they may use."""
    try:
        person = await signed_in_person(request, authority, session)
    except SignInNeeded:
        return []
    roles = (await profile_of(request, person)).get("roles")
    return [str(role) for role in roles] if isinstance(roles, list) else []


@router.get("/{authority}")
async def home_without_slash(authority: PageAuthority) -> Response:
    """The home page's address written without its final slash."""
    return RedirectResponse(f"/{authority.slug}/", status_code=308)
