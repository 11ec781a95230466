"""The session cookie: HttpOnly, SameSite=Lax, and Secure with the __Host- prefix behind TLS."""

from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response

PLAIN_NAME = "portal_session"
# Browsers accept a __Host- cookie only from a secure origin, for the whole site, with no
# Domain: no sibling site can plant or overwrite it.
SECURE_NAME = "__Host-portal_session"


def over_tls(connection: HTTPConnection) -> bool:
    """Whether the person reached the portal over HTTPS (the gateway says how it was reached)."""
    forwarded = connection.headers.get("x-forwarded-proto", "")
    return connection.url.scheme == "https" or forwarded.strip().lower() == "https"


def cookie_name(connection: HTTPConnection) -> str:
    """The session cookie's name for this connection."""
    return SECURE_NAME if over_tls(connection) else PLAIN_NAME


def session_id_of(connection: HTTPConnection) -> str | None:
    """The session id the browser presented, if any."""
    return connection.cookies.get(cookie_name(connection)) or None


@dataclass
class CookieChange:
    """What the response must tell the browser about its session cookie."""

    session_id: str | None  # None: remove the cookie


def apply(response: Response, connection: HTTPConnection, change: CookieChange) -> None:
    """Set or remove the session cookie on the response."""
    secure = over_tls(connection)
    name = cookie_name(connection)
    if change.session_id is None:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")
        return
    # No Max-Age: the cookie lasts the browser session; the server enforces the limits.
    response.set_cookie(
        name, change.session_id, path="/", secure=secure, httponly=True, samesite="lax"
    )
