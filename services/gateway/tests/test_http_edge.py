"""The gateway's HTTP edge: caching, unreadable requests, one date, header limits, leavers."""

import asyncio
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from tests.support.logs import ServiceLog

from portalstack.endpoints import Stack

PAD = b"a" * 1000


@dataclass(frozen=True)
class Answer:
    """A response read off a raw connection."""

    status: int
    headers: dict[str, list[str]]
    body: bytes


async def exchange(url: str, request: bytes) -> Answer:
    """Send raw bytes to a server and read its answer until it closes the connection."""
    address = urlsplit(url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(request)
    await writer.drain()
    # A bound on a hung server, not a measure of anything.
    raw = await asyncio.wait_for(reader.read(), 15)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return Answer(int(status_line.split()[1]), headers, body)


def padded_request(path: str, *, headers: int) -> bytes:
    """A GET whose header fields add up to about `headers` KiB."""
    padding = b"".join(b"x-pad-%d: %s\r\n" % (number, PAD) for number in range(headers))
    return b"GET %s HTTP/1.1\r\nhost: portal\r\nconnection: close\r\n%s\r\n" % (
        path.encode(),
        padding,
    )


def mentioning(text: str, marker: str) -> list[str]:
    """The lines of a log excerpt that name the marker."""
    return [line for line in text.splitlines() if marker in line]


def counted(metrics: str, name: str, **labels: str) -> float:
    """The summed samples of a metric whose labels include these."""
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith(name + "{"):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
            if all(found.get(key) == value for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
    return total


class TestApiAnswersAreNotStored:
    async def test_service_answers_through_the_gateway_say_no_store_once(
        self, gateway: httpx.AsyncClient
    ) -> None:
        response = await gateway.get("/watford/api/identity/password-rules")
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["no-store"]

    async def test_the_gateways_own_refusals_say_no_store(self, gateway: httpx.AsyncClient) -> None:
        refused = await gateway.get("/watford/api/cases/anything")
        assert refused.status_code == 401
        assert refused.headers.get_list("cache-control") == ["no-store"]

    async def test_the_gateway_adds_it_where_a_service_set_none(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(
            f"/{slug}/api/documents/stream", params={"bytes": "10"}, headers=headers
        )
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["no-store"]

    async def test_a_services_own_caching_is_kept(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(f"/{slug}/api/documents/cacheable", headers=headers)
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["public, max-age=60"]
        document = await gateway.get("/watford/api/openapi.json")
        assert document.headers.get_list("cache-control") == ["no-cache"]

    async def test_services_say_no_store_when_called_directly(self, stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=stack.service_urls["identity"]) as identity:
            response = await identity.get("/password-rules", headers={"X-Authority": "watford"})
        assert response.status_code == 200
        assert response.headers.get_list("cache-control") == ["no-store"]


class TestUnreadableRequests:
    @pytest.mark.parametrize(
        "request_bytes",
        [
            b"NOT-A-METHOD / HTTP/1.1\r\nhost: portal\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nhost: portal\r\nbad header: 1\r\n\r\n",
        ],
        ids=["request-line", "header"],
    )
    async def test_answered_with_the_standard_body_and_logged_once(
        self, stack: Stack, request_bytes: bytes
    ) -> None:
        log = ServiceLog("gateway")
        answer = await exchange(stack.gateway_url, request_bytes)
        assert answer.status == 400
        assert answer.headers["content-type"] == ["application/json"]
        assert answer.body == (
            b'{"error": {"code": "bad_request", "message": "The request could not be read.", '
            b'"details": null}}'
        )
        (request_id,) = answer.headers["x-request-id"]
        added = await log.naming(request_id)
        lines = mentioning(added, request_id)
        assert len(lines) == 1, added[-2000:]
        assert '"status": 400' in lines[0]
        assert "Logging error" not in added


class TestOneDateAndNoServerName:
    async def test_a_proxied_service_answer(self, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get("/watford/api/identity/password-rules")
        self.assert_one_date_no_server(response)

    async def test_an_upstream_that_names_itself(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.get(f"/{slug}/api/documents/cacheable", headers=headers)
        assert response.status_code == 200
        self.assert_one_date_no_server(response)

    async def test_the_gateways_own_answer(self, gateway: httpx.AsyncClient) -> None:
        self.assert_one_date_no_server(await gateway.get("/healthz"))

    @staticmethod
    def assert_one_date_no_server(response: httpx.Response) -> None:
        assert len(response.headers.get_list("date")) == 1
        assert response.headers.get_list("server") == []
        raw = b"\n".join(name + b": " + value for name, value in response.headers.raw)
        assert b"uvicorn" not in raw.lower()


class TestHeaderSizeLimit:
    @pytest.mark.parametrize("server", ["gateway", "identity"])
    async def test_headers_over_32_kib_get_431(self, stack: Stack, server: str) -> None:
        url = stack.gateway_url if server == "gateway" else stack.service_urls[server]
        answer = await exchange(url, padded_request("/healthz", headers=40))
        assert answer.status == 431
        assert answer.headers["content-type"] == ["application/json"]
        assert answer.body == (
            b'{"error": {"code": "headers_too_large", "message": "The request\'s headers are '
            b'larger than the 32768 bytes accepted.", "details": null}}'
        )

    async def test_headers_under_the_limit_are_served(self, stack: Stack) -> None:
        answer = await exchange(stack.gateway_url, padded_request("/healthz", headers=30))
        assert answer.status == 200


class TestClientThatLeavesMidBody:
    async def test_recorded_as_499_in_metrics_and_access_log(
        self, stack: Stack, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        marker = f"leaves-{uuid.uuid4().hex}"
        log = ServiceLog("gateway")
        address = urlsplit(stack.gateway_url)
        _, writer = await asyncio.open_connection(address.hostname, address.port)
        writer.write(
            f"POST /{slug}/api/documents/files HTTP/1.1\r\n"
            f"host: portal\r\n"
            f"authorization: {headers['Authorization']}\r\n"
            f"x-request-id: {marker}\r\n"
            f"x-forwarded-for: 2001:db8:499::{uuid.uuid4().hex[:4]}\r\n"
            "content-type: application/octet-stream\r\n"
            "content-length: 1000000\r\n\r\n".encode()
            + PAD
        )
        await writer.drain()
        writer.close()
        await writer.wait_closed()

        lines = mentioning(await log.naming(marker), marker)
        assert len(lines) == 1, lines
        assert '"status": 499' in lines[0]
        async with httpx.AsyncClient(base_url=stack.gateway_operations_url) as operations:
            metrics = (await operations.get("/metrics")).text
        requests = "portal_gateway_requests_total"
        assert counted(metrics, requests, authority=slug, service="documents", status="499") == 1
        assert counted(metrics, requests, authority=slug, service="documents", status="500") == 0
