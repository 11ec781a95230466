"""Bodies stream through the gateway: limits, large transfers, timeouts, clients that leave."""

import hashlib
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
from tests.support.polling import eventually, status_reached

from portalstack.processes import free_port
from portalstack.services import service_env
from portalstack.settings import StackSettings

StartServer = Callable[..., str]
BIG = 200 * 1024 * 1024
UPLOAD_LIMIT = 300 * 1024 * 1024  # what the sink's authority accepts (conftest.py)
PATTERN = bytes(range(256)) * 256


def gateway_processes() -> list[int]:
    """The running gateway's master and worker processes."""
    settings = StackSettings.from_env()
    master = int((settings.run_dir / "gateway.pid").read_text().split()[0])
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    return pids


def memory_status(pid: int, field: str) -> int:
    """One memory figure of /proc/PID/status (VmRSS, VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"{field} missing for process {pid}")


class PeakMemory:
    """The most memory the gateway's processes held above where they started, at any moment.

    Writing 5 to /proc/PID/clear_refs sets the process's high-water mark (VmHWM) to what it
    holds now; the kernel then keeps the peak, however briefly it was reached.
    """

    def __init__(self) -> None:
        self.baseline: dict[int, int] = {}

    def reset(self) -> None:
        """Start measuring from now."""
        self.baseline = {}
        for pid in gateway_processes():
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            self.baseline[pid] = memory_status(pid, "VmHWM")

    def growth(self) -> int:
        """How far above its starting point each process peaked since the reset, added up."""
        assert set(gateway_processes()) == set(self.baseline), "the gateway restarted meanwhile"
        return sum(memory_status(pid, "VmHWM") - start for pid, start in self.baseline.items())


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
        # Held whole, 200 MB would show in the gateway's peak memory; streamed, it stays flat.
        limit = 64 * 1024 * 1024
        peak = PeakMemory()
        peak.reset()
        uploaded = await gateway.post(
            f"/{slug}/api/documents/files",
            content=upload_chunks(BIG),
            headers={**headers, "Content-Length": str(BIG)},
            timeout=120,
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json() == {"bytes": BIG, "sha256": expected.hexdigest()}
        growth = peak.growth()
        assert growth < limit, f"uploading raised the gateway's peak by {growth / 2**20:.0f} MiB"

        peak.reset()
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
        growth = peak.growth()
        assert growth < limit, f"downloading raised the gateway's peak by {growth / 2**20:.0f} MiB"

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

        async def cut() -> bool:
            return bool((await stats.get("/stats")).json()["streams_cut"] > before["streams_cut"])

        await eventually(cut, within=15, what="the upstream to stop streaming to nobody")
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
        assert refused.json()["error"] == {
            "code": "payload_too_large",
            "message": "The request is larger than the 1048576 bytes accepted here.",
            "details": None,
        }
        accepted = await gateway.post(url, content=b"x" * 1000, headers=headers)
        assert accepted.status_code == 200
        assert accepted.json()["bytes"] == 1000


class TestTimeouts:
    async def test_an_upstream_slower_than_the_read_timeout_gives_504(
        self,
        start_server: StartServer,
        sink_authority: tuple[str, dict[str, str]],
    ) -> None:
        slug, headers = sink_authority
        settings = StackSettings.from_env()
        env = service_env(settings, "gateway")
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env["GATEWAY_UPSTREAM_READ_TIMEOUT_SECONDS"] = "1"
        port = free_port()
        url = start_server(
            [sys.executable, "-m", "uvicorn", "gateway.main:app", "--port", str(port)],
            env=env,
            port=port,
        )
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            await status_reached(client, f"/{slug}/api/documents/healthz", 200)
            slow = await client.get(
                f"/{slug}/api/documents/slow", params={"seconds": "3"}, headers=headers
            )
            assert slow.status_code == 504
            assert slow.json()["error"]["code"] == "upstream_timeout"
            quick = await client.get(
                f"/{slug}/api/documents/slow", params={"seconds": "0.1"}, headers=headers
            )
            assert quick.status_code == 200
