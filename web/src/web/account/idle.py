"""The idle limit: the page that says a session ended for it, and staying signed in."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web.authorities import PageAuthority
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm, CurrentSession, session_service

router = APIRouter(include_in_schema=False)

# The script that warns, with JavaScript on, before the limit is reached.
WARNING_SCRIPT = "idle-warning.js"


def return_path(request: Request, value: object) -> str:
    """Where to go back to after staying signed in: a page of this authority, else the account."""
    base = authority_base(request)
    account = f"{base}/account/"
    if not isinstance(value, str) or not value.startswith(f"{base}/") or value.startswith("//"):
        return account
    if "\\" in value or any(ord(character) < 32 for character in value):
        return account
    return value


@router.get("/{authority}/account/timed-out")
async def timed_out(
    request: Request, authority: PageAuthority, session: CurrentSession
) -> Response:
    """The person was signed out for not doing anything for the idle limit."""
    tokens = session.record.signed_in if session is not None else None
    if tokens is not None and tokens.authority == authority.slug:
        # Still signed in (another tab kept the session in use): nothing timed out.
        return RedirectResponse(f"{authority_base(request)}/account/", status_code=303)
    minutes = int(session_service(request).idle.total_seconds() // 60)
    return render(request, "account/timed_out.html", {"minutes": minutes})


@router.post("/{authority}/account/stay-signed-in")
async def stay_signed_in(
    request: Request, authority: PageAuthority, form_data: CheckedForm, session: CurrentSession
) -> Response:
    """Count the session as used now, and go back to the page the person was on."""
    if session is not None:
        await session_service(request).keep_alive(session)
    target = return_path(request, form_data.get("return_to"))
    return RedirectResponse(target, status_code=303)
