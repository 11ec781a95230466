"""Middleware built on kit's ResponseHeaders: added headers, a route's own kept, decided late."""

from collections.abc import Callable

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Scope

from kit.middleware import Headers, ResponseHeaders, add_missing

FRAMING = (b"x-frame-options", b"DENY")


class NoFraming(ResponseHeaders):
    """Adds X-Frame-Options unless the response set it, and the tenant the route picked."""

    def change(self, scope: Scope) -> Callable[[Headers], Headers]:
        def changed(headers: Headers) -> Headers:
            tenant = scope.get("state", {}).get("tenant")
            extra = [FRAMING] + ([(b"x-tenant", tenant.encode())] if tenant else [])
            return add_missing(headers, extra)

        return changed


async def plain(request: Request) -> PlainTextResponse:
    """No headers of its own."""
    return PlainTextResponse("plain")


async def framed(request: Request) -> PlainTextResponse:
    """Sets its own framing rule, and picks a tenant while it runs."""
    request.state.tenant = "watford"
    return PlainTextResponse("framed", headers={"X-Frame-Options": "SAMEORIGIN"})


def client() -> httpx.AsyncClient:
    app = NoFraming(Starlette(routes=[Route("/plain", plain), Route("/framed", framed)]))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_adds_what_the_response_lacks() -> None:
    async with client() as http:
        response = await http.get("/plain")
    assert response.headers["x-frame-options"] == "DENY"
    assert "x-tenant" not in response.headers


async def test_keeps_the_responses_own_and_sees_what_the_route_decided() -> None:
    async with client() as http:
        response = await http.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers["x-tenant"] == "watford"
