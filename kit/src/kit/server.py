"""The gunicorn worker every service runs: uvicorn's, with each response sent in one write.

uvicorn writes a response's head as soon as the application starts it and the body when it
comes, so a small response costs two system calls and two TCP segments. Here the writes made
in one turn of the event loop are joined and sent together at the end of it: a response whose
head and body are sent back to back leaves in one call. Large bodies go out at once.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker

# Past this many bytes waiting, writes go out without waiting for the end of the turn.
FLUSH_AT = 64 * 1024


class CoalescingTransport:
    """A transport whose writes in one event-loop turn leave in one system call."""

    __slots__ = ("_loop", "_pending", "_size", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Queue bytes for the end of this turn (or send now, past FLUSH_AT)."""
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Send what is queued."""
        if not self._pending:
            return
        pending, self._pending, self._size = self._pending, [], 0
        if not self._transport.is_closing():
            self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def close(self) -> None:
        """Send what is queued, then close."""
        self.flush()
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        """Bytes not yet sent, queued here or in the transport."""
        return self._size + self._transport.get_write_buffer_size()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a coalescing transport."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # The protocol only writes, closes and asks about its transport; every other call
        # is passed through to the real one.
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]


class Worker(UvicornWorker):  # type: ignore[misc]  # gunicorn workers are untyped
    """gunicorn worker: uvicorn on uvloop with the coalescing HTTP protocol."""

    CONFIG_KWARGS: dict[str, Any] = {"loop": "auto", "http": "kit.server:HttpProtocol"}
