"""The gateway's API as the web service calls it: like any client, over HTTP."""

import json
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import aiohttp
from fastapi import Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ValidationError
from starlette.background import BackgroundTask

from kit import logs

log = logs.get_logger("web.gateway")

# The browser's User-Agent, passed on with the person's calls: identity names their sessions'
# devices from it ("Firefox on Windows"), not from the web service's own client.
browser_agent: ContextVar[str | None] = ContextVar("browser_agent", default=None)


class Branding(BaseModel):
    """How an authority's pages look."""

    colour: str
    logo_url: str | None = None


class Contact(BaseModel):
    """How residents reach an authority's housing team."""

    email: str | None = None
    phone: str | None = None
    website: str | None = None


class AuthorityProfile(BaseModel):
    """An authority's public details, as the gateway's directory gives them."""

    slug: str
    name: str
    kind: str
    modules: list[str]
    branding: Branding
    contact: Contact
    hosts: list[str] = []


@dataclass(frozen=True)
class ApiAnswer:
    """An API's answer: its status and JSON body."""

    status: int
    body: Any
    # The version the answer describes, for an If-Match on a later change.
    etag: str | None = None

    @property
    def error_code(self) -> str | None:
        """The standard error body's code, if the answer is an error."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            code = self.body["error"].get("code")
            return code if isinstance(code, str) else None
        return None

    @property
    def error_details(self) -> Any:
        """The standard error body's details, if the answer is an error."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("details")
        return None


class Download:
    """A file the gateway is sending: its status and headers now, its body as it comes."""

    CHUNK = 64 * 1024

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self._response = response

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body, a piece at a time; the connection goes back to the pool at the end."""
        try:
            async for chunk in self._response.content.iter_chunked(self.CHUNK):
                yield chunk
        finally:
            self._response.release()

    def close(self) -> None:
        """Give the connection back without reading the body."""
        self._response.release()

    def as_attachment(self) -> StreamingResponse:
        """A case's file passed on as the API sends it: its type and name, to be saved, never
        shown or sniffed by the browser, never cached."""
        headers = {
            "Content-Disposition": self.headers.get("Content-Disposition", "attachment"),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        }
        return self.passed_on(self.headers.get("Content-Type", "application/octet-stream"), headers)

    def as_pdf(self, name: str, *, shown: bool = False) -> StreamingResponse:
        """A PDF the API made, passed on as it arrives: to keep, or to open in the browser when
        `shown`."""
        disposition = f'{"inline" if shown else "attachment"}; filename="{name}"'
        headers = {
            "Content-Disposition": self.headers.get("Content-Disposition", disposition),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        }
        return self.passed_on("application/pdf", headers)

    def passed_on(self, media_type: str, headers: dict[str, str]) -> StreamingResponse:
        """The file as the browser's answer, sent as it arrives; the connection is given back
        however the answer ends, the browser going away mid-way included."""
        return StreamingResponse(
            self.chunks(),
            media_type=media_type,
            headers=headers,
            background=BackgroundTask(self.close),
        )


class GatewayUnavailable(Exception):
    """The gateway did not answer, answered too late, or answered with a failure."""


class AuthorityUnknown(Exception):
    """No active authority has this slug."""


class GatewayClient:
    """Calls to the gateway's API, each bounded by a timeout."""

    def __init__(self, base_url: str, *, timeout: float) -> None:
        self.base_url = base_url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The connection pool, made on first use inside the running loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        """Close the connections."""
        if self._session is not None:
            await self._session.close()

    async def get_json(self, path: str) -> tuple[int, Any]:
        """GET a path of the gateway; its status and JSON body."""
        try:
            async with self.session.get(f"{self.base_url}{path}") as response:
                if response.status >= 500:
                    raise GatewayUnavailable(f"{path} answered {response.status}")
                return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("gateway call failed", extra={"path": path, "reason": repr(error)})
            raise GatewayUnavailable(path) from error

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: dict[str, Any] | None = None,
        forwarded_for: str | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        if_match: str | None = None,
        form: aiohttp.FormData | None = None,
    ) -> ApiAnswer:
        """Call the API for a person: their token, and their address for the rate limits.

        The body is `body` as JSON, or `form` as multipart (files are read as they are sent)."""
        headers = dict(headers or {})
        agent = browser_agent.get()
        if agent:
            headers["User-Agent"] = agent
        if if_match is not None:
            headers["If-Match"] = if_match
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        try:
            sent: dict[str, Any] = {"data": form} if form is not None else {"json": body}
            async with self.session.request(
                method, f"{self.base_url}{path}", headers=headers, params=params, **sent
            ) as response:
                if response.status >= 500:
                    raise GatewayUnavailable(f"{method} {path} answered {response.status}")
                text = await response.text()
                return ApiAnswer(
                    response.status,
                    json.loads(text) if text else None,
                    etag=response.headers.get("etag"),
                )
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("gateway call failed", extra={"path": path, "reason": repr(error)})
            raise GatewayUnavailable(path) from error

    async def download(
        self, path: str, *, token: str, forwarded_for: str | None = None
    ) -> "Download":
        """GET a file for a person; its body is read a piece at a time, never held whole."""
        headers = {"Authorization": f"Bearer {token}"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        try:
            response = await self.session.get(f"{self.base_url}{path}", headers=headers)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("gateway call failed", extra={"path": path, "reason": repr(error)})
            raise GatewayUnavailable(path) from error
        if response.status >= 500:
            response.release()
            raise GatewayUnavailable(f"GET {path} answered {response.status}")
        return Download(response)

    async def is_ready(self) -> bool:
        """Whether the gateway says it is ready."""
        status, _ = await self.get_json("/readyz")
        return status == 200

    async def authorities(self) -> list[AuthorityProfile]:
        """Every authority that uses the portal, in name order."""
        status, body = await self.get_json("/api/authorities")
        if status != 200:
            raise GatewayUnavailable(f"directory answered {status}")
        try:
            return [AuthorityProfile.model_validate(item) for item in body["items"]]
        except (KeyError, TypeError, ValidationError) as error:
            raise GatewayUnavailable("directory answer unreadable") from error

    async def authority(self, slug: str) -> AuthorityProfile:
        """One active authority's public details."""
        status, body = await self.get_json(f"/api/authorities/{slug}")
        if status == 404:
            raise AuthorityUnknown(slug)
        if status != 200:
            raise GatewayUnavailable(f"authority answered {status}")
        try:
            return AuthorityProfile.model_validate(body)
        except ValidationError as error:
            raise GatewayUnavailable("authority answer unreadable") from error


def gateway_of(request: Request) -> GatewayClient:
    """This worker's gateway client."""
    gateway: GatewayClient = request.app.state.gateway
    return gateway


def forwarded_for(request: Request) -> str | None:
    """The person's address as the gateway told it, for the API's per-address limits."""
    return request.headers.get("x-forwarded-for")
