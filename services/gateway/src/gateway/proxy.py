"""`/{authority}/api/{service}/{path}` streamed to the service that owns it."""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

from starlette.types import Message, Receive, Scope, Send

from gateway.access import BlockedMembers
from gateway.limits import RequestRates, Verdict
from gateway.locations import names_a_location, public_headers, upstream_origins
from gateway.metrics import GATEWAY_REQUESTS, UPSTREAM_LATENCY
from gateway.operators import is_operator_path
from gateway.registry.models import Authority
from gateway.registry.view import RegistryView
from gateway.routing import RoutingTable, is_public
from gateway.upstream import (
    Headers,
    UpstreamClient,
    UpstreamError,
    UpstreamRefused,
    UpstreamResponse,
    UpstreamTimeout,
)
from kit import context
from kit.auth import TokenVerifier
from kit.authorities import AuthorityNotFound
from kit.errors import AppError, unexpected_error_response
from kit.metrics import series
from kit.middleware import record_request

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"x-authority",
        b"x-request-id",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        # The gateway answers a client's 100-continue itself when it reads the body.
        b"expect",
    }
)
RESPONSE_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"transfer-encoding",
        b"upgrade",
        b"trailer",
        b"x-request-id",
    }
)
# The gateway's own server sets these on every answer: the service's copies would repeat them.
UPSTREAM_ONLY = frozenset({b"date", b"server"})
# nginx's code for a request whose client left before it could be answered.
CLIENT_CLOSED_REQUEST = 499
# Answers up to this size are read whole and sent in one piece; larger ones are streamed.
SMALL_BODY = 64 * 1024
# Room for multipart boundaries and form fields around an uploaded file.
MULTIPART_ALLOWANCE = 1024 * 1024


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    request_id: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer with the standard error body."""
    body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", request_id.encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def send_authority_not_found(send: Send, *, request_id: str) -> None:
    """Answer that no active authority has this address."""
    await send_error(
        send,
        AuthorityNotFound.status,
        AuthorityNotFound.code,
        AuthorityNotFound.message,
        request_id=request_id,
    )


async def send_not_found(send: Send, *, request_id: str) -> None:
    """Answer that nothing is served at this address."""
    await send_error(send, 404, "not_found", "Not found.", request_id=request_id)


class Proxy:
    """Resolves the authority, checks the token, picks the upstream and streams both ways."""

    def __init__(
        self,
        registry: RegistryView,
        routing: RoutingTable,
        verifier: TokenVerifier,
        *,
        connect_timeout: float,
        read_timeout: float,
        connections: int,
        idle_timeout: float,
        json_limit: int,
        rates: RequestRates,
        blocked: BlockedMembers,
    ) -> None:
        self.registry = registry
        self.routing = routing
        self.verifier = verifier
        self.client = UpstreamClient(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            connections=connections,
            idle_timeout=idle_timeout,
        )
        self.json_limit = json_limit
        self.rates = rates
        self.blocked = blocked

    def body_limit(self, authority: Authority, service: str, method: str) -> int:
        """Largest body accepted: uploads to documents use the authority's limit."""
        if service == "documents" and method in {"POST", "PUT"}:
            return authority.uploads.max_bytes + MULTIPART_ALLOWANCE
        return self.json_limit

    async def close(self) -> None:
        """Close the upstream connections."""
        await self.client.close()

    async def __call__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        slug: str,
        service: str,
        path: str,
        extra_headers: Headers,
    ) -> None:
        """Serve one proxied request: its request id, headers, measures and access log.

        `extra_headers` (security and CORS headers) go on every response unless the service
        set a header of the same name itself.
        """
        route = f"/{{authority}}/api/{service}"
        request_id = context.accept_request_id(request_header(scope, b"x-request-id"))
        tokens = (context.request_id.set(request_id), context.authority.set(None))
        added = [*extra_headers, (b"x-request-id", request_id.encode())]
        status = 500
        responded = False
        started = time.perf_counter()

        async def respond(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                responded = True
                status = int(message["status"])
                headers: Headers = message["headers"]
                present = {name for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
            await send(message)

        try:
            await self._serve(
                scope,
                receive,
                respond,
                slug=slug,
                service=service,
                path=path,
                request_id=request_id,
            )
        except ClientGone:
            status = CLIENT_CLOSED_REQUEST  # nobody is left to answer
        except Exception as exc:
            if responded:
                raise  # the status is sent: the connection is cut instead
            await unexpected_error_response(exc)(scope, receive, respond)
        finally:
            known = slug if self.registry.get(slug) is not None else "unknown"
            series(GATEWAY_REQUESTS, known, service, str(status)).inc()
            record_request("gateway", scope["method"], route, status, time.perf_counter() - started)
            context.request_id.reset(tokens[0])
            context.authority.reset(tokens[1])

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        slug: str,
        service: str,
        path: str,
        request_id: str,
    ) -> None:
        if not self.registry.loaded.is_set():
            await send_error(
                send,
                503,
                "starting",
                "The portal is starting; try again in a moment.",
                request_id=request_id,
                headers={"Retry-After": "2"},
            )
            return
        authority = self.registry.get(slug)
        if authority is None or authority.status != "active":
            await send_authority_not_found(send, request_id=request_id)
            return
        if (
            not self.routing.knows(service)
            or not authority.serves(service)
            or is_operator_path(path)
        ):
            await send_not_found(send, request_id=request_id)
            return
        context.authority.set(slug)
        method: str = scope["method"]
        address = self.rates.client(scope)
        verdict = self.rates.check_address(address, method=method, service=service, path=path)
        if await self._refuse_over_limit(send, verdict, request_id):
            return
        user: str | None = None
        if not is_public(service, method, path):
            try:
                header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
                scheme, _, token = header.partition(" ")
                if scheme.lower() != "bearer" or not token.strip():
                    raise AppError(
                        "Sign in to continue.",
                        code="unauthorized",
                        status=401,
                        headers={"WWW-Authenticate": 'Bearer realm="housing-portal"'},
                    )
                principal = await self.verifier.verify(token.strip(), authority=slug)
                user = principal.user_id
                context.user_id.set(user)
                if self.blocked.is_blocked(slug, user):
                    raise AppError(
                        "Your access to this service has been restricted or your account "
                        "is inactive. Contact the housing team for help.",
                        code="access_restricted",
                        status=403,
                    )
            except AppError as error:
                await send_error(
                    send,
                    error.status,
                    error.code,
                    error.message,
                    request_id=request_id,
                    headers=error.headers,
                )
                return
        if user is not None and await self._refuse_over_limit(
            send, self.rates.check_user(user), request_id
        ):
            return
        limit = self.body_limit(authority, service, method)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse_too_large(send, limit, request_id=request_id)
            return
        refused: str | None = None
        # A member that refuses the connection got nothing: take it out and, for a request
        # without a body, try another member once.
        for _ in range(2):
            upstream = self.routing.pick(authority, service, avoid=refused)
            if upstream is None:
                await send_error(
                    send,
                    503,
                    "no_upstream",
                    "This service is temporarily unavailable.",
                    request_id=request_id,
                    headers={"Retry-After": "5"},
                )
                return
            try:
                await self._forward(
                    scope,
                    receive,
                    send,
                    upstream,
                    path,
                    authority=authority,
                    request_id=request_id,
                    limit=limit,
                    service=service,
                    address=address,
                )
                return
            except UpstreamUnreachable:
                self.routing.health.mark_down(upstream)
                refused = upstream
                if _has_body(scope):
                    break
        await send_error(
            send,
            503,
            "upstream_unavailable",
            "This service is temporarily unavailable.",
            request_id=request_id,
            headers={"Retry-After": "5"},
        )

    async def _refuse_over_limit(self, send: Send, verdict: Verdict, request_id: str) -> bool:
        """Answer 429 if a limit refused the request; say whether it did."""
        if verdict.allowed:
            return False
        await send_error(
            send,
            429,
            "too_many_requests",
            "Too many requests; try again shortly.",
            request_id=request_id,
            headers={"Retry-After": str(verdict.retry_after)},
        )
        return True

    async def _forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        upstream: str,
        path: str,
        *,
        authority: Authority,
        request_id: str,
        limit: int,
        service: str,
        address: str,
    ) -> None:
        headers: Headers = [
            (name, value) for name, value in scope["headers"] if name not in HOP_BY_HOP
        ]
        host = b""
        chunked = False
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"transfer-encoding":
                chunked = True
        headers += [
            (b"x-request-id", request_id.encode()),
            (b"x-authority", authority.slug.encode()),
            (b"x-forwarded-for", address.encode("latin-1")),
            (b"x-forwarded-proto", str(scope.get("scheme", "http")).encode("latin-1")),
            (b"x-forwarded-host", host),
        ]
        if chunked:
            headers.append((b"transfer-encoding", b"chunked"))
        target = _raw_target(scope, path)
        query: bytes = scope.get("query_string", b"")
        if query:
            target += b"?" + query
        body = RequestBody(receive, limit=limit) if chunked or _has_body(scope) else None
        forwarded_at = time.perf_counter()
        try:
            response = await self.client.request(
                upstream,
                scope["method"],
                target,
                headers,
                body=body.chunks() if body is not None else None,
                chunked=chunked,
            )
        except UpstreamRefused as error:
            raise UpstreamUnreachable(upstream) from error
        except (UpstreamError, BodyTooLarge) as error:
            if body is not None and body.too_large:
                await _refuse_too_large(send, limit, request_id=request_id)
            elif isinstance(error, UpstreamTimeout):
                await send_error(
                    send,
                    504,
                    "upstream_timeout",
                    "The service took too long to answer.",
                    request_id=request_id,
                )
            else:
                await send_error(
                    send,
                    503,
                    "upstream_unavailable",
                    "This service is temporarily unavailable.",
                    request_id=request_id,
                    headers={"Retry-After": "5"},
                )
            return
        series(UPSTREAM_LATENCY, service).observe(time.perf_counter() - forwarded_at)
        response_headers = [
            (name, value)
            for name, value in response.headers
            if name not in RESPONSE_HOP_BY_HOP and name not in UPSTREAM_ONLY
        ]
        if names_a_location(response_headers):
            # A service names itself by the address it was reached at: an internal one.
            response_headers = public_headers(
                response_headers,
                api_root=_api_root(scope, authority.slug),
                service=service,
                upstreams=upstream_origins(self.routing.pools(authority), answering=service),
            )
        await send(
            {"type": "http.response.start", "status": response.status, "headers": response_headers}
        )
        if response.complete or _small(response):
            await send({"type": "http.response.body", "body": await response.read()})
            return
        finished = await _stream_unless_client_leaves(
            response, send, receive if body is None or body.done else None
        )
        if not finished:
            response.abandon()  # the client left: stop pulling from the service


async def _refuse_too_large(send: Send, limit: int, *, request_id: str) -> None:
    await send_error(
        send,
        413,
        "payload_too_large",
        f"The request is larger than the {limit} bytes accepted here.",
        request_id=request_id,
    )


def _api_root(scope: Scope, slug: str) -> str:
    """Where the services are mounted for this request: under the authority, or its own host."""
    root = f"/{slug}/api/"
    return root if str(scope["path"]).startswith(root) else "/api/"


def _raw_target(scope: Scope, path: str) -> bytes:
    """The service path as the client wrote it (still percent-encoded).

    `path` is the decoded rest of the URL after `/{authority}/api/{service}` (or `/api/{service}`
    on an authority's own host name); the same number of segments is taken off the raw path.
    """
    full: str = scope["path"]
    raw: bytes = scope.get("raw_path") or full.encode("utf-8")
    segments = full[: len(full) - len(path)].count("/")
    parts = raw.split(b"/", segments + 1)
    return b"/" + parts[-1] if len(parts) == segments + 2 else b"/"


def request_header(scope: Scope, name: bytes) -> str | None:
    """A request header's value, if the client sent it."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _content_length(scope: Scope) -> int | None:
    """The declared body length, if the client declared one."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _small(response: UpstreamResponse) -> bool:
    """Whether the answer's declared length is small enough to pass on in one piece."""
    for name, value in response.headers:
        if name == b"content-length":
            return value.isdigit() and int(value) <= SMALL_BODY
    return False


class UpstreamUnreachable(Exception):
    """The upstream did not accept the connection, so it received nothing."""


def _has_body(scope: Scope) -> bool:
    """Whether the client sends a request body."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


async def _stream_unless_client_leaves(
    upstream: UpstreamResponse, send: Send, receive: Receive | None
) -> bool:
    """Relay the response body; stop early if the client disconnects. Say if it finished."""

    async def relay() -> None:
        async for chunk in upstream.chunks():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    if receive is None:
        await relay()
        return True

    async def client_left() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    relaying = asyncio.create_task(relay())
    watching = asyncio.create_task(client_left())
    try:
        await asyncio.wait({relaying, watching}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (relaying, watching):
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    if relaying.cancelled():
        return False
    relaying.result()
    return True


class ClientGone(Exception):
    """The client disconnected while sending its body."""


class RequestBody:
    """The client's body, chunk by chunk, never held whole, cut off past the limit."""

    def __init__(self, receive: Receive, *, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.received = 0
        self.too_large = False
        self.done = False

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives."""
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientGone()
            body = message.get("body", b"")
            self.received += len(body)
            if self.received > self.limit:
                self.too_large = True
                raise BodyTooLarge()
            if body:
                yield body
            if not message.get("more_body", False):
                self.done = True
                return


class BodyTooLarge(Exception):
    """The body went past its limit while streaming."""
