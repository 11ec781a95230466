"""The gateway's ASGI app: its own routes, and every `/{authority}/api/...` proxied."""

import asyncio
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import settings
from gateway.proxy import Proxy
from gateway.registry.repository import INDEXES
from gateway.registry.seed import load_seed
from gateway.registry.service import RegistryService, announce_periodically
from gateway.registry.view import RegistryView
from gateway.routing import RoutingTable
from kit.app import Runtime, ServiceParts, create_app
from kit.auth import JwksCache, TokenVerifier
from kit.middleware import RequestMiddleware

PROXIED = re.compile(r"^/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/api/(?P<service>[a-z]+)(?P<path>/.*)?$")

registry_view = RegistryView()
proxy = Proxy(
    registry_view,
    RoutingTable(settings.default_pools),
    TokenVerifier(JwksCache(settings.jwks_url), issuer=settings.token_issuer),
    connect_timeout=settings.upstream_connect_timeout_seconds,
    read_timeout=settings.upstream_read_timeout_seconds,
    connections=settings.upstream_connections,
)


async def _start(runtime: Runtime) -> None:
    registry = RegistryService(runtime.mongo, runtime.outbox)
    await registry.seed(load_seed(settings.authorities_seed))
    registry_view.store = registry.store
    await registry_view.refresh()
    runtime.tasks.append(
        asyncio.create_task(
            registry_view.keep_fresh(settings.registry_refresh_seconds), name="registry"
        )
    )
    runtime.tasks.append(
        asyncio.create_task(
            announce_periodically(registry, every_seconds=settings.announce_seconds),
            name="registry-announcer",
        )
    )


async def _stop(_: Runtime) -> None:
    await proxy.close()


operations = create_app(
    settings,
    title="Housing Portal: gateway",
    description="The front door: the authority registry and routing of every request.",
    parts=ServiceParts(indexes=INDEXES, on_start=_start, on_stop=_stop, keeps_authority_copy=False),
)


class Gateway:
    """Sends `/{authority}/api/{service}/...` to the proxy and everything else to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.proxied = RequestMiddleware(self._proxy, service="gateway")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and PROXIED.match(scope["path"]):
            await self.proxied(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = PROXIED.match(scope["path"])
        assert match is not None
        await proxy(
            scope,
            receive,
            send,
            slug=match["slug"],
            service=match["service"],
            path=match["path"] or "/",
        )


app = Gateway(operations)
