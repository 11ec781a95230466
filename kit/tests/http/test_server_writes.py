"""The services' HTTP protocol: writes joined per event-loop turn, nothing lost or reordered."""

import asyncio
import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send
from tests.support.polling import eventually

from kit.server import HttpProtocol
from portalstack.processes import free_port

CHUNK = bytes(range(256)) * 256  # 64 KiB
CHUNKS = 80  # 5 MiB


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """A small answer, a streamed one, and one that closes the connection."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(CHUNKS):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-type", b"text/plain")]
    if scope["path"] == "/close":
        headers.append((b"connection", b"close"))
    body = scope["path"].encode()
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def server_url() -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, http=HttpProtocol, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    # uvicorn offers no event to wait on.
    await eventually(lambda: server.started, within=5.0, what="the test server started")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


class TestResponses:
    async def test_small_answers_on_one_connection_arrive_whole_and_in_order(
        self, server_url: str
    ) -> None:
        async with httpx.AsyncClient(base_url=server_url) as client:
            bodies = [(await client.get(f"/item-{number}")).text for number in range(20)]

        assert bodies == [f"/item-{number}" for number in range(20)]

    async def test_a_streamed_body_arrives_intact(self, server_url: str) -> None:
        async with httpx.AsyncClient(base_url=server_url) as client:
            response = await client.get("/stream")

        assert response.status_code == 200
        assert len(response.content) == len(CHUNK) * CHUNKS
        expected = hashlib.sha256(CHUNK * CHUNKS).hexdigest()
        assert hashlib.sha256(response.content).hexdigest() == expected

    async def test_an_answer_that_closes_the_connection_is_sent_before_it_closes(
        self, server_url: str
    ) -> None:
        host, port = server_url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /close HTTP/1.1\r\nhost: test\r\n\r\n")
        received = await asyncio.wait_for(reader.read(), timeout=5)  # until the server closes
        writer.close()

        assert received.startswith(b"HTTP/1.1 200 OK\r\n")
        assert received.endswith(b"\r\n\r\n/close")
