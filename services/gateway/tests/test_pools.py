"""Routing pools: an authority sent to its own instances, moved while traffic flows, and a
member killed and restarted, with no request failing."""

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from tests.support.polling import eventually, status_reached, wait_until_ready

from portalstack.processes import free_port, stop_group
from portalstack.services import service_env
from portalstack.settings import StackSettings

MintToken = Callable[..., Awaitable[str]]
RegisterAuthority = Callable[..., Awaitable[str]]
ADMIN_API = "/watford/api/gateway/authorities"
HEALTH_SERIES = re.compile(
    r'^portal_http_request_duration_seconds_count\{[^}]*route="/healthz"[^}]*\} (\S+)$', re.M
)


@dataclass
class CasesInstance:
    """One more instance of the cases service, outside the stack's default pool."""

    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = service_env(StackSettings.from_env(), "cases")
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # one process: its own in-memory metrics
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "cases.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--no-access-log",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_ready(self.url, what=f"the cases instance logging to {self.log}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process.pid, timeout=10)
            self.process.wait()

    def health_requests(self) -> float:
        """How many /healthz requests this instance has answered."""
        metrics = httpx.get(f"{self.url}/metrics", timeout=5).text
        return sum(float(value) for value in HEALTH_SERIES.findall(metrics))


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[tuple[CasesInstance, CasesInstance]]:
    pair = (
        CasesInstance(free_port(), tmp_path / "a.log"),
        CasesInstance(free_port(), tmp_path / "b.log"),
    )
    for instance in pair:
        instance.start()
    yield pair
    for instance in pair:
        instance.stop()


@dataclass
class Traffic:
    """Requests sent without pause until stopped, every answer's status kept."""

    gateway: httpx.AsyncClient
    url: str
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    running: bool = True
    task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        while self.running:
            response = await self.gateway.get(self.url)
            self.statuses.append(response.status_code)
            if response.status_code != 200:
                self.failures.append(response.text[:300])
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop sending and return once the last request has been answered."""
        self.running = False
        if self.task is not None:
            await self.task


@pytest.fixture
async def traffic_to(
    gateway: httpx.AsyncClient,
) -> AsyncIterator[Callable[[str], Traffic]]:
    started: list[Traffic] = []

    def start(url: str) -> Traffic:
        traffic = Traffic(gateway, url)
        traffic.task = asyncio.create_task(traffic.run())
        started.append(traffic)
        return traffic

    yield start
    for traffic in started:
        await traffic.stop()


class TestPools:
    async def test_an_authority_moves_between_pools_while_traffic_flows(
        self,
        gateway: httpx.AsyncClient,
        mint_token: MintToken,
        register_authority: RegisterAuthority,
        instances: tuple[CasesInstance, CasesInstance],
        traffic_to: Callable[[str], Traffic],
    ) -> None:
        first, second = instances
        slug = await register_authority("Pooled District Council", routes={"cases": [first.url]})
        token = await mint_token(authority="watford", roles=("platform_admin",))
        admin = {"Authorization": f"Bearer {token}"}
        url = f"/{slug}/api/cases/healthz"

        await status_reached(gateway, url, 200)
        # The first instance answered that request and its metrics count it.
        await eventually(
            lambda: first.health_requests() >= 1, within=15, what="first instance metrics"
        )
        before = (first.health_requests(), second.health_requests())
        for _ in range(20):
            assert (await gateway.get(url)).status_code == 200
        # The default pool serves everyone else.
        for _ in range(5):
            assert (await gateway.get("/watford/api/cases/healthz")).status_code == 200
        assert first.health_requests() - before[0] >= 20
        assert second.health_requests() == before[1]

        traffic = traffic_to(url)
        await eventually(lambda: len(traffic.statuses) > 20, within=15, what="traffic")
        moved = await gateway.patch(
            f"{ADMIN_API}/{slug}",
            json={"routes": {"cases": [second.url]}},
            headers={**admin, "If-Match": '"1"'},
        )
        assert moved.status_code == 200, moved.text
        start_second = second.health_requests()
        await eventually(
            lambda: second.health_requests() > start_second + 20,
            within=15,
            what="requests on the new pool",
        )
        settled_first = first.health_requests()
        sent = len(traffic.statuses)
        await eventually(lambda: len(traffic.statuses) > sent + 30, within=15, what="more traffic")
        await traffic.stop()
        assert first.health_requests() <= settled_first + 2  # only requests already in flight
        assert set(traffic.statuses) == {200}, traffic.failures

        # One pool of both instances: kill one, traffic keeps flowing, restart it, it rejoins.
        both = await gateway.patch(
            f"{ADMIN_API}/{slug}",
            json={"routes": {"cases": [first.url, second.url]}},
            headers={**admin, "If-Match": '"2"'},
        )
        assert both.status_code == 200, both.text
        traffic = traffic_to(url)
        await eventually(
            lambda: first.health_requests() > settled_first + 5,
            within=15,
            what="first instance back in the pool",
        )
        first.kill()
        sent = len(traffic.statuses)
        await eventually(
            lambda: len(traffic.statuses) > sent + 50, within=15, what="traffic after the kill"
        )
        first.start()
        restarted = first.health_requests()
        await eventually(
            lambda: first.health_requests() > restarted + 5,
            within=15,
            what="restarted member rejoining",
        )
        await traffic.stop()
        assert set(traffic.statuses) == {200}, traffic.failures

    async def test_a_pool_with_no_live_member_answers_503(
        self, gateway: httpx.AsyncClient, register_authority: RegisterAuthority
    ) -> None:
        dead = f"http://127.0.0.1:{free_port()}"
        slug = await register_authority("Unreachable District Council", routes={"cases": [dead]})
        response = await status_reached(gateway, f"/{slug}/api/cases/healthz", 503)
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] in {"no_upstream", "upstream_unavailable"}
        assert error["message"] == "This service is temporarily unavailable."
        assert response.headers["retry-after"] == "5"
