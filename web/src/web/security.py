"""Security headers on every page: a per-request CSP nonce, no framing, no sniffing."""

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ASSETS_PREFIX = "/assets/"


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


class SecurityHeaders:
    """Adds the security headers; pages (never the versioned assets) are not stored by caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = nonce_of(scope)
        is_asset = str(scope["path"]).startswith(ASSETS_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"content-security-policy"
                ]
                present = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), geolocation=(), microphone=()"),
                ]
                if not is_asset:
                    # Pages show people's own records: no shared or back-button cache keeps them.
                    extra.append((b"cache-control", b"no-store"))
                headers += [(name, value) for name, value in extra if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
