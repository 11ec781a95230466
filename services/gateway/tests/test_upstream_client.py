"""The gateway's upstream client against HTTP servers that behave as services may."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from gateway.upstream import (
    UpstreamClient,
    UpstreamClosed,
    UpstreamRefused,
    UpstreamTimeout,
)
from portalstack.processes import free_port

Answer = Callable[[bytes, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]


@dataclass
class Service:
    """A raw HTTP/1.1 server: `answer` writes each reply and says whether to keep the line."""

    answer: Answer
    port: int = 0
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    requests: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                self.requests.append(head)
                if not await self.answer(head, reader, writer):
                    return
        finally:
            self.open_now -= 1
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Answer], Awaitable[Service]]]:
    servers: list[asyncio.Server] = []

    async def start(answer: Answer) -> Service:
        service = Service(answer)
        service.port = free_port()
        servers.append(await asyncio.start_server(service.handle, "127.0.0.1", service.port))
        return service

    yield start
    for server in servers:
        server.close()


@pytest.fixture
async def client() -> AsyncIterator[UpstreamClient]:
    upstream = UpstreamClient(connect_timeout=2, read_timeout=1, connections=4, idle_timeout=10)
    yield upstream
    await upstream.close()


def reply(body: bytes, *, status: bytes = b"200 OK", extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 %s\r\ncontent-length: %d\r\n%s\r\n%s" % (status, len(body), extra, body)


async def ok(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    writer.write(reply(head.split(b" ")[1]))
    return True


async def get(client: UpstreamClient, service: Service, path: bytes) -> tuple[int, bytes]:
    response = await client.request(service.url, "GET", path, [(b"x-test", b"1")])
    return response.status, await response.read()


class TestKeepAlive:
    async def test_requests_in_turn_share_one_connection(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        service = await serve(ok)

        answers = [await get(client, service, b"/n%d" % number) for number in range(5)]

        assert answers == [(200, b"/n%d" % number) for number in range(5)]
        assert service.connections == 1
        assert service.requests[0].startswith(b"GET /n0 HTTP/1.1\r\nhost: 127.0.0.1:")
        assert b"\r\nx-test: 1\r\n" in service.requests[0]

    async def test_a_connection_the_service_closed_is_replaced_for_a_bodiless_request(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def close_after_answer(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            writer.write(reply(b"once"))
            await writer.drain()
            return False  # closes without saying so, as an idle keep-alive timeout does

        service = await serve(close_after_answer)

        first = await get(client, service, b"/a")
        second = await get(client, service, b"/b")

        assert first == second == (200, b"once")
        assert service.connections == 2

    async def test_no_more_connections_than_the_limit_are_opened(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def slow(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            await asyncio.sleep(0.05)
            writer.write(reply(b"slow"))
            return True

        service = await serve(slow)

        answers = await asyncio.gather(*(get(client, service, b"/x") for _ in range(12)))

        assert answers == [(200, b"slow")] * 12
        assert service.most_open == 4


class TestAnswers:
    async def test_a_head_answer_has_no_body_and_the_next_request_works(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def head_aware(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            if head.startswith(b"HEAD"):
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n")
                return True
            return await ok(head, reader, writer)

        service = await serve(head_aware)

        response = await client.request(service.url, "HEAD", b"/file", [])
        assert (response.status, await response.read()) == (200, b"")
        assert await get(client, service, b"/after") == (200, b"/after")

    async def test_a_chunked_answer_is_read_whole(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        pieces = [bytes([number]) * 70_000 for number in range(1, 30)]

        async def chunked(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            for piece in pieces:
                writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            return True

        service = await serve(chunked)

        response = await client.request(service.url, "GET", b"/big", [])
        received = [chunk async for chunk in response.chunks()]

        assert b"".join(received) == b"".join(pieces)
        assert ("transfer-encoding", "chunked") in [
            (name.decode(), value.decode()) for name, value in response.headers
        ]

    async def test_an_informational_answer_is_passed_over(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def early_hints(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            writer.write(b"HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n" + reply(b"done"))
            return True

        service = await serve(early_hints)

        assert await get(client, service, b"/page") == (200, b"done")
        assert await get(client, service, b"/again") == (200, b"done")

    async def test_an_answer_that_is_not_http_is_an_error(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def garbage(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")
            return True

        service = await serve(garbage)

        with pytest.raises(UpstreamClosed):
            await get(client, service, b"/x")


class TestRequestBodies:
    async def test_a_body_of_unknown_length_goes_chunked(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        received: list[bytes] = []

        async def collect(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            assert b"transfer-encoding: chunked" in head
            while True:
                size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                data = await reader.readexactly(size + 2)
                if size == 0:
                    break
                received.append(data[:-2])
            writer.write(reply(b"stored"))
            return True

        service = await serve(collect)

        async def body() -> AsyncIterator[bytes]:
            for number in range(5):
                yield bytes([65 + number]) * 10_000

        response = await client.request(
            service.url,
            "POST",
            b"/upload",
            [(b"transfer-encoding", b"chunked")],
            body=body(),
            chunked=True,
        )

        assert (response.status, await response.read()) == (200, b"stored")
        assert b"".join(received) == b"".join(bytes([65 + n]) * 10_000 for n in range(5))

    async def test_an_early_answer_stops_the_body_and_the_line_is_not_reused(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def refuse_body(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            if head.startswith(b"POST"):
                writer.write(reply(b"too large", status=b"413 Payload Too Large"))
                await writer.drain()
                await asyncio.sleep(0.2)
                return False
            return await ok(head, reader, writer)

        service = await serve(refuse_body)
        sent: list[int] = []

        async def body() -> AsyncIterator[bytes]:
            for _ in range(200):
                sent.append(1)
                yield b"x" * 65_536
                await asyncio.sleep(0.001)

        response = await client.request(
            service.url,
            "POST",
            b"/upload",
            [(b"content-length", str(200 * 65_536).encode())],
            body=body(),
        )

        assert (response.status, await response.read()) == (413, b"too large")
        assert len(sent) < 200
        assert await get(client, service, b"/next") == (200, b"/next")
        assert service.connections == 2


class TestFailures:
    async def test_nobody_listening_is_refused(self, client: UpstreamClient) -> None:
        with pytest.raises(UpstreamRefused):
            await client.request(f"http://127.0.0.1:{free_port()}", "GET", b"/", [])

    async def test_silence_past_the_read_timeout_times_out(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def silent(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            await asyncio.sleep(3)
            return False

        service = await serve(silent)

        with pytest.raises(UpstreamTimeout):
            await get(client, service, b"/slow")

    async def test_a_body_cut_short_is_an_error(
        self, serve: Callable[[Answer], Awaitable[Service]], client: UpstreamClient
    ) -> None:
        async def cut(
            head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> bool:
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n" + b"x" * 1000)
            await writer.drain()
            return False

        service = await serve(cut)

        response = await client.request(service.url, "GET", b"/cut", [])
        with pytest.raises(UpstreamClosed):
            await response.read()
