"""A lean HTTP/1.1 client for the services behind the gateway, with keep-alive pools.

The gateway forwards every API call, so its client is on the hot path: requests are written
in one piece, responses parsed with httptools as they arrive, and connections kept per
upstream address. A small response is handed over whole; a large one is streamed with
back-pressure (reading pauses while the client is slower than the service).
"""

import asyncio
import contextlib
import ssl
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools

Headers = list[tuple[bytes, bytes]]

# Reading from a service pauses while this much of its response waits for a slow client.
HIGH_WATER = 1024 * 1024


class UpstreamError(Exception):
    """The request to the service failed."""


class UpstreamRefused(UpstreamError):
    """No connection could be made, so the service received nothing."""


class UpstreamTimeout(UpstreamError):
    """The service took longer than the timeout to connect or to send the next bytes."""


class UpstreamClosed(UpstreamError):
    """The connection ended, or the service answered something that is not HTTP/1.1."""

    def __init__(self, message: str, *, before_answer: bool = False) -> None:
        super().__init__(message)
        # Nothing of an answer arrived: a request without a body may be sent again.
        self.before_answer = before_answer


@dataclass(frozen=True)
class Address:
    """Where one upstream listens."""

    host: str
    port: int
    tls: bool
    host_header: bytes

    @classmethod
    def parse(cls, base_url: str) -> "Address":
        """The address of `http://host:port` or `https://host:port`."""
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"not an upstream address: {base_url!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        return cls(parts.hostname, port, tls, parts.netloc.encode("ascii"))


class UpstreamResponse:
    """A service's answer: the head at once, the body as it arrives."""

    def __init__(self, connection: "_Connection") -> None:
        self._connection = connection
        self.status = 0
        self.headers: Headers = []
        self.complete = False
        self._head: asyncio.Future[None] = connection.loop.create_future()
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._waiter: asyncio.Future[None] | None = None
        self._error: UpstreamError | None = None
        self.head_only = False

    def content(self) -> bytes:
        """The whole body, once `complete`."""
        body = b"".join(self._chunks)
        self._chunks.clear()
        return body

    async def read(self) -> bytes:
        """The whole body, for answers known to be small."""
        while not self.complete:
            if self._error is not None:
                raise self._error
            self._waiter = self._connection.loop.create_future()
            await self._waiter
        return self.content()

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body, piece by piece, until it ends."""
        while True:
            if self._chunks:
                chunk = self._chunks.popleft()
                self._buffered -= len(chunk)
                if self._buffered < HIGH_WATER:
                    self._connection.resume()
                yield chunk
                continue
            if self.complete:
                return
            if self._error is not None:
                raise self._error
            self._waiter = self._connection.loop.create_future()
            await self._waiter

    def abandon(self) -> None:
        """Stop reading: the connection is closed instead of kept."""
        if not self.complete:
            self._connection.close()

    # Called by the connection.

    def _on_head(self, status: int, headers: Headers) -> None:
        self.status = status
        self.headers = headers
        if not self._head.done():
            self._head.set_result(None)

    def _on_body(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self._buffered += len(chunk)
        if self._buffered >= HIGH_WATER:
            self._connection.pause()
        self._wake()

    def _on_complete(self) -> None:
        self.complete = True
        self._wake()

    def _on_error(self, error: UpstreamError) -> None:
        if self.complete:
            return
        self._error = error
        if not self._head.done():
            self._head.set_exception(error)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._waiter = None


class _Connection(asyncio.Protocol):
    """One keep-alive connection to a service, carrying one request at a time."""

    def __init__(self, pool: "_Pool") -> None:
        self.pool = pool
        self.loop = pool.loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.response: UpstreamResponse | None = None
        self.closed = False
        self.used = False
        self.idle_since = 0.0
        self.request_sent = False
        self._header_list: Headers = []
        self._informational = False
        self._until_close = False
        self._paused = False
        self._drain: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._activity = 0.0

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, but behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._activity = self.loop.time()
        if self.response is None:
            self.close()  # bytes nobody asked for: the connection cannot be trusted
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._fail(UpstreamClosed("the service's answer is not valid HTTP/1.1"))
            self.close()

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._stop_timer()
        response = self.response
        if response is not None and not response.complete:
            if response.status and self._until_close:
                # A body that runs until the connection closes has now ended.
                response._on_complete()
            else:
                response._on_error(
                    UpstreamClosed(
                        "the service closed the connection", before_answer=response.status == 0
                    )
                )
        self.response = None
        self._wake_drain()
        self.pool.forget(self)

    def pause_writing(self) -> None:
        self._drain = self.loop.create_future()

    def resume_writing(self) -> None:
        self._wake_drain()

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_list.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        headers, self._header_list = self._header_list, []
        response = self.response
        if response is None:
            return
        if 100 <= status < 200:
            self._informational = True  # e.g. 103 Early Hints: the real answer follows
            return
        self._until_close = status not in {204, 304} and not any(
            name in {b"content-length", b"transfer-encoding"} for name, _ in headers
        )
        response._on_head(status, headers)
        if response.head_only:
            # httptools cannot be told a HEAD answer has no body: end it here, drop the line.
            self._finish(reuse=False)
        self._wake_drain()  # an early answer stops the request body being sent

    def on_body(self, body: bytes) -> None:
        if self.response is not None:
            self.response._on_body(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        if self.response is not None:
            self._finish(reuse=self.request_sent and bool(self.parser.should_keep_alive()))

    # Used by the pool and the client

    def begin(self, response: UpstreamResponse, read_timeout: float) -> None:
        """Carry this request: watch for silence longer than the read timeout."""
        self.used = True
        self.response = response
        self.request_sent = False
        self._activity = self.loop.time()
        self._timer = self.loop.call_later(read_timeout, self._check_silence, read_timeout)

    def write(self, data: bytes) -> None:
        """Send bytes to the service."""
        assert self.transport is not None
        self._activity = self.loop.time()
        self.transport.write(data)

    async def drain(self) -> None:
        """Wait while the service is slower to read than the client is to send."""
        if self._drain is not None and not self.closed:
            await self._drain

    def answered(self) -> bool:
        """Whether the service already sent its answer's head (so the body need not go)."""
        return self.response is None or self.response.status != 0

    def pause(self) -> None:
        """Stop reading while the client catches up."""
        if not self._paused and self.transport is not None and not self.closed:
            self._paused = True
            self.transport.pause_reading()

    def resume(self) -> None:
        """Read again."""
        if self._paused and self.transport is not None and not self.closed:
            self._paused = False
            self._activity = self.loop.time()
            self.transport.resume_reading()

    def close(self) -> None:
        """Drop the connection."""
        if not self.closed:
            self.closed = True
            if self.transport is not None:
                self.transport.close()
        self._stop_timer()

    def _finish(self, *, reuse: bool) -> None:
        response = self.response
        self.response = None
        self._stop_timer()
        if response is not None:
            response._on_complete()
        if reuse and not self.closed:
            self.pool.release(self)
        else:
            self.close()

    def _fail(self, error: UpstreamError) -> None:
        if self.response is not None:
            self.response._on_error(error)

    def _check_silence(self, read_timeout: float) -> None:
        self._timer = None
        if self.response is None or self.closed:
            return
        quiet = self.loop.time() - self._activity
        if self._paused or not self.request_sent or quiet < read_timeout:
            # Waiting on a slow client (its body, or its reading) is not the service's silence.
            delay = read_timeout if self._paused else read_timeout - quiet
            self._timer = self.loop.call_later(delay, self._check_silence, read_timeout)
            return
        self._fail(UpstreamTimeout(f"the service sent nothing for {read_timeout:g} s"))
        if self.transport is not None:
            self.transport.abort()
        self.closed = True

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _wake_drain(self) -> None:
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)


class _Pool:
    """Keep-alive connections to one address, at most `limit` open at once."""

    def __init__(
        self,
        address: Address,
        *,
        limit: int,
        connect_timeout: float,
        idle_timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        self.address = address
        self.loop = asyncio.get_running_loop()
        self.limit = limit
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.tls = tls
        self.idle: deque[_Connection] = deque()
        self.open = 0
        self.waiters: deque[asyncio.Future[_Connection | None]] = deque()

    async def acquire(self, *, fresh: bool = False) -> _Connection:
        """An idle connection, else a new one, else the next one released."""
        now = self.loop.time()
        while self.idle and not fresh:
            connection = self.idle.pop()  # the most recently used is the likeliest alive
            if connection.closed or now - connection.idle_since > self.idle_timeout:
                connection.close()
                continue
            return connection
        if self.open >= self.limit:
            waiter: asyncio.Future[_Connection | None] = self.loop.create_future()
            self.waiters.append(waiter)
            try:
                handed = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    passed_on = waiter.result()
                    if passed_on is not None:
                        self.release(passed_on)
                    else:
                        self._pass_room()
                raise
            if handed is not None and not fresh:
                return handed
            if handed is not None:
                handed.close()
        return await self._connect()

    async def _connect(self) -> _Connection:
        self.open += 1
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await self.loop.create_connection(
                    lambda: _Connection(self),
                    self.address.host,
                    self.address.port,
                    ssl=self.tls,
                    server_hostname=self.address.host if self.tls else None,
                )
        except TimeoutError as error:
            self._closed_one()
            raise UpstreamTimeout("the service did not accept the connection in time") from error
        except OSError as error:
            self._closed_one()
            raise UpstreamRefused(str(error)) from error
        except BaseException:
            self._closed_one()
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        """Take a connection back after a complete exchange."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        connection.idle_since = self.loop.time()
        self.idle.append(connection)

    def forget(self, connection: _Connection) -> None:
        """A connection closed: it no longer counts, and a waiter may open another."""
        with contextlib.suppress(ValueError):
            self.idle.remove(connection)  # an idle one the service closed
        self._closed_one()

    def _closed_one(self) -> None:
        self.open -= 1
        self._pass_room()

    def _pass_room(self) -> None:
        """Let the next waiter open a connection."""
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # room for one more connection
                return

    def close(self) -> None:
        """Close every idle connection."""
        while self.idle:
            self.idle.pop().close()


class UpstreamClient:
    """Sends requests to services over pooled keep-alive connections."""

    def __init__(
        self,
        *,
        connect_timeout: float,
        read_timeout: float,
        connections: int,
        idle_timeout: float,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.connections = connections
        self.idle_timeout = idle_timeout
        self._pools: dict[str, _Pool] = {}
        self._tls: ssl.SSLContext | None = None

    def _pool(self, base_url: str) -> _Pool:
        pool = self._pools.get(base_url)
        if pool is None:
            address = Address.parse(base_url)
            if address.tls and self._tls is None:
                self._tls = ssl.create_default_context()
            pool = self._pools[base_url] = _Pool(
                address,
                limit=self.connections,
                connect_timeout=self.connect_timeout,
                idle_timeout=self.idle_timeout,
                tls=self._tls if address.tls else None,
            )
        return pool

    async def request(
        self,
        base_url: str,
        method: str,
        target: bytes,
        headers: Headers,
        *,
        body: AsyncIterator[bytes] | None = None,
        chunked: bool = False,
    ) -> UpstreamResponse:
        """Send a request and wait for the head of the answer.

        `target` is the path and query; `headers` go as they are (the Host header is the
        upstream's). A body is streamed from `body`, with chunked framing when `chunked`.
        """
        pool = self._pool(base_url)
        head = _request_head(method, target, pool.address.host_header, headers)
        connection = await pool.acquire()
        if body is not None or not connection.used:
            return await self._exchange(connection, method, head, body, chunked)
        try:
            return await self._exchange(connection, method, head, None, chunked)
        except UpstreamClosed as error:
            # A kept connection the service closed as it was reused fails before any answer:
            # a request without a body is then safely sent again on a new connection.
            if not error.before_answer:
                raise
        return await self._exchange(await pool.acquire(fresh=True), method, head, None, chunked)

    async def _exchange(
        self,
        connection: _Connection,
        method: str,
        head: bytes,
        body: AsyncIterator[bytes] | None,
        chunked: bool,
    ) -> UpstreamResponse:
        response = UpstreamResponse(connection)
        response.head_only = method == "HEAD"
        connection.begin(response, self.read_timeout)
        try:
            if connection.closed:
                raise UpstreamClosed("the service closed the connection", before_answer=True)
            connection.write(head)
            # A body cut short by an early answer leaves the connection unfit to reuse.
            connection.request_sent = body is None or await _send_body(connection, body, chunked)
            await response._head
        except BaseException:
            # Nobody waits for this answer any more (say, the client left while sending its
            # body): the connection's later failure must not surface as a lost error.
            response._head.cancel()
            connection.close()
            raise
        return response

    async def close(self) -> None:
        """Close every idle connection."""
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


async def _send_body(connection: _Connection, body: AsyncIterator[bytes], chunked: bool) -> bool:
    """Stream the body; say whether all of it went (a service may answer before the end)."""
    async for chunk in body:
        if connection.answered():
            return False  # e.g. the service refused the body: stop sending
        if connection.closed:
            raise UpstreamClosed("the service closed the connection")
        if chunked:
            if chunk:
                connection.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
        else:
            connection.write(chunk)
        await connection.drain()
    if chunked:
        if connection.answered():
            return False
        connection.write(b"0\r\n\r\n")
    return True


def _request_head(method: str, target: bytes, host: bytes, headers: Headers) -> bytes:
    lines = [b"%s %s HTTP/1.1\r\nhost: %s\r\n" % (method.encode("ascii"), target, host)]
    lines.extend(b"%s: %s\r\n" % header for header in headers)
    lines.append(b"\r\n")
    return b"".join(lines)
