"""Security headers on every page: a per-request CSP nonce, no framing, no sniffing."""

import secrets
from collections.abc import Callable

from starlette.types import Scope

from kit.middleware import Headers, ResponseHeaders, add_missing

ASSETS_PREFIX = "/assets/"
CSP = b"content-security-policy"


def content_security_policy(nonce: str) -> str:
    """The page's policy: only our own files, and inline code only with this request's nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def nonce_of(scope: Scope) -> str:
    """This request's CSP nonce."""
    state: dict[str, object] = scope.setdefault("state", {})
    nonce = state.get("csp_nonce")
    if not isinstance(nonce, str):
        nonce = state["csp_nonce"] = secrets.token_urlsafe(18)
    return nonce


class SecurityHeaders(ResponseHeaders):
    """Adds the security headers; pages (never the versioned assets) are not stored by caches."""

    def change(self, scope: Scope) -> Callable[[Headers], Headers]:
        """This request's policy, with its nonce, in place of any the route set."""
        extra = [
            (CSP, content_security_policy(nonce_of(scope)).encode()),
            (b"referrer-policy", b"same-origin"),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), geolocation=(), microphone=()"),
        ]
        if not str(scope["path"]).startswith(ASSETS_PREFIX):
            # Pages show people's own records: no shared or back-button cache keeps them.
            extra.append((b"cache-control", b"no-store"))

        def secured(headers: Headers) -> Headers:
            # The page's policy is always the one with this request's nonce.
            own = [(name, value) for name, value in headers if name.lower() != CSP]
            return add_missing(own, extra)

        return secured
