"""Fixtures for the web service's tests: the portal as browsers reach it, through the gateway."""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import APIRouter
from tests.support.cases import CasesApi
from tests.support.notices import Notified, NotifiedApplicant, notified
from tests.support.portal import IdentityStore, Person, Portal
from tests.support.stack import MintToken
from tests.support.web_pages import NewApplicant, applicant_signed_in_nowhere

from kit.mongo import Mongo
from portalstack.endpoints import Stack
from portalstack.processes import free_port, stop_group
from portalstack.settings import StackSettings

# The web app imported by a test reads the running stack's gateway, never the default one.
os.environ.setdefault("WEB_GATEWAY_URL", StackSettings.from_env().service_url("gateway"))

from web.config import Settings as WebSettings


@pytest.fixture(scope="session")
def web_url() -> str:
    """The web service's own address (behind the gateway in real use)."""
    return StackSettings.from_env().service_url("web")


@pytest.fixture
async def portal(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of the portal at the gateway's address; redirects are not followed."""
    suffix = uuid.uuid4().hex
    # A client address of its own, so rate limits per address apply per test.
    address = f"2001:db8:{suffix[:4]}:{suffix[4:8]}::{suffix[8:12]}"
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, timeout=15.0, headers={"X-Forwarded-For": address}
    ) as client:
        yield client


@pytest.fixture
def silent_gateway() -> Iterator[int]:
    """A port that accepts connections and never answers: a gateway that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


def _wait_until_live(url: str, *, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the web service did not start; see {log}")


@pytest.fixture
def web_without_gateway(tmp_path: Path, silent_gateway: int) -> Iterator[str]:
    """The address of a web service of the test's own whose gateway never answers."""
    port = free_port()
    env = {
        **os.environ,
        "WEB_GATEWAY_URL": f"http://127.0.0.1:{silent_gateway}",
        "WEB_GATEWAY_TIMEOUT_SECONDS": "0.5",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    log_path = tmp_path / "web.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "web.main:app", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_live(url, log=log_path)
        yield url
    finally:
        stop_group(process.pid, timeout=10)
        process.wait()


FAILING_PATH = "/{authority}/fails-for-test"


@pytest.fixture(scope="session")
def web_with_a_failing_page() -> Iterator[str]:
    """The address of the web app, run in this process with one page that always fails.

    Its store and broker are not started (no lifespan): the failing page needs neither.
    """
    from web.main import app

    failing = APIRouter()

    @failing.get(FAILING_PATH)
    async def fails(authority: str) -> None:
        raise RuntimeError("a bug in a page")

    app.include_router(failing)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    _wait_until_live(url, log=Path("(this test process)"))
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def web_session_store(stack: Stack) -> AsyncIterator[Mongo]:
    """The running web service's own database, where browser sessions are kept."""
    mongo = Mongo(stack.mongo_url, WebSettings().mongo_db)
    yield mongo
    await mongo.close()


@pytest.fixture
async def identity(stack: Stack, gateway: httpx.AsyncClient) -> AsyncIterator[Portal]:
    """Identity's API, for making the people the pages are tried with."""
    store = IdentityStore(stack.mongo_url)
    yield Portal(gateway, store)
    await store.close()


@pytest.fixture
def new_applicant(identity: Portal) -> NewApplicant:
    """A confirmed applicant who has declined the second-factor offer, not signed in anywhere."""

    async def make(authority: str = "kingston", *, first_name: str = "Rhiannon") -> Person:
        return await applicant_signed_in_nowhere(identity, authority, first_name=first_name)

    return make


@pytest.fixture
def notified_applicant(
    identity: Portal, gateway: httpx.AsyncClient, mint_token: MintToken
) -> NotifiedApplicant:
    """Makes an applicant whose referral was received and who was sent a message on it, once
    both notices are there."""

    async def make(authority: str = "watford") -> Notified:
        return await notified(identity, CasesApi(gateway, mint_token), authority)

    return make
