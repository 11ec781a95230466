"""The client of a request: the address the gateway saw, and a description of the device."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from kit.clients import Client, describe_device

PEER = "198.51.100.7"

app = FastAPI()


@app.get("/client")
async def who(client: Client) -> dict[str, str]:
    """The client as a route sees it."""
    return {"address": client.address, "user_agent": client.user_agent, "device": client.device}


@pytest.fixture
async def service() -> AsyncIterator[httpx.AsyncClient]:
    """The app, reached from the peer address a proxy would connect from."""
    transport = httpx.ASGITransport(app=app, client=(PEER, 50123))
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
        yield client


class TestClientAddress:
    async def test_is_the_last_forwarded_address(self, service: httpx.AsyncClient) -> None:
        # Earlier entries come from the client itself and can be forged; the last is the proxy's.
        response = await service.get(
            "/client", headers={"X-Forwarded-For": "192.0.2.66, 203.0.113.20"}
        )

        assert response.json()["address"] == "203.0.113.20"

    async def test_is_the_peer_without_a_forwarded_address(
        self, service: httpx.AsyncClient
    ) -> None:
        assert (await service.get("/client")).json()["address"] == PEER
        blank = await service.get("/client", headers={"X-Forwarded-For": "  "})
        assert blank.json()["address"] == PEER

    async def test_is_cut_to_a_storable_length(self, service: httpx.AsyncClient) -> None:
        response = await service.get("/client", headers={"X-Forwarded-For": "a" * 500})

        assert response.json()["address"] == "a" * 64


class TestClientDevice:
    async def test_comes_from_the_user_agent(self, service: httpx.AsyncClient) -> None:
        user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

        response = await service.get("/client", headers={"User-Agent": user_agent})

        assert response.json()["device"] == "Firefox on Linux"
        assert response.json()["user_agent"] == user_agent

    async def test_user_agent_is_cut_to_a_storable_length(self, service: httpx.AsyncClient) -> None:
        response = await service.get("/client", headers={"User-Agent": "x" * 2000})

        assert len(response.json()["user_agent"]) == 512


class TestDeviceDescription:
    @pytest.mark.parametrize(
        ("user_agent", "device"),
        [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
                "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
                "Samsung Internet on Android",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on macOS",
            ),
            ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)", "ChromeOS"),
        ],
    )
    def test_names_the_browser_and_the_system(self, user_agent: str, device: str) -> None:
        assert describe_device(user_agent) == device

    def test_names_a_program_by_its_product(self) -> None:
        assert describe_device("python-httpx/0.28.1") == "python-httpx"
        assert describe_device("curl/8.5.0") == "curl"

    def test_says_when_it_cannot_tell(self) -> None:
        assert describe_device("") == "Unknown device"
        assert describe_device("???") == "Unknown device"
