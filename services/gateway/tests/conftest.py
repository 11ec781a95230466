"""Fixtures for gateway tests: registry clean-up, and a stand-in upstream in an authority's pool."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support.polling import eventually, status_reached

from gateway.config import Settings as GatewaySettings
from kit.mongo import Document, Mongo
from portalstack.endpoints import Stack
from portalstack.processes import free_port, stop_group

WaitForCopies = Callable[..., Awaitable[dict[str, Document]]]
MintToken = Callable[..., Awaitable[str]]
StartServer = Callable[..., str]
RegisterAuthority = Callable[..., Awaitable[str]]

ADMIN_API = "/watford/api/gateway/authorities"
HERE = Path(__file__).resolve().parent
# The sink's authority accepts uploads this large.
UPLOAD_LIMIT = 300 * 1024 * 1024

# Each service's database holding its copy of the registry.
COPIES = {
    "identity": "portal_identity",
    "cases": "portal_cases",
    "documents": "portal_documents",
    "notifications": "portal_notifications",
}


async def wait_for_copies(
    mongo: Mongo, slug: str, *, revision: int = 1, within: float = 20.0
) -> dict[str, Document]:
    """Each service's copy of the authority, once all four hold this revision or a later one."""
    copies: dict[str, Document] = {}

    async def all_held() -> dict[str, Document] | None:
        for service, database in COPIES.items():
            found = await mongo.client[database]["authorities"].find_one({"_id": slug})
            if found is not None and found.get("revision", 0) >= revision:
                copies[service] = found
        return copies if len(copies) == len(COPIES) else None

    async def missing() -> str:
        return f"missing from {sorted(set(COPIES) - set(copies))}"

    return await eventually(
        all_held,
        within=within,
        what=f"revision {revision} of {slug} in every service",
        every=0.1,
        details=missing,
    )


@pytest.fixture
def copies_reached() -> WaitForCopies:
    """Waits until every service holds a revision of an authority."""
    return wait_for_copies


@pytest.fixture
async def gateway_mongo(stack: Stack) -> AsyncIterator[Mongo]:
    """The running gateway's own database."""
    mongo = Mongo(stack.mongo_url, GatewaySettings().mongo_db)
    yield mongo
    await mongo.close()


@pytest.fixture
async def forget_authorities(gateway_mongo: Mongo) -> AsyncIterator[list[str]]:
    """Slugs a test created; they are removed from the registry and every copy afterwards."""
    slugs: list[str] = []
    yield slugs
    for slug in slugs:
        await gateway_mongo.db["authorities"].delete_one({"_id": slug})
        for database in COPIES.values():
            await gateway_mongo.client[database]["authorities"].delete_one({"_id": slug})


@pytest.fixture
def register_authority(
    gateway: httpx.AsyncClient, mint_token: MintToken, forget_authorities: list[str]
) -> RegisterAuthority:
    """Registers an authority through the admin API (removed afterwards); gives its slug."""

    async def register(name: str, **fields: Any) -> str:
        slug = f"test-{uuid.uuid4().hex[:10]}"
        forget_authorities.append(slug)
        admin = await mint_token(authority="watford", roles=("platform_admin",))
        body = {
            "slug": slug,
            "name": name,
            "kind": "council",
            "modules": ["homelessness"],
            "uploads": {"max_bytes": 1_000_000, "allowed_extensions": [".pdf"]},
            "branding": {"colour": "#335577"},
            **fields,
        }
        created = await gateway.post(
            ADMIN_API, json=body, headers={"Authorization": f"Bearer {admin}"}
        )
        assert created.status_code == 201, created.text
        return slug

    return register


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Starts a server process, waits until it answers on `ready` (its /readyz), and stops it
    after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(argv: list[str], *, env: dict[str, str], port: int, ready: str = "/readyz") -> str:
        log = tmp_path / f"server-{port}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}{ready}", timeout=1).status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{url} did not start; see {log}")

    yield start
    for process in started:
        stop_group(process.pid, timeout=10)
        process.wait()


@pytest.fixture
def sink(start_server: StartServer) -> str:
    """The stand-in upstream (upstream_sink.py), on a spare port."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "upstream_sink:app", "--app-dir", str(HERE)]
    argv += ["--port", str(port), "--no-access-log"]
    return start_server(argv, env=dict(os.environ), port=port)


@pytest.fixture
async def sink_authority(
    gateway: httpx.AsyncClient,
    mint_token: MintToken,
    register_authority: RegisterAuthority,
    sink: str,
) -> tuple[str, dict[str, str]]:
    """An authority whose documents and cases pools are the sink; its slug and a user's headers."""
    slug = await register_authority(
        "Streaming District Council",
        uploads={"max_bytes": UPLOAD_LIMIT, "allowed_extensions": [".pdf"]},
        routes={"documents": [sink], "cases": [sink]},
    )
    await status_reached(gateway, f"/{slug}/api/documents/healthz", 200)
    user = await mint_token(authority=slug, lifetime=1800)
    return slug, {"Authorization": f"Bearer {user}"}
