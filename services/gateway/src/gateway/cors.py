"""Cross-origin requests: allowed only from the origins an authority lists."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.registry.models import Authority

ALLOWED_METHODS = b"GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = (
    b"authorization, content-type, idempotency-key, if-match, if-none-match, x-request-id"
)
EXPOSED_HEADERS = b"etag, location, retry-after, x-request-id"
PREFLIGHT_MAX_AGE = b"600"


def request_origin(scope: Scope) -> str | None:
    """The Origin header, if the browser sent one."""
    for name, value in scope["headers"]:
        if name == b"origin":
            return str(value.decode("latin-1"))
    return None


def is_preflight(scope: Scope) -> bool:
    """A browser asking whether it may send a cross-origin request."""
    if scope["method"] != "OPTIONS":
        return False
    return any(name == b"access-control-request-method" for name, _ in scope["headers"])


async def answer_preflight(send: Send, origin: str | None, authority: Authority) -> None:
    """Tell the browser what it may send, if its origin is one the authority lists."""
    headers = [(b"vary", b"origin"), (b"content-length", b"0")]
    if origin is not None and origin in authority.cors_origins:
        headers += [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-allow-methods", ALLOWED_METHODS),
            (b"access-control-allow-headers", ALLOWED_HEADERS),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE),
        ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def cors_headers(origin: str | None, authority: Authority | None) -> list[tuple[bytes, bytes]]:
    """What makes a response readable by the requesting origin, if the authority lists it."""
    if origin is None or authority is None or origin not in authority.cors_origins:
        return []
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", EXPOSED_HEADERS),
        (b"vary", b"origin"),
    ]


async def with_cors(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, authority: Authority | None
) -> None:
    """Run the request; mark the response readable by a listed origin."""
    added = cors_headers(request_origin(scope), authority)
    if not added:
        await app(scope, receive, send)
        return

    async def send_with_cors(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *added]
        await send(message)

    await app(scope, receive, send_with_cors)
