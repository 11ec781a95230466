"""ASGI middleware: request ids, request context, timing metrics, access logs, and a base for
middleware that changes the headers of each response."""

import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit import context, logs
from kit.errors import unexpected_error_response
from kit.metrics import REQUEST_DURATION, series

access_log = logs.get_logger("kit.access")

UNMATCHED_ROUTE = "unmatched"
UNLOGGED_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
NO_STORE = (b"cache-control", b"no-store")


def record_request(service: str, method: str, route: str, status: int, elapsed: float) -> None:
    """Measure one answered request and write its access-log line."""
    series(REQUEST_DURATION, service, method, route, str(status)).observe(elapsed)
    if route in UNLOGGED_ROUTES:
        return
    logs.info_line(
        access_log,
        "request",
        {
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
        },
    )


def with_no_store(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers, with `Cache-Control: no-store` on JSON that sets no caching of its own."""
    # Services answer with people's records, tokens and codes: no cache may keep them.
    json_body = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"cache-control":
            return headers
        if lowered == b"content-type":
            json_body = value.split(b";", 1)[0].strip().lower().endswith(b"json")
    return [*headers, NO_STORE] if json_body else headers


Headers = list[tuple[bytes, bytes]]


def add_missing(headers: Headers, extra: Headers) -> Headers:
    """The headers, with each extra one the response did not set itself."""
    present = {name.lower() for name, _ in headers}
    return [*headers, *((name, value) for name, value in extra if name not in present)]


class ResponseHeaders:
    """Middleware that changes the headers of every HTTP response as it starts.

    A subclass says, once per request, how: `change(scope)` returns a function from the
    response's headers to the headers sent, called when the response starts (so it sees what
    the route decided meanwhile, through the scope's state).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def change(self, scope: Scope) -> Callable[[Headers], Headers]:
        """How this request's response headers are changed."""
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        change = self.change(scope)

        async def send_changed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = change(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_changed)


class RequestMiddleware:
    """Keeps or makes the request id, sets the log context, measures and logs each request."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = context.accept_request_id(
            headers.get(b"x-request-id", b"").decode("latin-1") or None
        )
        authority = headers.get(b"x-authority", b"").decode("latin-1")[:63] or None
        tokens = (
            context.request_id.set(request_id),
            context.authority.set(authority),
        )
        status = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                message.setdefault("headers", [])
                headers = [
                    (name, value)
                    for name, value in message["headers"]
                    if name.lower() != b"x-request-id"
                ] + [(b"x-request-id", request_id.encode())]
                message["headers"] = with_no_store(headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception as exc:
            # Rendered here, not by Starlette's outermost handler, so that the 500 carries the
            # request id and its log line the request context, which are reset below.
            if response_started:
                raise
            await unexpected_error_response(exc)(scope, receive, send_with_request_id)
        finally:
            route = scope.get("route")
            record_request(
                self.service,
                scope["method"],
                getattr(route, "path", None) or UNMATCHED_ROUTE,
                status,
                time.perf_counter() - started,
            )
            context.request_id.reset(tokens[0])
            context.authority.reset(tokens[1])
