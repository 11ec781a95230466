"""The gateway's ASGI app: its own routes, and every `/{authority}/api/...` proxied."""

import asyncio
import re
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.fields import AUTHORITY_SLUG
from gateway.access import INDEXES as ACCESS_INDEXES
from gateway.access import BlockedMembers, BlockedMembersLoader, access_subscription
from gateway.api_document import ApiDocument
from gateway.api_document import serve as serve_api_document
from gateway.config import Settings, settings
from gateway.cors import (
    answer_preflight,
    cors_headers,
    is_preflight,
    request_origin,
    with_cors,
)
from gateway.headers import SecurityHeaders, security_headers
from gateway.limits import RateLimiter, RequestRates, Rule, default_state_path
from gateway.operators import is_operator_path, on_operations_port
from gateway.pools import UpstreamHealth
from gateway.proxy import Proxy, request_header
from gateway.registry.api import router as authorities_router
from gateway.registry.directory import router as directory_router
from gateway.registry.models import Authority
from gateway.registry.repository import INDEXES, AuthorityStore
from gateway.registry.seed import load_seed
from gateway.registry.service import RegistryService, announce_periodically
from gateway.registry.view import RegistryLoader, RegistryView
from gateway.routing import RoutingTable
from kit import context
from kit.app import Runtime, ServiceParts, create_app
from kit.auth import JwksCache, TokenVerifier
from kit.authorities import AuthorityNotFound
from kit.errors import AppError, NotFound, app_error_response
from kit.events.broadcast import MemoryCopy
from kit.middleware import RequestMiddleware

PROXIED = re.compile(rf"^/(?P<slug>{AUTHORITY_SLUG})/api/(?P<service>[a-z]+)(?P<path>/.*)?$")


@dataclass(frozen=True, slots=True)
class GatewayParts:
    """What every request reads, built once when the app is made."""

    operations: FastAPI
    registry: RegistryView
    proxy: Proxy
    api_document: ApiDocument


def create_gateway(settings: Settings) -> "Gateway":
    """Build the gateway from its settings: the proxy, the registry copy and its own app."""
    registry = RegistryView()
    blocked = BlockedMembers()
    upstream_health = UpstreamHealth(interval=settings.health_check_seconds)
    proxy = Proxy(
        registry,
        RoutingTable(settings.default_pools, health=upstream_health, web_pool=settings.web_pool),
        TokenVerifier(JwksCache(settings.jwks_url), issuer=settings.token_issuer),
        connect_timeout=settings.upstream_connect_timeout_seconds,
        read_timeout=settings.upstream_read_timeout_seconds,
        connections=settings.upstream_connections,
        idle_timeout=settings.upstream_idle_seconds,
        json_limit=settings.body_limit_bytes,
        rates=RequestRates(
            RateLimiter(settings.rate_limit_state or default_state_path()),
            sign_in_per_address=Rule.parse(
                "sign_in_per_address", settings.rate_sign_in_per_address
            ),
            api_per_address=Rule.parse("api_per_address", settings.rate_api_per_address),
            api_per_user=Rule.parse("api_per_user", settings.rate_api_per_user),
            trusted_proxies=settings.trusted_proxies,
        ),
        blocked=blocked,
    )

    async def start(runtime: Runtime) -> None:
        service = RegistryService(runtime.mongo, runtime.outbox)
        await service.seed(load_seed(settings.authorities_seed))
        registry.replace(await service.store.all())
        runtime.tasks.append(
            asyncio.create_task(upstream_health.keep_checking(), name="upstream-health")
        )
        runtime.tasks.append(
            asyncio.create_task(
                announce_periodically(service, every_seconds=settings.announce_seconds),
                name="registry-announcer",
            )
        )

    def memory(runtime: Runtime) -> list[MemoryCopy]:
        return [
            BlockedMembersLoader(blocked, runtime.mongo),
            RegistryLoader(registry, AuthorityStore(runtime.mongo)),
        ]

    async def registry_loaded(_: Runtime) -> bool:
        return registry.loaded.is_set()

    async def stop(_: Runtime) -> None:
        await proxy.close()

    operations = create_app(
        settings,
        title="Housing Portal: gateway",
        description="The front door: the authority registry and routing of every request.",
        parts=ServiceParts(
            routers=[authorities_router, directory_router],
            indexes=[*INDEXES, *ACCESS_INDEXES],
            subscriptions=lambda runtime: [access_subscription(runtime.mongo)],
            memory=memory,
            verifier=proxy.verifier,
            readiness={"registry": registry_loaded},
            on_start=start,
            on_stop=stop,
            keeps_authority_copy=False,
        ),
    )
    operations.state.registry = registry
    api_document = ApiDocument(
        settings.default_pools, own_api=operations.openapi, version=operations.version
    )
    return Gateway(
        GatewayParts(
            operations=operations, registry=registry, proxy=proxy, api_document=api_document
        )
    )


API_PATH = re.compile(r"^/api/(?P<service>[a-z]+)(?P<path>/.*)?$")
# The gateway's own answers on the public address; every other path outside the API is a page.
GATEWAY_PATH = re.compile(r"^/(?:healthz|readyz|api(?:/.*)?)$")
PAGE_SLUG = re.compile(rf"^/(?P<slug>{AUTHORITY_SLUG})(?:/|$)")
# Anything under an authority's /api is an API call, even one no service's pattern matches.
AUTHORITY_API = re.compile(rf"^/{AUTHORITY_SLUG}/api(?:/|$)")

API_DOCUMENT = re.compile(rf"^/(?P<slug>{AUTHORITY_SLUG})/api/(?P<what>openapi\.json|docs)$")

Target = tuple[str, str, str]


class Gateway:
    """Routes `/{authority}/api/{service}/...` (or `/api/...` on an authority's own host name).

    The gateway's own API (`service` = gateway) is served in-process; every other service is
    proxied. Its health, readiness and public `/api/...` are the gateway's operational app;
    every other path is a page, sent to the web pool.
    """

    def __init__(self, parts: GatewayParts) -> None:
        self.parts = parts
        self.app: ASGIApp = parts.operations
        self.documented = RequestMiddleware(self._api_document, service="gateway")
        self.secured = SecurityHeaders(self._not_proxied)

    def target(self, scope: Scope) -> Target | None:
        """The authority, service and service path a request is for, if it is an API call."""
        path: str = scope["path"]
        document = API_DOCUMENT.match(path)
        if document is not None:
            return document["slug"], "gateway", f"/{document['what']}"
        match = PROXIED.match(path)
        if match is not None:
            return match["slug"], match["service"], match["path"] or "/"
        own_host = API_PATH.match(path)
        if own_host is not None:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            authority = self.parts.registry.by_host.get(host.rsplit(":", 1)[0].lower())
            if authority is not None:
                return authority.slug, own_host["service"], own_host["path"] or "/"
        return None

    def is_page(self, scope: Scope) -> bool:
        """Whether a request is for the portal's pages rather than the gateway or an API."""
        path: str = scope["path"]
        return (
            GATEWAY_PATH.match(path) is None
            and AUTHORITY_API.match(path) is None
            and not is_operator_path(path)
            and not on_operations_port(scope)
            and self.target(scope) is None
        )

    def page_authority(self, scope: Scope) -> Authority | None:
        """The active authority a page belongs to: named first in its path, or by host name."""
        registry = self.parts.registry
        named = PAGE_SLUG.match(scope["path"])
        authority = registry.get(named["slug"]) if named is not None else None
        if authority is None:
            host = (request_header(scope, b"host") or "").rsplit(":", 1)[0].lower()
            authority = registry.by_host.get(host)
        return authority if authority is not None and authority.status == "active" else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.is_page(scope):
            await self.parts.proxy.page(
                scope,
                receive,
                send,
                authority=self.page_authority(scope),
                extra_headers=security_headers(scope),
            )
            return
        if scope["type"] == "http" and not is_preflight(scope):
            target = self.target(scope)
            if target is not None and target[1] != "gateway":
                # Every service call: the proxy adds the security and CORS headers itself.
                slug, service, path = target
                authority = self.parts.registry.get(slug)
                extra = security_headers(scope)
                if authority is not None and authority.status == "active":
                    extra += cors_headers(request_origin(scope), authority)
                await self.parts.proxy(
                    scope,
                    receive,
                    send,
                    slug=slug,
                    service=service,
                    path=path,
                    extra_headers=extra,
                )
                return
        await self.secured(scope, receive, send)

    async def _not_proxied(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Preflights, the gateway's own API, the API document and operational routes."""
        if scope["type"] == "http":
            target = self.target(scope)
            if target is not None:
                authority = self.parts.registry.get(target[0])
                if authority is not None and authority.status == "active" and is_preflight(scope):
                    await answer_preflight(send, request_origin(scope), authority)
                    return
                await with_cors(self._api, scope, receive, send, authority=authority)
                return
            if is_operator_path(scope["path"]) and not on_operations_port(scope):
                await _refuse(NotFound(), scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        if API_DOCUMENT.match(scope["path"]) is not None:
            await self.documented(scope, receive, send)
            return
        target = self.target(scope)
        assert target is not None
        slug, service, path = target
        if service == "gateway":
            await self._own_api(scope, receive, send, slug=slug, path=path)
            return
        await self.parts.proxy(
            scope, receive, send, slug=slug, service=service, path=path, extra_headers=[]
        )

    async def _api_document(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = API_DOCUMENT.match(scope["path"])
        assert match is not None
        await serve_api_document(
            scope,
            receive,
            send,
            slug=match["slug"],
            what=match["what"],
            document=self.parts.api_document,
            registry=self.parts.registry,
        )

    async def _own_api(
        self, scope: Scope, receive: Receive, send: Send, *, slug: str, path: str
    ) -> None:
        """The gateway's own routes, for one authority, as if they were a service's."""
        authority = self.parts.registry.get(slug)
        if authority is None or authority.status != "active":
            await _refuse(AuthorityNotFound(), scope, receive, send)
            return
        if is_operator_path(path):
            # Operators read the gateway's own on its operations port, never per authority.
            await _refuse(NotFound(), scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"x-authority"]
        headers.append((b"x-authority", slug.encode()))
        child = dict(scope)
        child.update(
            path=path,
            raw_path=path.encode(),
            root_path="",
            headers=headers,
        )
        await self.app(child, receive, send)


async def _refuse(error: AppError, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a request the gateway refuses outside the proxy, with the request's id."""
    response = app_error_response(error)
    response.headers["x-request-id"] = context.accept_request_id(
        request_header(scope, b"x-request-id")
    )
    await response(scope, receive, send)


app = create_gateway(settings)
