"""The devices signed in to the person's account here, and signing one of them out."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.account.dependencies import SignedInPerson
from web.account.identity import as_person, items_of
from web.account.notices import SESSION_ENDED, leave_notice, take_notice
from web.pages import authority_base, render
from web.sessions.dependencies import CheckedForm

router = APIRouter(include_in_schema=False)

# Identity names its sessions with hex ids: anything else is no session of this person's.
SESSION_ID = re.compile(r"^[0-9a-f]{8,64}$")


@router.get("/{authority}/account/sessions")
async def sessions(request: Request, person: SignedInPerson) -> HTMLResponse:
    """Each identity session still going here: device, address, when signed in and last used."""
    answer = await as_person(request, person, "GET", "/me/sessions")
    found = items_of(answer)
    notice = await take_notice(request, person.session)
    # This device first, then the others as identity ordered them (newest use first).
    ordered = sorted(found, key=lambda item: not item.get("current"))
    return render(request, "account/sessions.html", {"sessions": ordered, "notice": notice})


@router.post("/{authority}/account/sessions/sign-out")
async def sign_out_device(
    request: Request, person: SignedInPerson, form_data: CheckedForm
) -> Response:
    """End another of the person's sessions: that device must sign in again."""
    session_id = form_data.get("session")
    if isinstance(session_id, str) and SESSION_ID.match(session_id):
        answer = await as_person(request, person, "DELETE", f"/sessions/{session_id}")
        if answer.status == 204:
            await leave_notice(request, person.session, SESSION_ENDED)
    # Unknown or already ended: the list shows what is still going.
    return RedirectResponse(f"{authority_base(request)}/account/sessions", status_code=303)
