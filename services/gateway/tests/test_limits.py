"""Rate limits: per client address on sign-in routes and the API, per user, across workers."""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.support.polling import eventually, wait_until_ready

from portalstack.processes import free_port, stop_group
from portalstack.services import service_env
from portalstack.settings import StackSettings

MintToken = Callable[..., Awaitable[str]]


def address() -> str:
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}::{suffix[4:8]}"


def worker_pids(master: int) -> set[int]:
    """The worker processes of a gunicorn master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


def stack_gateway_master() -> int:
    """The running stack's gateway master process."""
    settings = StackSettings.from_env()
    return int((settings.run_dir / "gateway.pid").read_text().split()[0])


def accepted_socket(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of a local TCP connection, from /proc/net/tcp."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server_port and (
                int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                return inode
    return None


def owner_of(response: httpx.Response, workers: set[int]) -> int:
    """The worker process holding the connection this response came on."""
    stream = response.extensions["network_stream"]
    _, client_port = stream.get_extra_info("client_addr")
    _, server_port = stream.get_extra_info("server_addr")
    inode = accepted_socket(server_port, client_port)
    assert inode is not None, f"no server socket for client port {client_port}"
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue  # closed since it was listed
    raise AssertionError(f"no worker of {sorted(workers)} holds the connection")


@dataclass
class WorkerClients:
    """One client per gateway worker, each keeping a connection that worker accepted."""

    clients: dict[int, httpx.AsyncClient]
    served_by: list[int]

    async def post(self, turn: int, path: str, *, headers: dict[str, str]) -> httpx.Response:
        """POST an empty JSON object through the workers in turn, recording which one answered."""
        return await self.send(turn, "POST", path, headers=headers, body=b"{}")

    async def get(self, turn: int, path: str, *, headers: dict[str, str]) -> httpx.Response:
        """GET through the workers in turn, recording which one answered."""
        return await self.send(turn, "GET", path, headers=headers)

    async def send(
        self, turn: int, method: str, path: str, *, headers: dict[str, str], body: bytes = b""
    ) -> httpx.Response:
        """Send on the connection of worker number `turn` (modulo their count)."""
        pids = sorted(self.clients)
        client = self.clients[pids[turn % len(pids)]]
        if body:
            headers = {**headers, "Content-Type": "application/json"}
        response = await client.request(method, path, headers=headers, content=body or None)
        self.served_by.append(owner_of(response, set(self.clients)))
        return response


@pytest.fixture
async def each_worker() -> AsyncIterator[Callable[[str, int], Awaitable[WorkerClients]]]:
    """Opens connections to a gateway until each of its workers holds one."""
    async with AsyncExitStack() as opened:

        async def connect(url: str, master: int) -> WorkerClients:
            workers = worker_pids(master)
            assert len(workers) == 2, f"expected two workers, found {sorted(workers)}"
            clients: dict[int, httpx.AsyncClient] = {}
            for _ in range(200):
                client = httpx.AsyncClient(base_url=url, timeout=10)
                response = await client.get("/healthz")
                assert response.status_code == 200, response.text
                owner = owner_of(response, workers)
                if owner in clients:
                    await client.aclose()
                    continue
                opened.push_async_callback(client.aclose)
                clients[owner] = client
                if len(clients) == len(workers):
                    return WorkerClients(clients, served_by=[])
            raise AssertionError(f"only workers {sorted(clients)} of {sorted(workers)} accepted")

        yield connect


async def routed_by_both(workers: WorkerClients) -> None:
    """Wait until both workers route watford's cases: each learns the routes on its own, and
    a request answered 503 is not counted by the limits."""

    async def routed() -> bool:
        for turn in range(2):
            fresh = {"X-Forwarded-For": address()}
            answer = await workers.get(turn, "/watford/api/cases/healthz", headers=fresh)
            if answer.status_code == 503:
                return False
        return True

    await eventually(routed, what="watford's cases routed by both workers")


@pytest.fixture
def strict_gateway(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A second gateway, two gunicorn workers, with tight limits, in front of the same services:
    its URL and its master process."""
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
    wait_until_ready(url, what=f"the gateway logging to {log}")
    yield url, process.pid
    stop_group(process.pid, timeout=20)
    process.wait()


class TestSignInLimit:
    async def test_sign_in_attempts_per_address_are_capped_across_workers(
        self,
        stack_gateway_url: str,
        each_worker: Callable[[str, int], Awaitable[WorkerClients]],
    ) -> None:
        headers = {"X-Forwarded-For": address()}
        path = "/watford/api/identity/sessions"
        # The limit counts per clock minute: start early in one, so that the 34 requests
        # (a few seconds on a busy machine) all fall in it.
        into_minute = time.time() % 60
        if into_minute > 40:
            await asyncio.sleep(60.5 - into_minute)
        # Connected after the wait, so that no idle connection is closed before it is used.
        master = stack_gateway_master()
        workers = await each_worker(stack_gateway_url, master)
        statuses = []
        for turn in range(34):
            response = await workers.post(turn, path, headers=headers)
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert response.json()["error"]["code"] == "too_many_requests"
                assert int(response.headers["retry-after"]) >= 1
        # Both workers answered, and between them they let 30 a minute through per address.
        assert set(workers.served_by) == worker_pids(master), workers.served_by
        assert statuses.count(429) == 4, statuses
        assert 429 not in statuses[:30]
        other = await workers.post(0, path, headers={"X-Forwarded-For": address()})
        assert other.status_code != 429


class TestApiLimits:
    async def test_per_address_and_per_user(
        self,
        strict_gateway: tuple[str, int],
        mint_token: MintToken,
        each_worker: Callable[[str, int], Awaitable[WorkerClients]],
    ) -> None:
        url, master = strict_gateway
        workers = await each_worker(url, master)
        await routed_by_both(workers)
        here = {"X-Forwarded-For": address()}
        statuses = [
            (await workers.get(turn, "/watford/api/cases/healthz", headers=here)).status_code
            for turn in range(8)
        ]
        assert statuses.count(429) >= 2, statuses
        assert statuses[-1] == 429
        # Over its limit, the address is still told first that a route needs a token.
        signed_out = await workers.get(0, "/watford/api/cases/no-such-route", headers=here)
        assert signed_out.status_code == 401, signed_out.text
        token = await mint_token(authority="watford")
        user = {"Authorization": f"Bearer {token}"}
        by_user = []
        for turn in range(6):
            # A new address each time: only the per-user limit can refuse these.
            response = await workers.get(
                turn,
                "/watford/api/cases/no-such-route",
                headers={**user, "X-Forwarded-For": address()},
            )
            by_user.append(response.status_code)
        assert set(workers.served_by) == worker_pids(master), workers.served_by
        assert by_user[:4] == [404] * 4, by_user
        assert by_user[4:] == [429, 429], by_user

    async def test_an_untrusted_peer_cannot_choose_its_address(
        self,
        strict_gateway: tuple[str, int],
        each_worker: Callable[[str, int], Awaitable[WorkerClients]],
    ) -> None:
        # Loopback is a trusted proxy in the local stack, so a header from it counts; here
        # the same header arrives through a second hop the gateway does not trust.
        url, master = strict_gateway
        await routed_by_both(await each_worker(url, master))
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
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
