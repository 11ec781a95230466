"""Failures shown as pages a person understands, with the authority's contact details."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter

from portalstack.processes import free_port, stop_group


class TestNotFound:
    async def test_a_missing_page_of_an_authority_shows_its_contact_details(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/watford/no-such-page")
        assert page.status_code == 404
        assert "Page not found" in page.text
        assert "01923 226400" in page.text
        assert "Watford Borough Council" in page.text

    async def test_an_unknown_authority_is_a_page_not_found(
        self, portal: httpx.AsyncClient
    ) -> None:
        page = await portal.get("/nowhere-council/")
        assert page.status_code == 404
        assert "Page not found" in page.text
        assert 'href="/"' in page.text

    async def test_the_page_is_in_welsh_for_those_who_chose_it(
        self, portal: httpx.AsyncClient
    ) -> None:
        await portal.get("/?lang=cy")
        page = await portal.get("/watford/no-such-page")
        assert "Heb ddod o hyd i" in page.text


@pytest.fixture
def silent_gateway() -> Iterator[int]:
    """A port that accepts connections and never answers: a gateway that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


def start_web(
    tmp_path: Path, *, gateway_url: str, timeout: float
) -> tuple[subprocess.Popen[bytes], str]:
    """A web service of the test's own, reading from `gateway_url`."""
    port = free_port()
    env = {
        **os.environ,
        "WEB_GATEWAY_URL": gateway_url,
        "WEB_GATEWAY_TIMEOUT_SECONDS": str(timeout),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    log = (tmp_path / "web.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.main:app", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_group(process.pid, timeout=10)
    raise AssertionError(f"the web service did not start; see {tmp_path / 'web.log'}")


@pytest.fixture
async def web_without_gateway(
    tmp_path: Path, silent_gateway: int
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a web service whose gateway never answers."""
    process, url = await asyncio.to_thread(
        start_web, tmp_path, gateway_url=f"http://127.0.0.1:{silent_gateway}", timeout=0.5
    )
    try:
        async with httpx.AsyncClient(base_url=url, timeout=15) as client:
            yield client
    finally:
        stop_group(process.pid, timeout=10)
        process.wait()


class TestUnavailable:
    async def test_a_gateway_that_does_not_answer_shows_the_unavailable_page(
        self, web_without_gateway: httpx.AsyncClient
    ) -> None:
        page = await web_without_gateway.get("/kingston/")
        assert page.status_code == 503
        assert "Sorry, the service is unavailable" in page.text
        assert "Traceback" not in page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "nonce-" in page.headers["content-security-policy"]

    async def test_readiness_says_the_gateway_is_not_reachable(
        self, web_without_gateway: httpx.AsyncClient
    ) -> None:
        ready = await web_without_gateway.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["gateway"].startswith("failed")


class TestProblem:
    async def test_an_unexpected_failure_shows_the_problem_page_with_contact_details(
        self,
    ) -> None:
        from web.main import app

        failing = APIRouter()

        @failing.get("/{authority}/fails-for-test")
        async def fails(authority: str) -> None:
            raise RuntimeError("a bug in a page")

        app.include_router(failing)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
            page = await client.get("/kingston/fails-for-test")
        assert page.status_code == 500
        assert "Sorry, there is a problem with the service" in page.text
        assert "020 8547 5003" in page.text
        assert "a bug in a page" not in page.text
        assert "RuntimeError" not in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
