"""Security headers on every response the gateway sends."""

import re
from collections.abc import Callable

from starlette.types import Scope

from contracts.fields import AUTHORITY_SLUG
from kit.middleware import Headers, ResponseHeaders, add_missing

API_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)
# The interactive API document loads its page script and styles from this origin only.
DOCS_CSP = (
    b"default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# API answers carry people's records, tokens and codes: kept by no cache, unless the answer
# sets its own caching.
NO_STORE = (b"cache-control", b"no-store")
API_PATH = re.compile(rf"^/(?:{AUTHORITY_SLUG}/)?api/")


def behind_tls(scope: Scope) -> bool:
    """Whether the client reached us over HTTPS, directly or through a TLS-terminating proxy."""
    if scope.get("scheme") == "https":
        return True
    for name, value in scope.get("headers") or []:
        if name == b"x-forwarded-proto":
            return bool(value.strip().lower() == b"https")
    return False


def security_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The headers every response to this request carries."""
    extra = list(API_HEADERS)
    if scope["path"].endswith("/docs"):
        extra = [(k, DOCS_CSP if k == b"content-security-policy" else v) for k, v in extra]
    if behind_tls(scope):
        extra.append(HSTS)
    if API_PATH.match(scope["path"]):
        extra.append(NO_STORE)
    return extra


class SecurityHeaders(ResponseHeaders):
    """Adds the headers, keeping any the response set itself."""

    def change(self, scope: Scope) -> Callable[[Headers], Headers]:
        """Add this request's security headers."""
        extra = security_headers(scope)
        return lambda headers: add_missing(headers, extra)
