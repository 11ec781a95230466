"""`/{authority}/api/{service}/{path}` streamed to the service that owns it, and every page to
the web pool."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.types import Message, Receive, Scope, Send

from gateway.access import BlockedMembers
from gateway.errors import (
    AccessRestricted,
    NoUpstream,
    PayloadTooLarge,
    PortalStarting,
    TooManyRequests,
    UpstreamTimedOut,
    UpstreamUnavailable,
)
from gateway.limits import RequestRates, Verdict
from gateway.locations import names_a_location, public_headers, upstream_origins
from gateway.metrics import GATEWAY_REQUESTS, UPSTREAM_LATENCY
from gateway.operators import is_operator_path
from gateway.registry.models import Authority
from gateway.registry.view import RegistryView
from gateway.routing import WEB, RoutingTable, is_public
from gateway.upstream import (
    Headers,
    UpstreamClient,
    UpstreamError,
    UpstreamRefused,
    UpstreamResponse,
    UpstreamTimeout,
)
from kit import context
from kit.auth import TokenVerifier, parse_bearer
from kit.authorities import AuthorityNotFound
from kit.errors import AppError, NotFound, app_error_response, unexpected_error_response
from kit.metrics import series
from kit.middleware import record_request
from kit.uploads import is_page_upload, upload_body_limit

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
        """Largest body accepted: uploads to documents use the authority's limit, the same
        one the documents service applies."""
        if service == "documents" and method in {"POST", "PUT"}:
            return upload_body_limit(authority.uploads.max_bytes)
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

        async def serve(respond: Send, request_id: str) -> None:
            await self._serve(
                scope,
                receive,
                respond,
                slug=slug,
                service=service,
                path=path,
                request_id=request_id,
            )

        await self._answer(
            scope,
            receive,
            send,
            serve,
            route=f"/{{authority}}/api/{service}",
            slug=slug,
            service=service,
            extra_headers=extra_headers,
        )

    async def page(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        authority: Authority | None,
        extra_headers: Headers,
    ) -> None:
        """Serve one request for the portal's pages (None: no authority, the front door)."""

        async def serve(respond: Send, request_id: str) -> None:
            await self._serve_page(
                scope, receive, respond, authority=authority, request_id=request_id
            )

        await self._answer(
            scope,
            receive,
            send,
            serve,
            route="/{page}",
            slug=authority.slug if authority is not None else "",
            service=WEB,
            extra_headers=extra_headers,
        )

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        serve: Callable[[Send, str], Awaitable[None]],
        *,
        route: str,
        slug: str,
        service: str,
        extra_headers: Headers,
    ) -> None:
        """Run `serve` with the request's id, headers, measures, access log and refusals."""
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
            await serve(respond, request_id)
        except ClientGone:
            status = CLIENT_CLOSED_REQUEST  # nobody is left to answer
        except Exception as exc:
            if responded:
                raise  # the status is sent: the connection is cut instead
            refusal = (
                app_error_response(exc)
                if isinstance(exc, AppError)
                else unexpected_error_response(exc)
            )
            await refusal(scope, receive, respond)
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
        """Check the request step by step, then forward it; a check that fails raises."""
        authority = self._active_authority(slug)
        self._check_served(authority, service, path)
        context.authority.set(slug)
        method: str = scope["method"]
        # A request without credentials for a route that needs them is refused before it is
        # counted: saying so costs less than counting it, and is the answer the client needs.
        token = (
            None
            if is_public(service, method, path)
            else parse_bearer(request_header(scope, b"authorization") or "")
        )
        address = self.rates.client(scope)
        _check_rate(self.rates.check_address(address, method=method, service=service, path=path))
        if token is not None:
            principal = await self.verifier.verify(token, authority=slug)
            self._check_member(slug, principal.user_id)
            _check_rate(self.rates.check_user(principal.user_id))
        limit = self._check_declared_size(scope, authority, service, method)
        await self._forward_to_pool(
            scope,
            receive,
            send,
            path,
            authority=authority,
            service=service,
            request_id=request_id,
            limit=limit,
            address=address,
            api_root=_api_root(scope, authority.slug),
        )

    async def _serve_page(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        authority: Authority | None,
        request_id: str,
    ) -> None:
        """Forward a page request whole (its full path) to the web pool."""
        if not self.registry.loaded.is_set():
            raise PortalStarting()
        path: str = scope["path"]
        address = self.rates.client(scope)
        _check_rate(
            self.rates.check_address(address, method=scope["method"], service=WEB, path=path)
        )
        limit = self.json_limit
        if authority is not None and is_page_upload(scope["method"], path):
            limit = upload_body_limit(authority.uploads.max_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            raise PayloadTooLarge(limit=limit)
        await self._forward_to_pool(
            scope,
            receive,
            send,
            path,
            authority=authority,
            service=WEB,
            request_id=request_id,
            limit=limit,
            address=address,
            api_root=None,
        )

    async def _forward_to_pool(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        *,
        authority: Authority | None,
        service: str,
        request_id: str,
        limit: int,
        address: str,
        api_root: str | None,
    ) -> None:
        """Forward to a member of the pool, trying another once if the first refuses."""
        refused: str | None = None
        # A member that refuses the connection got nothing: take it out and, for a request
        # without a body, try another member once.
        for _ in range(2):
            upstream = self._pick(authority, service, avoid=refused)
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
                    api_root=api_root,
                )
                return
            except UpstreamUnreachable:
                self.routing.health.mark_down(upstream)
                refused = upstream
                if _has_body(scope):
                    break
        raise UpstreamUnavailable()

    def _active_authority(self, slug: str) -> Authority:
        """The active authority at this address, once the registry is loaded."""
        if not self.registry.loaded.is_set():
            raise PortalStarting()
        authority = self.registry.get(slug)
        if authority is None or authority.status != "active":
            raise AuthorityNotFound()
        return authority

    def _check_served(self, authority: Authority, service: str, path: str) -> None:
        """Refuse a service the authority does not use, and the services' operator paths."""
        if (
            not self.routing.knows(service)
            or not authority.serves(service)
            or is_operator_path(path)
        ):
            raise NotFound()

    def _check_member(self, slug: str, user_id: str) -> None:
        """Refuse a member identity has deactivated or restricted since the token was issued."""
        context.user_id.set(user_id)
        if self.blocked.is_blocked(slug, user_id):
            raise AccessRestricted()

    def _check_declared_size(
        self, scope: Scope, authority: Authority, service: str, method: str
    ) -> int:
        """The body limit for this request, refusing a body declared larger at once."""
        limit = self.body_limit(authority, service, method)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            raise PayloadTooLarge(limit=limit)
        return limit

    def _pick(self, authority: Authority | None, service: str, *, avoid: str | None) -> str:
        """The pool member to forward to."""
        upstream = self.routing.pick(authority, service, avoid=avoid)
        if upstream is None:
            raise NoUpstream()
        return upstream

    async def _forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        upstream: str,
        path: str,
        *,
        authority: Authority | None,
        request_id: str,
        limit: int,
        service: str,
        address: str,
        api_root: str | None,
    ) -> None:
        """Send the request to one upstream and relay its answer.

        `api_root` is where the services are mounted for this request; None for pages, whose
        locations the web service already writes in the portal's own addresses.
        """
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
            *([(b"x-authority", authority.slug.encode())] if authority is not None else []),
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
                raise PayloadTooLarge(limit=limit) from error
            if isinstance(error, UpstreamTimeout):
                raise UpstreamTimedOut() from error
            raise UpstreamUnavailable() from error
        series(UPSTREAM_LATENCY, service).observe(time.perf_counter() - forwarded_at)
        response_headers = [
            (name, value)
            for name, value in response.headers
            if name not in RESPONSE_HOP_BY_HOP and name not in UPSTREAM_ONLY
        ]
        if authority is not None and api_root is not None and names_a_location(response_headers):
            # A service names itself by the address it was reached at: an internal one.
            response_headers = public_headers(
                response_headers,
                api_root=api_root,
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


def _check_rate(verdict: Verdict) -> None:
    """Refuse a request a rate limit did not allow."""
    if not verdict.allowed:
        raise TooManyRequests(retry_after=verdict.retry_after)


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
