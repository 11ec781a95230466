"""Bodies stream through the gateway: limits, large transfers, timeouts, clients that leave."""

import asyncio
import hashlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from portalstack.processes import free_port, stop_group
from portalstack.services import service_env
from portalstack.settings import StackSettings

MintToken = Callable[..., Awaitable[str]]
ADMIN_API = "/watford/api/gateway/authorities"
HERE = Path(__file__).resolve().parent
BIG = 200 * 1024 * 1024
UPLOAD_LIMIT = 300 * 1024 * 1024
PATTERN = bytes(range(256)) * 256


def wait_until_ready(url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not start; see {log}")


def start(argv: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    stop_group(process.pid, timeout=10)
    process.wait()


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[str]:
    """The stand-in upstream, on a spare port."""
    port = free_port()
    log = tmp_path / "sink.log"
    argv = [sys.executable, "-m", "uvicorn", "upstream_sink:app", "--app-dir", str(HERE)]
    argv += ["--port", str(port), "--no-access-log"]
    process = start(argv, env=dict(os.environ), log=log)
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(url, log)
    yield url
    stop(process)


@pytest.fixture
async def sink_authority(
    gateway: httpx.AsyncClient,
    mint_token: MintToken,
    forget_authorities: list[str],
    sink: str,
) -> tuple[str, dict[str, str]]:
    """An authority whose documents pool is the sink; yields its slug and a user's headers."""
    slug = f"test-{uuid.uuid4().hex[:10]}"
    forget_authorities.append(slug)
    admin = await mint_token(authority="watford", roles=("platform_admin",))
    body = {
        "slug": slug,
        "name": "Streaming District Council",
        "kind": "council",
        "modules": ["homelessness"],
        "uploads": {"max_bytes": UPLOAD_LIMIT, "allowed_extensions": [".pdf"]},
        "branding": {"colour": "#335577"},
        "routes": {"documents": [sink], "cases": [sink]},
    }
    created = await gateway.post(ADMIN_API, json=body, headers={"Authorization": f"Bearer {admin}"})
    assert created.status_code == 201, created.text
    deadline = time.monotonic() + 10
    while (await gateway.get(f"/{slug}/api/documents/healthz")).status_code != 200:
        assert time.monotonic() < deadline, "the authority was never routed"
        await asyncio.sleep(0.1)
    user = await mint_token(authority=slug, lifetime=1800)
    return slug, {"Authorization": f"Bearer {user}"}


def gateway_memory() -> int:
    """Resident memory of the running gateway's processes, in bytes."""
    settings = StackSettings.from_env()
    master = int((settings.run_dir / "gateway.pid").read_text().split()[0])
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


async def upload_chunks(size: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < size:
        chunk = PATTERN[: min(len(PATTERN), size - sent)]
        sent += len(chunk)
        yield chunk


class TestLargeTransfers:
    async def test_a_200_mb_upload_and_download_stream_through(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        expected = hashlib.sha256()
        for _ in range(BIG // len(PATTERN)):
            expected.update(PATTERN)
        before = gateway_memory()
        uploaded = await gateway.post(
            f"/{slug}/api/documents/files",
            content=upload_chunks(BIG),
            headers={**headers, "Content-Length": str(BIG)},
            timeout=120,
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json() == {"bytes": BIG, "sha256": expected.hexdigest()}
        after_upload = gateway_memory()

        received = hashlib.sha256()
        size = 0
        async with gateway.stream(
            "GET",
            f"/{slug}/api/documents/stream",
            params={"bytes": BIG},
            headers=headers,
            timeout=120,
        ) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_raw():
                received.update(chunk)
                size += len(chunk)
        assert size == BIG
        assert received.hexdigest() == expected.hexdigest()
        # Held whole, 200 MB would show in the gateway's memory; streamed, it stays flat.
        growth = max(after_upload, gateway_memory()) - before
        assert growth < 64 * 1024 * 1024, f"gateway memory grew by {growth / 2**20:.0f} MiB"

    async def test_a_client_that_leaves_stops_the_upstream_transfer(
        self,
        gateway: httpx.AsyncClient,
        sink_authority: tuple[str, dict[str, str]],
        sink: str,
    ) -> None:
        slug, headers = sink_authority
        stats = httpx.AsyncClient(base_url=sink)
        before = (await stats.get("/stats")).json()
        async with gateway.stream(
            "GET",
            f"/{slug}/api/documents/stream",
            params={"bytes": BIG, "pace": "0.01"},
            headers=headers,
        ) as response:
            assert response.status_code == 200
            async for _ in response.aiter_raw():
                break
        deadline = time.monotonic() + 15
        while (await stats.get("/stats")).json()["streams_cut"] == before["streams_cut"]:
            assert time.monotonic() < deadline, "the upstream kept streaming to nobody"
            await asyncio.sleep(0.2)
        after = (await stats.get("/stats")).json()
        await stats.aclose()
        assert after["streams_finished"] == before["streams_finished"]


class TestBodyLimits:
    async def test_an_upload_over_the_authority_limit_is_refused_at_once(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        too_big = UPLOAD_LIMIT + 2 * 1024 * 1024
        response = await gateway.post(
            f"/{slug}/api/documents/files",
            content=upload_chunks(too_big),
            headers={**headers, "Content-Length": str(too_big)},
            timeout=60,
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"

    async def test_a_streamed_body_over_the_limit_is_cut_off(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        response = await gateway.post(
            f"/{slug}/api/cases/files",
            content=upload_chunks(3 * 1024 * 1024),  # no length: sent chunked
            headers=headers,
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"

    async def test_json_routes_accept_at_most_the_default_limit(
        self, gateway: httpx.AsyncClient, sink_authority: tuple[str, dict[str, str]]
    ) -> None:
        slug, headers = sink_authority
        url = f"/{slug}/api/cases/files"
        refused = await gateway.post(url, content=b"x" * (2 * 1024 * 1024), headers=headers)
        assert refused.status_code == 413
        assert refused.json()["error"]["code"] == "payload_too_large"
        accepted = await gateway.post(url, content=b"x" * 1000, headers=headers)
        assert accepted.status_code == 200
        assert accepted.json()["bytes"] == 1000


class TestTimeouts:
    async def test_an_upstream_slower_than_the_read_timeout_gives_504(
        self,
        tmp_path: Path,
        sink_authority: tuple[str, dict[str, str]],
    ) -> None:
        slug, headers = sink_authority
        settings = StackSettings.from_env()
        env = service_env(settings, "gateway")
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env["GATEWAY_UPSTREAM_READ_TIMEOUT_SECONDS"] = "1"
        port = free_port()
        log = tmp_path / "gateway.log"
        process = start(
            [sys.executable, "-m", "uvicorn", "gateway.main:app", "--port", str(port)],
            env=env,
            log=log,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_ready(url, log)
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                deadline = time.monotonic() + 10
                while (await client.get(f"/{slug}/api/documents/healthz")).status_code != 200:
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.1)
                slow = await client.get(
                    f"/{slug}/api/documents/slow", params={"seconds": "3"}, headers=headers
                )
                assert slow.status_code == 504
                assert slow.json()["error"]["code"] == "upstream_timeout"
                quick = await client.get(
                    f"/{slug}/api/documents/slow", params={"seconds": "0.1"}, headers=headers
                )
                assert quick.status_code == 200
        finally:
            stop(process)
