"""Rate limits: per client address on sign-in routes and the API, per user, across workers."""

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from portalstack.processes import free_port, stop_group
from portalstack.services import service_env
from portalstack.settings import StackSettings

MintToken = Callable[..., Awaitable[str]]


def address() -> str:
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}::{suffix[4:8]}"


async def one_connection_each(url: str, count: int, headers: dict[str, str]) -> list[int]:
    """Send requests on fresh connections, so the gateway's workers share them."""
    statuses = []
    for _ in range(count):
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(url, json={}, headers=headers)
            statuses.append(response.status_code)
            if response.status_code == 429:
                body = response.json()
                assert body["error"]["code"] == "too_many_requests"
                assert int(response.headers["retry-after"]) >= 1
    return statuses


@pytest.fixture
def strict_gateway(tmp_path: Path) -> Iterator[str]:
    """A second gateway, two gunicorn workers, with tight limits, in front of the same services."""
    settings = StackSettings.from_env()
    env = service_env(settings, "gateway")
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    env |= {
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        "GATEWAY_RATE_API_PER_ADDRESS": "6/60",
        "GATEWAY_RATE_API_PER_USER": "4/60",
        "GATEWAY_RATE_LIMIT_STATE": str(tmp_path / "rates"),
    }
    port = free_port()
    log = tmp_path / "gateway.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "gateway.main:app",
                "-k",
                "kit.server.Worker",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--no-control-socket",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"gateway did not start; see {log}"
        time.sleep(0.1)
    yield url
    stop_group(process.pid, timeout=20)
    process.wait()


class TestSignInLimit:
    async def test_sign_in_attempts_per_address_are_capped_across_workers(
        self, stack_gateway_url: str
    ) -> None:
        headers = {"X-Forwarded-For": address()}
        url = f"{stack_gateway_url}/watford/api/identity/sessions"
        # The limit counts per clock minute: start early in one, so that the 34 requests
        # (a few seconds on a busy machine) all fall in it.
        into_minute = time.time() % 60
        if into_minute > 40:
            await asyncio.sleep(60.5 - into_minute)
        statuses = await one_connection_each(url, 34, headers)
        # 30 a minute per address, however the requests fall across the gateway's workers.
        assert statuses.count(429) == 4, statuses
        assert 429 not in statuses[:30]
        other = await one_connection_each(url, 1, {"X-Forwarded-For": address()})
        assert other != [429]


class TestApiLimits:
    async def test_per_address_and_per_user(
        self, strict_gateway: str, mint_token: MintToken
    ) -> None:
        async with httpx.AsyncClient(base_url=strict_gateway, timeout=10) as client:
            deadline = time.monotonic() + 10
            while (await client.get("/watford/api/cases/healthz")).status_code == 503:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.1)
            here = {"X-Forwarded-For": address()}
            statuses = [
                (await client.get("/watford/api/cases/healthz", headers=here)).status_code
                for _ in range(8)
            ]
            assert statuses.count(429) >= 2, statuses
            assert statuses[-1] == 429
            token = await mint_token(authority="watford")
            user = {"Authorization": f"Bearer {token}"}
            by_user = []
            for _ in range(6):
                # A new address each time: only the per-user limit can refuse these.
                response = await client.get(
                    "/watford/api/cases/no-such-route",
                    headers={**user, "X-Forwarded-For": address()},
                )
                by_user.append(response.status_code)
            assert by_user[:4] == [404] * 4, by_user
            assert by_user[4:] == [429, 429], by_user

    async def test_an_untrusted_peer_cannot_choose_its_address(self, strict_gateway: str) -> None:
        # Loopback is a trusted proxy in the local stack, so a header from it counts; here
        # the same header arrives through a second hop the gateway does not trust.
        async with httpx.AsyncClient(base_url=strict_gateway, timeout=10) as client:
            spoofed = {"X-Forwarded-For": f"{address()}, 192.0.2.10"}
            statuses = [
                (await client.get("/watford/api/cases/healthz", headers=spoofed)).status_code
                for _ in range(8)
            ]
            spoofed_again = {"X-Forwarded-For": f"{address()}, 192.0.2.10"}
            again = await client.get("/watford/api/cases/healthz", headers=spoofed_again)
        assert 429 in statuses
        # The nearest untrusted hop is the client, whatever the caller put before it.
        assert again.status_code == 429
