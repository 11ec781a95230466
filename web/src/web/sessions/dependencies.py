"""What a route declares to use the browser's session: `CurrentSession`, `FormSession`,
`CheckedForm`."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel
from starlette.datastructures import FormData
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Scope

from kit.middleware import Headers, ResponseHeaders
from web.sessions import cookies
from web.sessions.csrf import CSRF_FIELD, same_origin, token_matches
from web.sessions.errors import FormRefused
from web.sessions.service import OpenSession, SessionService

COOKIE_CHANGE = "session_cookie_change"
RESUMED = "browser_session"
# Set when the browser's signed-in session ended on this request for being unused too long.
TIMED_OUT = "session_timed_out"


def session_service(request: Request) -> SessionService:
    """This worker's session rules over the web's store."""
    service: SessionService = request.app.state.sessions
    return service


async def current_session(request: Request) -> OpenSession | None:
    """The browser's session, if it has one that has not ended."""
    state = request.state
    if hasattr(state, RESUMED):
        resumed: OpenSession | None = getattr(state, RESUMED)
        return resumed
    session_id = cookies.session_id_of(request)
    found = await session_service(request).resume_noting_timeout(session_id) if session_id else None
    session = found.session if found is not None else None
    setattr(state, TIMED_OUT, found is not None and found.timed_out)
    if session is None and session_id:
        # The browser holds an id that has ended: take it away.
        setattr(state, COOKIE_CHANGE, cookies.CookieChange(None))
    setattr(state, RESUMED, session)
    return session


async def form_session(request: Request) -> OpenSession:
    """The browser's session, started now if it has none: every form needs its CSRF token."""
    session = await current_session(request)
    if session is None:
        session = await session_service(request).start()
        setattr(request.state, RESUMED, session)
        setattr(request.state, COOKIE_CHANGE, cookies.CookieChange(session.session_id))
    return session


async def checked_form(request: Request) -> FormData:
    """The posted form, once its origin and CSRF token show it came from the portal's page."""
    if not same_origin(request):
        raise FormRefused()
    form = await request.form()
    session = await current_session(request)
    if not token_matches(session, form.get(CSRF_FIELD)):
        raise FormRefused()
    return form


def timed_out(request: Request) -> bool:
    """Whether the browser's signed-in session ended on this request for being unused too long."""
    return bool(getattr(request.state, TIMED_OUT, False))


def replace_session_cookie(request: Request, session: OpenSession | None) -> None:
    """Tell the browser its new session id (after renewing) or to forget it (None)."""
    setattr(request.state, RESUMED, session)
    change = cookies.CookieChange(session.session_id if session is not None else None)
    setattr(request.state, COOKIE_CHANGE, change)


async def keep_on_session(
    request: Request, session: OpenSession, **steps: BaseModel | None
) -> OpenSession:
    """Keep journey steps on the browser's session (None forgets one), for this request too."""
    kept = await session_service(request).keep(session, **steps)
    setattr(request.state, RESUMED, kept)
    return kept


CurrentSession = Annotated[OpenSession | None, Depends(current_session)]
FormSession = Annotated[OpenSession, Depends(form_session)]
CheckedForm = Annotated[FormData, Depends(checked_form)]


class SessionCookie(ResponseHeaders):
    """Sends the session cookie a route's dependencies decided on, whatever the response."""

    def change(self, scope: Scope) -> Callable[[Headers], Headers]:
        """Add the cookie the route decided on, once it has."""

        def with_cookie(headers: Headers) -> Headers:
            change = scope.get("state", {}).get(COOKIE_CHANGE)
            if change is None:
                return headers
            carrier = Response()
            cookies.apply(carrier, HTTPConnection(scope), change)
            return [*headers, *(h for h in carrier.raw_headers if h[0] == b"set-cookie")]

        return with_cookie
