"""Liveness, readiness and metrics, as every service answers them."""

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from tests.support.polling import eventually

from kit.app import Runtime, ServiceParts
from kit.settings import ServiceSettings

Launch = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def readiness_once(
    client: httpx.AsyncClient, *, settled: Callable[[dict[str, Any]], bool]
) -> httpx.Response:
    """Poll /readyz until its body satisfies `settled` (boot is asynchronous)."""

    async def answer() -> httpx.Response | None:
        response = await client.get("/readyz")
        return response if settled(response.json()) else None

    return await eventually(answer, within=15.0, what="readiness settled")


@pytest.fixture
async def silent_address() -> AsyncIterator[int]:
    """A local port that accepts connections and never answers on them."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    yield port
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


class TestHealth:
    async def test_liveness_answers_ok(self, service: httpx.AsyncClient) -> None:
        response = await service.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


class TestReadiness:
    async def test_ready_with_real_store_and_broker(self, service: httpx.AsyncClient) -> None:
        response = await service.get("/readyz")

        assert response.status_code == 200
        assert response.json() == {
            "status": "ready",
            "checks": {"store": "ok", "broker": "ok", "started": "ok"},
        }

    async def test_not_ready_names_the_store_when_it_is_unreachable(
        self, launch: Launch, service_settings: ServiceSettings
    ) -> None:
        unreachable = (
            f"mongodb://127.0.0.1:{closed_port()}/"
            "?retryWrites=false&directConnection=true&serverSelectionTimeoutMS=500"
        )
        settings = service_settings.model_copy(update={"mongo_url": unreachable})

        async with launch(settings) as client:
            response = await client.get("/readyz")

        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["store"].startswith("failed")
        assert body["checks"]["started"] == "failed"

    async def test_the_readiness_check_gives_up_on_a_store_that_never_answers(
        self, launch: Launch, service_settings: ServiceSettings, silent_address: int
    ) -> None:
        # The driver would wait a minute for this store: only the check's own limit ends it.
        silent = (
            f"mongodb://127.0.0.1:{silent_address}/?retryWrites=false&directConnection=true"
            "&serverSelectionTimeoutMS=60000&connectTimeoutMS=60000"
        )
        settings = service_settings.model_copy(update={"mongo_url": silent})

        async with launch(settings) as client:
            response = await client.get("/readyz")

        assert response.status_code == 503
        assert response.json()["checks"]["store"] == "failed: TimeoutError"

    async def test_not_ready_names_a_failing_service_check(
        self, launch: Launch, service_settings: ServiceSettings
    ) -> None:
        async def document_store(_: Runtime) -> None:
            raise ConnectionRefusedError("object store down")

        parts = ServiceParts(
            readiness={"s3": document_store},
            keeps_authority_copy=False,
            keeps_ended_sessions=False,
        )

        async with launch(service_settings, parts=parts) as client:
            response = await readiness_once(
                client, settled=lambda body: body["checks"]["started"] == "ok"
            )

        assert response.status_code == 503
        assert response.json() == {
            "status": "not_ready",
            "checks": {
                "store": "ok",
                "broker": "ok",
                "started": "ok",
                "s3": "failed: ConnectionRefusedError",
            },
        }


def duration_counts(exposition: str, service: str) -> dict[tuple[str, str, str], float]:
    """Request counts of the duration histogram by (method, route, status) for one service."""
    counts: dict[tuple[str, str, str], float] = {}
    pattern = re.compile(r"^portal_http_request_duration_seconds_count\{(.*)\} (\S+)$")
    for line in exposition.splitlines():
        match = pattern.match(line)
        if not match:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if labels["service"] == service:
            counts[(labels["method"], labels["route"], labels["status"])] = float(match.group(2))
    return counts


class TestMetrics:
    async def test_request_durations_are_labelled_by_route_template(
        self, service: httpx.AsyncClient, service_settings: ServiceSettings
    ) -> None:
        for case_id in ("C-1", "C-2", "C-3"):
            assert (await service.get(f"/cases/{case_id}")).status_code == 200
        await service.post("/cases/C-1/close")
        await service.get("/tenancies/T-1")

        response = await service.get("/metrics")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert "# TYPE portal_http_request_duration_seconds histogram" in response.text
        counts = duration_counts(response.text, service_settings.service_name)
        assert counts[("GET", "/cases/{case_id}", "200")] == 3.0
        assert counts[("POST", "/cases/{case_id}/close", "409")] == 1.0
        # Unknown paths share one label, so scanners cannot grow the series without bound.
        assert counts[("GET", "unmatched", "404")] == 1.0
        routes = {route for _, route, _ in counts}
        assert not any(route.startswith(("/cases/C-", "/tenancies/")) for route in routes)
        assert 'route="/cases/C-1"' not in response.text

    async def test_histogram_has_buckets_for_each_route(
        self, service: httpx.AsyncClient, service_settings: ServiceSettings
    ) -> None:
        await service.get("/cases/C-9")

        response = await service.get("/metrics")

        bucket = (
            "portal_http_request_duration_seconds_bucket{"
            f'le="+Inf",method="GET",route="/cases/{{case_id}}",'
            f'service="{service_settings.service_name}",status="200"}} 1.0'
        )
        assert bucket in response.text
