"""Forms are posted only from the portal's own pages: a CSRF token, and the Origin checked."""

import hmac
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from web.sessions.service import OpenSession

CSRF_FIELD = "csrf_token"


def own_origin(connection: HTTPConnection) -> str:
    """The portal's origin as the person's browser sees it (the gateway says how it was reached)."""
    headers = connection.headers
    scheme = headers.get("x-forwarded-proto") or connection.url.scheme
    host = headers.get("x-forwarded-host") or headers.get("host", "")
    return f"{scheme.strip().lower()}://{host.strip().lower()}"


def same_origin(connection: HTTPConnection) -> bool:
    """Whether a post comes from the portal's own pages, by its Origin (else its Referer)."""
    origin = connection.headers.get("origin")
    if origin is None or origin == "null":
        referer = connection.headers.get("referer")
        if referer is None:
            # Browsers send Origin with every form post; without both the token still decides.
            return origin is None
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin.strip().lower() == own_origin(connection)


def token_matches(session: OpenSession | None, submitted: object) -> bool:
    """Whether the form carried this session's CSRF token."""
    if session is None or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(session.record.csrf_token.encode(), submitted.encode())
